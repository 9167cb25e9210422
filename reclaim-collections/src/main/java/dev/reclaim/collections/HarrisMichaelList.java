package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.HEAD_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.ROOT_SIZE;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A lock-free sorted map of {@code long} keys to {@code long} values (and a sorted set of {@code long} keys),
 * Harris's linked list with Michael's hazard-pointer-safe traversal, whose nodes live off-heap in a
 * {@link SlabAllocator} and are reclaimed through any {@link Reclaimer}.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.HP.create();
 *      HarrisMichaelList list = new HarrisMichaelList(reclaimer, allocator)) {
 *     list.put(7, 700, -1);
 *     list.add(3);                                  // set-style: value 0
 *     long v = list.get(7, -1);                     // 700; -1 means "absent"
 *     list.forEach((k, val) -> System.out.println(k + "=" + val));   // 3=0, 7=700 (ascending keys)
 * }
 * }</pre>
 *
 * <p>Every operation is lock-free and allocates nothing on the Java heap in steady state; an operation costs
 * O(n) (the list is a building block and a benchmark workload; use {@link LongHashMap} for large key sets).
 * Values are reported through caller-chosen {@code absent} values, so pick one your values never take (or use
 * {@link #containsKey(long)}). All methods may be called concurrently by any threads, platform or virtual.
 *
 * <h2>Memory and failure</h2>
 * Each entry is one 32-byte node. Updating a present key publishes a replacement node and retires the old one
 * (values are immutable in place), so {@code put} on a present key also allocates. When the allocator is
 * exhausted, {@code put}, {@code putIfAbsent}, {@code replace}, {@code replaceIfPresent} and {@code add} throw the allocator's
 * {@link dev.reclaim.memory.OffHeapExhaustedException} and leave the list unchanged; removing entries makes
 * room again.
 *
 * <h2>Ownership and closing</h2>
 * Like {@link TreiberStack}: the list owns its nodes, not the reclaimer nor the allocator. Close the list
 * (frees every node still in it), then the reclaimer (frees the removed nodes still pending), then the
 * allocator. {@link #close()} must not run concurrently with other operations; afterwards every operation
 * throws {@link IllegalStateException}.
 */
public final class HarrisMichaelList implements LongLongMap {

    /*
     * Implementation notes
     *
     * The algorithm, its invariants, linearization points, memory-order pairs, ABA argument and garbage bound
     * are in OrderedListCore (shared with LongHashMap). This class adds the root block holding the head
     * sentinel (OrderedListLayout: its next word alone in a cache line), the key encoding okey = key ^ MIN
     * (unsigned order of okeys = signed order of keys), the guard per operation, and the closed flag.
     *
     * `closed` is volatile and set by a CAS in close() so that one closer frees the nodes; operations read it on
     * entry to fail fast on use after close. A close() concurrent with operations is documented misuse.
     */

    private final Reclaimer reclaimer;
    private final OrderedListCore core;
    private final SlabAllocator allocator;
    private final long root;
    /** The head sentinel node: its next word is at {@code root + HEAD_OFFSET}. */
    private final long head;
    private volatile boolean closed; // volatile: read by every operation, CASed by close()

    /**
     * Creates an empty list. It allocates its root block from {@code allocator} at once.
     *
     * @param reclaimer decides when removed nodes are freed; any scheme; not owned
     * @param allocator where nodes live; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    public HarrisMichaelList(Reclaimer reclaimer, SlabAllocator allocator) {
        this.reclaimer = Objects.requireNonNull(reclaimer,
                "reclaimer must not be null; pass e.g. Scheme.EBR.create()");
        this.allocator = Objects.requireNonNull(allocator,
                "allocator must not be null; pass e.g. SlabAllocator.create()");
        if (reclaimer.isClosed()) {
            throw new IllegalStateException("reclaimer '" + reclaimer.name()
                    + "' is closed; create the list with an open reclaimer");
        }
        this.core = new OrderedListCore(allocator, null);
        this.root = allocator.allocate(ROOT_SIZE);
        this.head = root + HEAD_OFFSET;
        Memory.putLongRelease(head, 0L); // release: the empty head is set before the list is shared
    }

    // ---------------------------------------------------------------- map operations

    /**
     * The value mapped to {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public long get(long key, long absent) {
        checkOpen("get()");
        try (Guard g = reclaimer.enter()) {
            long n = core.locate(g, head, OrderedListCore.listOkey(key));
            return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected by g
        }
    }

    /**
     * Whether {@code key} is present.
     *
     * @param key the key
     * @return {@code true} if present at the linearization point
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        try (Guard g = reclaimer.enter()) {
            return core.locate(g, head, OrderedListCore.listOkey(key)) != 0;
        }
    }

    /**
     * Maps {@code key} to {@code value}, inserting or replacing.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     * @throws IllegalStateException if the list or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator is full (the list is unchanged)
     */
    public long put(long key, long value, long absent) {
        checkOpen("put()");
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), value, OrderedListCore.PUT, 0, absent);
        }
    }

    /**
     * Maps {@code key} to {@code value} only if the key is not present.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present (and the value was inserted)
     * @return the present value (nothing changed), or {@code absent} (inserted)
     * @throws IllegalStateException if the list or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator is full (the list is unchanged)
     */
    public long putIfAbsent(long key, long value, long absent) {
        checkOpen("putIfAbsent()");
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), value, OrderedListCore.PUT_IF_ABSENT, 0,
                    absent);
        }
    }

    /**
     * Replaces the value of {@code key} only if it is present.
     *
     * @param key    the key
     * @param value  the new value
     * @param absent returned when the key was not present (nothing changed)
     * @return the previous value, or {@code absent}
     * @throws IllegalStateException if the list or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator is full (the list is unchanged)
     */
    public long replaceIfPresent(long key, long value, long absent) {
        checkOpen("replaceIfPresent()");
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), value, OrderedListCore.REPLACE, 0, absent);
        }
    }

    /**
     * Replaces the value of {@code key} only if it is present and equal to {@code expected}: a
     * compare-and-set on the entry, the building block of compute-style updates
     * ({@code do { v = get(k, A); } while (!replace(k, v, f(v)));}). (The {@code absent}-returning
     * unconditional form is {@link #replaceIfPresent(long, long, long)}.)
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @param value    the new value
     * @return {@code true} if replaced
     * @throws IllegalStateException if the list or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator is full (the list is unchanged)
     */
    public boolean replace(long key, long expected, long value) {
        checkOpen("replace()");
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), value, OrderedListCore.REPLACE_IF_EQUAL,
                    expected, 0) != 0;
        }
    }

    /**
     * Removes {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public long remove(long key, long absent) {
        checkOpen("remove()");
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, head, OrderedListCore.listOkey(key), OrderedListCore.REMOVE, 0, absent);
        }
    }

    /**
     * Removes {@code key} only if it is mapped to {@code expected}.
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @return {@code true} if removed
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public boolean removeIfEquals(long key, long expected) {
        checkOpen("removeIfEquals()");
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, head, OrderedListCore.listOkey(key), OrderedListCore.REMOVE_IF_EQUAL,
                    expected, 0) != 0;
        }
    }

    // ---------------------------------------------------------------- set operations

    /**
     * Adds {@code key} as a set element (mapped to 0) if absent.
     *
     * @param key the key
     * @return {@code true} if it was added, {@code false} if it was already present
     * @throws IllegalStateException if the list or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator is full (the list is unchanged)
     */
    public boolean add(long key) {
        checkOpen("add()");
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), 0, OrderedListCore.ADD, 0, 0) != 0;
        }
    }

    /**
     * Whether {@code key} is present: the set view of {@link #containsKey(long)}.
     *
     * @param key the key
     * @return {@code true} if present
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public boolean contains(long key) {
        return containsKey(key);
    }

    /**
     * Removes {@code key} whatever its value: the set view of {@link #remove(long, long)}.
     *
     * @param key the key
     * @return {@code true} if it was present
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public boolean delete(long key) {
        checkOpen("delete()");
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, head, OrderedListCore.listOkey(key), OrderedListCore.DELETE, 0, 0) != 0;
        }
    }

    // ---------------------------------------------------------------- bulk and state

    /**
     * Calls {@code action} for every entry, in ascending key order; weakly consistent like the iterators of
     * {@code java.util.concurrent}: each key at most once, every entry present for the whole call is seen,
     * concurrent insertions and removals may or may not be. Allocates nothing per entry. The call holds one
     * guard throughout (with EBR it holds back reclamation for its duration); {@code action} may read the list.
     *
     * @param action what to do with each entry
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action must not be null");
        checkOpen("forEach()");
        try (Guard g = reclaimer.enter()) {
            core.forEach(g, head, action);
        }
    }

    /**
     * An estimate of the number of entries: exact when no operation is in progress. Never negative.
     *
     * @return the estimated size
     * @throws IllegalStateException if the list is closed
     */
    public long size() {
        checkOpen("size()");
        return core.size();
    }

    /**
     * Whether the list has no entry at the moment of the call.
     *
     * @return {@code true} if the first node read was the end of the list
     * @throws IllegalStateException if the list or its reclaimer is closed
     */
    public boolean isEmpty() {
        checkOpen("isEmpty()");
        try (Guard g = reclaimer.enter()) {
            return core.first(g, head) == 0;
        }
    }

    /**
     * The reclaimer this list retires removed nodes to.
     *
     * @return the reclaimer given at construction
     */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    /**
     * The allocator this list's nodes live in.
     *
     * @return the allocator given at construction
     */
    public SlabAllocator allocator() {
        return allocator;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees every node still in the list and its root block. Removed nodes are freed by the reclaimer (close
     * it after the list). Must not run concurrently with other operations; the allocator must still be open.
     *
     * @throws IllegalStateException if the list is already closed
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) { // CAS: exactly one closer; pairs with checkOpen()
            throw new IllegalStateException("HarrisMichaelList is already closed; close it exactly once"
                    + " (try-with-resources does it for you)");
        }
        core.freeAll(head);
        allocator.free(root);
    }

    @Override
    public String toString() {
        return closed ? "HarrisMichaelList[closed]"
                : "HarrisMichaelList[size~" + core.size() + ", reclaimer=" + reclaimer.name() + "]";
    }

    private void checkOpen(String op) {
        if (closed) { // volatile read: pairs with the CAS in close()
            throw new IllegalStateException("HarrisMichaelList is closed; call " + op
                    + " before close(), or create a new list");
        }
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(HarrisMichaelList.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
