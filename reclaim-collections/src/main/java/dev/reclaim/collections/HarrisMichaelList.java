package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.HEAD_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.ROOT_SIZE;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
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
 * exhausted, {@code put}, {@code putIfAbsent}, {@code replace}, {@code replaceIfPresent} and {@code add} throw
 * the allocator's {@link dev.reclaim.memory.OffHeapExhaustedException} and leave the list unchanged; removing
 * entries makes room again.
 *
 * <h2>Ownership and closing</h2>
 * Like {@link TreiberStack}: the list owns its nodes, not the reclaimer nor the allocator. Close the list
 * (frees every node still in it), then the reclaimer (frees the removed nodes still pending), then the
 * allocator. {@link #close()} must not run concurrently with other operations; afterwards every operation
 * throws {@link IllegalStateException}.
 */
public final class HarrisMichaelList extends OffHeapCollection implements LongLongMap {

    /*
     * Implementation notes
     *
     * The algorithm, its invariants (I1-I4), linearization points, memory-order pairs (P1-P4), ABA argument and
     * garbage bound are in OrderedListCore (shared with LongHashMap). This class adds the root block holding
     * the head sentinel (OrderedListLayout: its next word alone in a cache line), the key encoding
     * okey = key ^ Long.MIN_VALUE (unsigned order of okeys = signed order of keys), one guard per operation,
     * and the lifecycle of OffHeapCollection (L1, L2).
     *
     * The head sentinel is the list's start node: its next word is set by a release store before the list is
     * shared (P4) and afterwards changes only by the core's CASes; it is never marked, unlinked or retired.
     */

    private final OrderedListCore core;
    private final long root;
    /** The head sentinel node: its next word is at {@code root + HEAD_OFFSET}. */
    private final long head;

    /**
     * Creates an empty list. It allocates its root block from {@code allocator} at once.
     *
     * @param reclaimer decides when removed nodes are freed; any scheme; not owned
     * @param allocator where nodes live; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    public HarrisMichaelList(Reclaimer reclaimer, SlabAllocator allocator) {
        super(reclaimer, allocator, "list");
        this.core = new OrderedListCore(allocator, null);
        this.root = OrderedListLayout.checkAligned(allocator.allocate(ROOT_SIZE), "root");
        this.head = root + HEAD_OFFSET;
        OrderedListCore.setNextRelease(head, 0L); // release: the empty head before the list is shared (P4)
    }

    // ---------------------------------------------------------------- map operations (docs: LongLongMap)

    @Override
    public long get(long key, long absent) {
        checkOpen("get()");
        try (Guard g = reclaimer.enter()) {
            long n = core.locate(g, head, OrderedListCore.listOkey(key));
            return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected by g (P1)
        }
    }

    @Override
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        try (Guard g = reclaimer.enter()) {
            return core.locate(g, head, OrderedListCore.listOkey(key)) != 0;
        }
    }

    @Override
    public long put(long key, long value, long absent) {
        return update("put()", key, value, OrderedListCore.PUT, 0, absent);
    }

    @Override
    public long putIfAbsent(long key, long value, long absent) {
        return update("putIfAbsent()", key, value, OrderedListCore.PUT_IF_ABSENT, 0, absent);
    }

    @Override
    public long replaceIfPresent(long key, long value, long absent) {
        return update("replaceIfPresent()", key, value, OrderedListCore.REPLACE, 0, absent);
    }

    @Override
    public boolean replace(long key, long expected, long value) {
        return update("replace()", key, value, OrderedListCore.REPLACE_IF_EQUAL, expected, 0) != 0;
    }

    @Override
    public long remove(long key, long absent) {
        return remove("remove()", key, OrderedListCore.REMOVE, 0, absent);
    }

    @Override
    public boolean removeIfEquals(long key, long expected) {
        return remove("removeIfEquals()", key, OrderedListCore.REMOVE_IF_EQUAL, expected, 0) != 0;
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
        return update("add()", key, 0, OrderedListCore.ADD, 0, 0) != 0;
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
        return remove("delete()", key, OrderedListCore.DELETE, 0, 0) != 0;
    }

    // ---------------------------------------------------------------- bulk and state

    /**
     * {@inheritDoc}
     *
     * <p>Entries come in ascending key order. The call holds one guard throughout (with EBR it holds back
     * reclamation for its duration); {@code action} may read the list.
     */
    @Override
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action must not be null");
        checkOpen("forEach()");
        try (Guard g = reclaimer.enter()) {
            core.forEach(g, head, action);
        }
    }

    @Override
    public long size() {
        checkOpen("size()");
        return core.size();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Unlike {@link #size()} this is exact at its linearization point: it reads the first node in a guard.
     */
    @Override
    public boolean isEmpty() {
        checkOpen("isEmpty()");
        try (Guard g = reclaimer.enter()) {
            return core.first(g, head) == 0;
        }
    }

    /** Frees every node still in the list and its root block (see {@link #close()}); quiescent (L2). */
    @Override
    void freeContents() {
        core.freeAll(head);
        allocator.free(root);
    }

    @Override
    String describe() {
        return "size~" + core.size() + ", ";
    }

    // ---------------------------------------------------------------- internals

    private long update(String op, long key, long value, int mode, long expected, long absent) {
        checkOpen(op);
        try (Guard g = reclaimer.enter()) {
            return core.update(g, head, OrderedListCore.listOkey(key), value, mode, expected, absent);
        }
    }

    private long remove(String op, long key, int mode, long expected, long absent) {
        checkOpen(op);
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, head, OrderedListCore.listOkey(key), mode, expected, absent);
        }
    }
}
