package dev.reclaim.collections;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * The lifecycle every off-heap structure of this package shares: the reclaimer and allocator it was built
 * with (neither owned), the closed flag, the use-after-close check and the one-shot {@link #close()}.
 * Every structure of this package extends it; it cannot be extended elsewhere (its constructor and the hooks a
 * structure implements are package-private), so it is public only so that the structures' public hierarchy
 * holds no hidden type.
 */
public abstract class OffHeapCollection implements AutoCloseable {

    /*
     * Implementation notes
     *
     * Lifecycle. `closed` goes false -> true once, and nothing else changes it.
     *   L1. close() sets it with a CAS (volatile), so exactly one caller runs freeContents(); a second close()
     *       fails, it never frees twice.
     *   L2. Every operation reads it (volatile) on entry, in checkOpen(), and fails fast after close. This
     *       does not make an operation safe against a concurrent close(): closing while other threads still
     *       use the structure is documented misuse, and freeContents() may assume quiescence.
     *
     * Hot paths. reclaimer and allocator are final fields; checkOpen() is final and small, so it inlines into
     * push/pop/get/put like a private method. Nothing virtual runs on a hot path: the two abstract methods
     * run only in close() and toString().
     *
     * Public methods are final: the lifecycle is the same for every structure.
     */

    /** Decides when what the structure unlinks is freed; not owned. */
    final Reclaimer reclaimer;
    /** Where the structure's blocks live; not owned. */
    final SlabAllocator allocator;
    /** What the structure is called in messages: "stack", "queue", "list", "map". */
    private final String kind;
    private volatile boolean closed; // volatile: read by every operation (L2), CASed by close() (L1)

    /**
     * Checks the arguments every structure takes.
     *
     * @param kind what to call the structure in messages ("create the " + kind + " with an open reclaimer")
     * @throws NullPointerException  if {@code reclaimer} or {@code allocator} is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    OffHeapCollection(Reclaimer reclaimer, SlabAllocator allocator, String kind) {
        this.reclaimer = Objects.requireNonNull(reclaimer,
                "reclaimer must not be null; pass e.g. Scheme.EBR.create()");
        this.allocator = Objects.requireNonNull(allocator,
                "allocator must not be null; pass e.g. SlabAllocator.create()");
        this.kind = kind;
        if (reclaimer.isClosed()) {
            throw new IllegalStateException("reclaimer '" + reclaimer.name()
                    + "' is closed; create the " + kind + " with an open reclaimer");
        }
    }

    /**
     * The reclaimer this structure retires what it unlinks to (nodes, value blocks or replaced tables).
     *
     * @return the reclaimer given at construction
     */
    public final Reclaimer reclaimer() {
        return reclaimer;
    }

    /**
     * The allocator this structure's off-heap blocks live in.
     *
     * @return the allocator given at construction
     */
    public final SlabAllocator allocator() {
        return allocator;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    public final boolean isClosed() {
        return closed; // volatile: pairs with the CAS in close() (L1)
    }

    /**
     * Frees every block the structure still holds (its entries or nodes and its root or tables). What it
     * removed earlier is freed by the reclaimer: close the reclaimer after the structure to free it all, and
     * the allocator last. Must not run while other threads still use the structure; the allocator must be
     * open. Afterwards every operation throws {@link IllegalStateException}.
     *
     * @throws IllegalStateException if the structure is already closed
     */
    @Override
    public final void close() {
        if (!casClosed(false, true)) { // CAS: exactly one closer (L1); pairs with checkOpen() (L2)
            throw new IllegalStateException(getClass().getSimpleName() + " is already closed; close it exactly"
                    + " once (try-with-resources does it for you)");
        }
        freeContents();
    }

    /** Frees what the structure owns. Runs once, in the one successful {@link #close()}; quiescent (L2). */
    abstract void freeContents();

    /** The state shown by {@link #toString()} before the reclaimer's name, e.g. {@code "size~3, "}. */
    abstract String describe();

    /**
     * Fails fast once the structure is closed.
     *
     * @param op the operation, for the message, e.g. {@code "push()"}
     * @throws IllegalStateException if {@link #close()} has been called
     */
    final void checkOpen(String op) {
        if (closed) { // volatile: pairs with the CAS in close() (L2)
            throw new IllegalStateException(getClass().getSimpleName() + " is closed; call " + op
                    + " before close(), or create a new " + kind);
        }
    }

    /**
     * Checks a guard a caller passes to an operation that runs under it: it must be open and belong to this
     * structure's reclaimer (a guard of another reclaimer protects nothing here).
     *
     * @param guard the caller's guard
     * @param op    the operation, for the message, e.g. {@code "pop(Guard, long)"}
     * @throws NullPointerException     if {@code guard} is null
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the guard is closed
     */
    final void checkGuard(Guard guard, String op) {
        if (guard == null) { // not Objects.requireNonNull: its message would be built on every call
            throw new NullPointerException(op + " needs an open guard of this " + kind + "'s reclaimer; pass"
                    + " reclaimer().enter(), or call the operation without a guard");
        }
        if (guard.reclaimer() != reclaimer) {
            throw new IllegalArgumentException(op + " got a guard of reclaimer '" + guard.reclaimer().name()
                    + "', but this " + kind + " retires to reclaimer '" + reclaimer.name() + "'; enter the guard"
                    + " from " + getClass().getSimpleName() + ".reclaimer()");
        }
        if (!guard.isOpen()) {
            throw new IllegalStateException(op + " got a closed guard; call it inside try (Guard g ="
                    + " reclaimer().enter()) { ... }");
        }
    }

    @Override
    public final String toString() {
        String name = getClass().getSimpleName();
        return closed ? name + "[closed]" // volatile: as in checkOpen()
                : name + "[" + describe() + "reclaimer=" + reclaimer.name() + "]";
    }

    private boolean casClosed(boolean expected, boolean value) {
        return CLOSED.compareAndSet(this, expected, value); // CAS: pairs with the volatile reads of closed (L1, L2)
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(OffHeapCollection.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
