package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A guard object that is handed out again after it closed (one per slot, or per thread for the leak
 * baseline), so that entering allocates nothing. It holds the open flag and the one copy of the misuse checks
 * every scheme's guard makes, each failing with a message that names the fix.
 *
 * <p>The defaults are whole-guard protection, what epochs and the leak baseline do: {@code protect} is an
 * acquire load and {@code unprotect} only checks its arguments. Heap references are protected that way under
 * every scheme ({@link #protect(int, AtomicReference)} is final): a reference can only be given up through
 * {@link Guard#defer(Runnable)}, whose grace period waits for every guard open at the call, whatever it loaded.
 *
 * <p>Threads: used by one thread at a time (the one that entered, or one it handed the guard to with a
 * happens-before edge), hence the plain {@link #open} flag.
 */
public abstract class PooledGuard implements Guard {
    /** The reclaimer that hands this guard out (what {@link #reclaimer()} returns; named in messages). */
    private final Reclaimer reclaimer;
    /** Plain: a guard is used by one thread at a time; hand-overs carry their own happens-before edge. */
    boolean open;

    /**
     * Creates a closed guard.
     *
     * @param reclaimer the reclaimer that hands it out
     */
    protected PooledGuard(Reclaimer reclaimer) {
        this.reclaimer = reclaimer;
    }

    /** Marks the guard open; the pool that hands it out calls it. */
    protected final void markOpen() {
        open = true;
    }

    /**
     * Marks the guard closed, first checking that it was open: the start of every {@code close()}.
     *
     * @throws IllegalStateException if the guard was already closed
     */
    protected final void markClosed() {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + reclaimer.name()
                    + "' is already closed; close each guard exactly once (use try-with-resources)");
        }
        open = false;
    }

    /**
     * Throws unless this guard is open.
     *
     * @param op the operation attempted, for the message
     * @throws IllegalStateException if the guard is closed
     */
    protected final void checkOpen(String op) {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + reclaimer.name() + "' is closed; call " + op
                    + " inside try (Guard g = reclaimer.enter()) { ... } before the guard is closed");
        }
    }

    /**
     * The checks of {@code protect} and {@code unprotect}: a valid protection index, then an open guard.
     *
     * @param index the protection index
     * @param op    the operation attempted, for the message
     */
    protected final void checkProtect(int index, String op) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen(op);
    }

    /**
     * The checks of every {@code retire}: an open guard, a non-zero pointer, a non-null deleter.
     *
     * @param pointer the pointer to retire
     * @param deleter its deleter
     */
    protected final void checkRetire(long pointer, Deleter deleter) {
        checkOpen("retire()");
        if (pointer == 0) {
            throw new IllegalArgumentException("cannot retire pointer 0 (null); retire only pointers you unlinked");
        }
        Objects.requireNonNull(deleter, "deleter must not be null; pass the allocator (or Deleter) that owns the pointer");
    }

    /**
     * The checks of {@code defer}: an open guard and a non-null action.
     *
     * @param action the action to defer
     */
    protected final void checkDefer(Runnable action) {
        checkOpen("defer()");
        Objects.requireNonNull(action, "deferred action must not be null; pass the Runnable to run after the grace period");
    }

    /**
     * The checks of {@code defer} with a size: those of {@link #checkDefer(Runnable)} and a size of at least 0.
     *
     * @param action    the action to defer
     * @param sizeBytes the bytes it releases
     */
    protected final void checkDefer(Runnable action, long sizeBytes) {
        checkDefer(action);
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("sizeBytes must be >= 0 (0 when unknown), got " + sizeBytes);
        }
    }

    /** Whole-guard protection: an acquire load (schemes that publish what they protect override it). */
    @Override
    public long protect(int index, long address) {
        checkProtect(index, "protect()");
        return Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
    }

    /** Every scheme: an acquire load; the referent is given up only through defer's grace period. */
    @Override
    public final <T> T protect(int index, AtomicReference<T> source) {
        checkProtect(index, "protect()");
        return source.getAcquire(); // acquire: pairs with the writer's release/CAS of the reference
    }

    /** Whole-guard protection: nothing to drop (schemes with per-index protections override it). */
    @Override
    public void unprotect(int index) {
        checkProtect(index, "unprotect()");
    }

    @Override
    public final Reclaimer reclaimer() {
        return reclaimer;
    }

    @Override
    public final boolean isOpen() {
        return open;
    }
}
