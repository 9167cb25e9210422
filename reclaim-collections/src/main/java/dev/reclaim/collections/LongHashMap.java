package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.DUMMY;
import static dev.reclaim.collections.OrderedListLayout.NODE_SIZE;
import static dev.reclaim.collections.OrderedListLayout.VALUE_OFFSET;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A lock-free hash map of {@code long} keys to {@code long} values whose entries live off-heap in a
 * {@link SlabAllocator} and are reclaimed through any {@link Reclaimer}: Shalev and Shavit's split-ordered
 * list, which grows by doubling its bucket table without moving an entry or stopping a reader.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.EBR.create();
 *      LongHashMap map = new LongHashMap(reclaimer, allocator)) {
 *     map.put(42, 4200, -1);
 *     long v = map.get(42, -1);                         // 4200; -1 means "absent"
 *     long n;                                           // compute-style update: a CAS loop on replace()
 *     do { n = map.get(42, 0); } while (!map.replace(42, n, n + 1));
 *     map.forEach((k, val) -> System.out.println(k + "=" + val));
 * }
 * }</pre>
 *
 * <p>{@code get}, {@code put} and the other operations are lock-free, expected O(1), and allocate nothing on
 * the Java heap in steady state. Values are reported through caller-chosen {@code absent} values (pick one
 * your values never take, or use {@link #containsKey(long)}). Every method may be called concurrently by any
 * threads, platform or virtual. Iteration order is the split order (pseudo-random).
 *
 * <h2>Memory and failure</h2>
 * Each entry is a 32-byte node; each bucket a 32-byte slot in a bucket segment (the table keeps at least one
 * bucket per entry, so about 32 to 64 bytes per entry on top). An update of a present key publishes a
 * replacement node and retires the old one. When the allocator is exhausted, the inserting and updating
 * methods throw the allocator's {@link OffHeapExhaustedException} and leave the map unchanged; a failed table
 * growth is silently skipped (the map keeps working with longer chains and retries growth later).
 *
 * <h2>Ownership and closing</h2>
 * As for {@link HarrisMichaelList}: close the map (frees the entries and the bucket table), then the
 * reclaimer, then the allocator. {@link #close()} must not run concurrently with other operations; afterwards
 * every operation throws {@link IllegalStateException}.
 */
public final class LongHashMap implements LongLongMap {

    /*
     * Implementation notes
     *
     * Split-ordered list (Shalev & Shavit). All entries are in ONE lock-free ordered list (OrderedListCore,
     * shared with HarrisMichaelList: its invariants, linearization points and memory-order pairs apply) sorted
     * by okey = Long.reverse(hash), hash = mix(key), a bijection, so the okey identifies the key and a node
     * needs no key word. Bucket b (of 2^bits) holds the hashes with h & (2^bits - 1) == b; in split order those
     * are exactly the nodes after the bucket node with okey reverse(b) (a "dummy" node: ties with a regular
     * okey put the dummy first) and before the next bucket node. Doubling the table splits every bucket b into
     * b and b + 2^bits, whose bucket node sits inside b's run: no entry moves, readers never stop.
     *
     * Bucket table. Bucket nodes are not separate allocations: segment 0 holds buckets [0, 2^B0), segment
     * i >= 1 holds [2^(B0+i-1), 2^(B0+i)), each bucket a 32-byte node slot (64-byte aligned segment, so a slot
     * never straddles a cache line) whose value word is its state: UNINITIALISED (0, the segment is zeroed),
     * CLAIMED, READY. A bucket is initialised lazily by the first operation that uses it: it CASes the state
     * UNINITIALISED -> CLAIMED, links the slot into the list starting from its parent bucket (b without its top
     * bit, initialised first, recursively) and writes READY with release. A thread that finds the bucket
     * CLAIMED by another does not wait: it starts from the parent bucket instead (correct, as the parent's run
     * contains the child's), so the map stays lock-free. Bucket nodes are never marked, unlinked or retired;
     * close() frees the segments.
     *
     * Growth. The count estimate (LongAdder) is compared with the bucket count on about 1 put in 64 (by hash
     * bits the bucket index does not use); above LOAD_FACTOR entries per bucket, a thread allocates the next
     * segment (zeroed) if it is missing, installs it in the directory by CAS (a loser frees its copy), then
     * CASes bits -> bits + 1. Readers index the directory after reading bits (volatile), and the directory
     * write is a release CAS that happens before the bits CAS: a bucket index below 2^bits always has its
     * segment. Exhaustion during growth skips growing.
     *
     * Memory-order pairs. state: release store of READY in initBucket() -> acquire load in bucket(); the
     * bucket node's okey/meta are plain writes published by the CAS that links it (core). directory: CAS
     * (volatile) in grow() -> acquire load in segmentAddress(). bits: CAS in grow() -> volatile read in
     * bucketOf(). closed: CAS in close() -> volatile read in checkOpen().
     *
     * Garbage: as OrderedListCore (removed and replaced nodes, with their birth eras). With hazard pointers a
     * bucket node needs no protection (never freed before close); the core protects it anyway, harmlessly.
     *
     * References. O. Shalev, N. Shavit, "Split-Ordered Lists: Lock-Free Extensible Hash Tables", JACM 53(3),
     *   2006. M. M. Michael, "High Performance Dynamic Lock-Free Hash Tables and List-Based Sets", SPAA 2002.
     */

    /** Most entries per bucket on average before the table doubles. */
    static final int LOAD_FACTOR = 1;
    /** Largest table: 2^30 buckets. */
    static final int MAX_BITS = 30;
    /** Smallest first segment: 2^4 buckets. */
    static final int MIN_BITS = 4;

    private static final long UNINITIALISED = 0;
    private static final long CLAIMED = 1;
    private static final long READY = 2;

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final OrderedListCore core;
    /** log2 of the size of segment 0. */
    private final int baseBits;
    /** Raw (unaligned) addresses of the bucket segments, 0 until allocated; the slots are 64-byte aligned in it. */
    private final long[] segments;
    /** Bucket 0's node: the list's head; never changes. */
    private final long head;
    private volatile int bits; // volatile: read per operation, CASed by grow()
    private volatile boolean closed; // volatile: read by every operation, CASed by close()

    /**
     * Creates an empty map with a small table.
     *
     * @param reclaimer decides when removed nodes are freed; any scheme; not owned
     * @param allocator where entries and buckets live; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    public LongHashMap(Reclaimer reclaimer, SlabAllocator allocator) {
        this(reclaimer, allocator, 16);
    }

    /**
     * Creates an empty map whose table starts large enough for {@code expectedSize} entries (it grows beyond).
     *
     * @param reclaimer    decides when removed nodes are freed; any scheme; not owned
     * @param allocator    where entries and buckets live; not owned
     * @param expectedSize a hint, at least 0
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code expectedSize} is negative
     * @throws IllegalStateException    if the reclaimer is closed
     * @throws OffHeapExhaustedException if the first bucket segment does not fit in the allocator
     */
    public LongHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize) {
        this.reclaimer = Objects.requireNonNull(reclaimer,
                "reclaimer must not be null; pass e.g. Scheme.EBR.create()");
        this.allocator = Objects.requireNonNull(allocator,
                "allocator must not be null; pass e.g. SlabAllocator.create()");
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0, got " + expectedSize);
        }
        if (reclaimer.isClosed()) {
            throw new IllegalStateException("reclaimer '" + reclaimer.name()
                    + "' is closed; create the map with an open reclaimer");
        }
        long buckets = Math.max(1L, expectedSize / LOAD_FACTOR);
        int b = 64 - Long.numberOfLeadingZeros(buckets - 1);
        this.baseBits = Math.max(MIN_BITS, Math.min(b, MAX_BITS - 4));
        this.segments = new long[MAX_BITS - baseBits + 1];
        this.core = new OrderedListCore(allocator, this);
        long raw = allocator.allocateZeroed(segmentBytes(0));
        SEGMENTS.setRelease(segments, 0, raw); // release: before the map is shared; pairs with segmentAddress()
        this.head = align(raw);
        OrderedListCore.setOkeyPlain(head, 0L); // plain: bucket 0, published by the release below
        OrderedListCore.setMetaPlain(head, DUMMY);
        OrderedListCore.setNextPlain(head, 0L);
        setStateRelease(head, READY); // release: bucket 0 is ready before the map is shared
        BITS.setVolatile(this, baseBits); // volatile: the initial table size
    }

    // ---------------------------------------------------------------- operations

    /**
     * The value mapped to {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public long get(long key, long absent) {
        checkOpen("get()");
        long h = OrderedListCore.mix(key);
        try (Guard g = reclaimer.enter()) {
            long n = core.locate(g, bucketOf(g, h), Long.reverse(h));
            return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected by g
        }
    }

    /**
     * Whether {@code key} is present.
     *
     * @param key the key
     * @return {@code true} if present at the linearization point
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        long h = OrderedListCore.mix(key);
        try (Guard g = reclaimer.enter()) {
            return core.locate(g, bucketOf(g, h), Long.reverse(h)) != 0;
        }
    }

    /**
     * Maps {@code key} to {@code value}, inserting or replacing.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public long put(long key, long value, long absent) {
        return update("put()", key, value, OrderedListCore.PUT, 0, absent);
    }

    /**
     * Maps {@code key} to {@code value} only if the key is not present.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present (and the value was inserted)
     * @return the present value (nothing changed), or {@code absent} (inserted)
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public long putIfAbsent(long key, long value, long absent) {
        return update("putIfAbsent()", key, value, OrderedListCore.PUT_IF_ABSENT, 0, absent);
    }

    /**
     * Replaces the value of {@code key} only if it is present.
     *
     * @param key    the key
     * @param value  the new value
     * @param absent returned when the key was not present (nothing changed)
     * @return the previous value, or {@code absent}
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public long replaceIfPresent(long key, long value, long absent) {
        return update("replaceIfPresent()", key, value, OrderedListCore.REPLACE, 0, absent);
    }

    /**
     * Replaces the value of {@code key} only if it is present and equal to {@code expected}: a
     * compare-and-set on the entry, the building block of compute-style updates
     * ({@code do { v = get(k, A); } while (!replace(k, v, f(v)));}).
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @param value    the new value
     * @return {@code true} if replaced
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public boolean replace(long key, long expected, long value) {
        return update("replace()", key, value, OrderedListCore.REPLACE_IF_EQUAL, expected, 0) != 0;
    }

    /**
     * Removes {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public long remove(long key, long absent) {
        checkOpen("remove()");
        long h = OrderedListCore.mix(key);
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, bucketOf(g, h), Long.reverse(h), OrderedListCore.REMOVE, 0, absent);
        }
    }

    /**
     * Removes {@code key} only if it is mapped to {@code expected}.
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @return {@code true} if removed
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public boolean removeIfEquals(long key, long expected) {
        checkOpen("removeIfEquals()");
        long h = OrderedListCore.mix(key);
        try (Guard g = reclaimer.enter()) {
            return core.remove(g, bucketOf(g, h), Long.reverse(h), OrderedListCore.REMOVE_IF_EQUAL, expected, 0)
                    != 0;
        }
    }

    // ---------------------------------------------------------------- operations inside a caller's guard

    /**
     * {@link #get(long, long)} inside a guard the caller holds, so that a batch of operations pays for one
     * {@link Reclaimer#enter()} (whose fence also stops the CPU from overlapping the cache misses of
     * consecutive lookups). Keep such a guard short: while it is open, EBR frees nothing anywhere.
     *
     * @param guard  an open guard of this map's reclaimer
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the map or the guard is closed
     */
    public long get(Guard guard, long key, long absent) {
        checkOpen("get()");
        checkGuard(guard);
        long h = OrderedListCore.mix(key);
        long n = core.locate(guard, bucketOf(guard, h), Long.reverse(h));
        return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected by the guard
    }

    /**
     * {@link #put(long, long, long)} inside a guard the caller holds (see {@link #get(Guard, long, long)}).
     *
     * @param guard  an open guard of this map's reclaimer
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     * @throws IllegalArgumentException  if the guard belongs to another reclaimer
     * @throws IllegalStateException     if the map or the guard is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public long put(Guard guard, long key, long value, long absent) {
        checkOpen("put()");
        checkGuard(guard);
        long h = OrderedListCore.mix(key);
        long r = core.update(guard, bucketOf(guard, h), Long.reverse(h), value, OrderedListCore.PUT, 0, absent);
        if ((h >>> 58) == 0) {
            maybeGrow();
        }
        return r;
    }

    /**
     * {@link #remove(long, long)} inside a guard the caller holds (see {@link #get(Guard, long, long)}).
     *
     * @param guard  an open guard of this map's reclaimer
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the map or the guard is closed
     */
    public long remove(Guard guard, long key, long absent) {
        checkOpen("remove()");
        checkGuard(guard);
        long h = OrderedListCore.mix(key);
        return core.remove(guard, bucketOf(guard, h), Long.reverse(h), OrderedListCore.REMOVE, 0, absent);
    }

    // ---------------------------------------------------------------- package-private: BytesHashMap's layer

    /**
     * The entry node of {@code key} inside the caller's guard (protected in one of slots 0..2 until the next
     * operation with the guard), or 0 if absent. Its value word is at {@code node + VALUE_OFFSET}.
     */
    long locateNode(Guard g, long key) {
        checkOpen("get()");
        long h = OrderedListCore.mix(key);
        return core.locate(g, bucketOf(g, h), Long.reverse(h));
    }

    /** {@link OrderedListCore#update} for {@code key} inside the caller's guard (uses slots 0..2 only). */
    long updateIn(Guard g, long key, long value, int mode, long expected, long absent) {
        checkOpen("put()");
        long h = OrderedListCore.mix(key);
        long r = core.update(g, bucketOf(g, h), Long.reverse(h), value, mode, expected, absent);
        if ((h >>> 58) == 0) {
            maybeGrow();
        }
        return r;
    }

    /** {@link OrderedListCore#remove} for {@code key} inside the caller's guard (uses slots 0..2 only). */
    long removeIn(Guard g, long key, int mode, long expected, long absent) {
        checkOpen("remove()");
        long h = OrderedListCore.mix(key);
        return core.remove(g, bucketOf(g, h), Long.reverse(h), mode, expected, absent);
    }

    /** forEach delivering (node address, value) inside the caller's guard; the node stays protected meanwhile. */
    void forEachNode(Guard g, LongLongConsumer action) {
        checkOpen("forEach()");
        core.forEach(g, head, action, true);
    }

    private void checkGuard(Guard guard) {
        if (guard.reclaimer() != reclaimer) {
            throw new IllegalArgumentException("the guard belongs to reclaimer '" + guard.reclaimer().name()
                    + "', not to this map's reclaimer '" + reclaimer.name() + "'; open it with map.reclaimer().enter()");
        }
    }

    /**
     * Calls {@code action} for every entry, in the map's internal (split) order; weakly consistent like
     * {@code ConcurrentHashMap}'s iteration: each key at most once, every entry present for the whole call is
     * seen, concurrent insertions and removals may or may not be, and the table may grow meanwhile. Allocates
     * nothing per entry. The call holds one guard throughout (with EBR it holds back reclamation for its
     * duration); {@code action} may read the map.
     *
     * @param action what to do with each entry
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if the map or its reclaimer is closed
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
     * @throws IllegalStateException if the map is closed
     */
    public long size() {
        checkOpen("size()");
        return core.size();
    }

    /**
     * Whether the {@linkplain #size() size estimate} is 0.
     *
     * @return {@code true} if no entry is counted
     * @throws IllegalStateException if the map is closed
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The current number of buckets (a power of two), for diagnostics.
     *
     * @return the bucket count
     */
    public long bucketCount() {
        return 1L << bits;
    }

    /**
     * The reclaimer this map retires removed nodes to.
     *
     * @return the reclaimer given at construction
     */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    /**
     * The allocator this map's entries and buckets live in.
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
     * Frees every entry still in the map and the bucket table. Removed entries are freed by the reclaimer
     * (close it after the map). Must not run concurrently with other operations; the allocator must be open.
     *
     * @throws IllegalStateException if the map is already closed
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) { // CAS: exactly one closer; pairs with checkOpen()
            throw new IllegalStateException("LongHashMap is already closed; close it exactly once"
                    + " (try-with-resources does it for you)");
        }
        core.freeAll(head);
        for (int i = 0; i < segments.length; i++) {
            long raw = (long) SEGMENTS.getVolatile(segments, i); // volatile: pairs with the CAS in grow()
            if (raw != 0) {
                allocator.free(raw);
            }
        }
    }

    @Override
    public String toString() {
        return closed ? "LongHashMap[closed]"
                : "LongHashMap[size~" + core.size() + ", buckets=" + bucketCount() + ", reclaimer="
                + reclaimer.name() + "]";
    }

    // ---------------------------------------------------------------- internals

    private long update(String op, long key, long value, int mode, long expected, long absent) {
        checkOpen(op);
        long h = OrderedListCore.mix(key);
        long r;
        try (Guard g = reclaimer.enter()) {
            r = core.update(g, bucketOf(g, h), Long.reverse(h), value, mode, expected, absent);
        }
        if ((h >>> 58) == 0) { // about 1 update in 64 checks the load (bits the bucket index does not use)
            maybeGrow();
        }
        return r;
    }

    private void maybeGrow() {
        int b = bits; // volatile: pairs with the CAS in grow()
        if (b < MAX_BITS && core.size() > ((long) LOAD_FACTOR << b)) {
            grow(b);
        }
    }

    /** Doubles the table from {@code 2^b} buckets, unless another thread did or memory is exhausted. */
    private void grow(int b) {
        int seg = b + 1 - baseBits; // the segment of buckets [2^b, 2^(b+1))
        if ((long) SEGMENTS.getAcquire(segments, seg) == 0) { // acquire: pairs with the CAS below
            long raw;
            try {
                raw = allocator.allocateZeroed(segmentBytes(seg));
            } catch (OffHeapExhaustedException e) {
                return; // keep the table; chains get longer, growth is retried by a later put
            }
            if (!SEGMENTS.compareAndSet(segments, seg, 0L, raw)) { // CAS: publishes the zeroed segment
                allocator.free(raw); // another thread installed it first; ours was never shared
            }
        }
        BITS.compareAndSet(this, b, b + 1); // CAS: after the segment is installed; pairs with bucketOf()
    }

    private long segmentBytes(int seg) {
        long slots = seg == 0 ? 1L << baseBits : 1L << (baseBits + seg - 1);
        return slots * NODE_SIZE + 64; // + 64: room to align the first slot to a cache line
    }

    private static long align(long raw) {
        return (raw + 63) & ~63L;
    }

    /** The start node for hash {@code h}: its bucket's node, initialised if needed (or an ancestor's). */
    private long bucketOf(Guard g, long h) {
        int b = bits; // volatile: pairs with the CAS in grow(); the segment of every bucket < 2^b is installed
        return bucket(g, h & ((1L << b) - 1));
    }

    private long bucket(Guard g, long b) {
        long node = slot(b);
        if (stateAcquire(node) == READY) { // acquire: pairs with setStateRelease in initBucket()
            return node;
        }
        return initBucket(g, b, node);
    }

    private long initBucket(Guard g, long b, long node) {
        long parent = bucket(g, b & ~Long.highestOneBit(b)); // b > 0: bucket 0 is READY from the start
        if (casState(node, UNINITIALISED, CLAIMED)) { // CAS: one thread links this bucket node
            OrderedListCore.setOkeyPlain(node, Long.reverse(b)); // plain: published by the linking CAS
            OrderedListCore.setMetaPlain(node, DUMMY);
            core.insertDummy(g, parent, node);
            setStateRelease(node, READY); // release: pairs with stateAcquire in bucket()
            return node;
        }
        return stateAcquire(node) == READY ? node : parent; // acquire: as in bucket(); CLAIMED: start earlier
    }

    private long slot(long b) {
        int seg;
        long off;
        if (b < (1L << baseBits)) {
            seg = 0;
            off = b;
        } else {
            int hb = 63 - Long.numberOfLeadingZeros(b);
            seg = hb - baseBits + 1;
            off = b - (1L << hb);
        }
        return align(segmentAcquire(seg)) + off * NODE_SIZE;
    }

    /**
     * The okey of the bucket node at {@code address}, computed from the address alone, or
     * {@link OrderedListCore#NOT_A_SLOT} if the address is not a bucket node (a regular node). A stale view of
     * the directory only answers NOT_A_SLOT for a new segment, which makes the caller read the node instead.
     */
    long slotOkey(long address) {
        long[] segs = segments;
        for (int i = 0; i < segs.length; i++) {
            long raw = (long) SEGMENTS.getOpaque(segs, i); // opaque: a stale 0 only disables this shortcut
            if (raw == 0) {
                return OrderedListCore.NOT_A_SLOT; // segments are installed in index order
            }
            long off = address - align(raw);
            long slots = i == 0 ? 1L << baseBits : 1L << (baseBits + i - 1);
            if (Long.compareUnsigned(off, slots * NODE_SIZE) < 0) {
                long first = i == 0 ? 0 : slots; // segment i >= 1 starts at bucket 2^(baseBits+i-1)
                return Long.reverse(first + off / NODE_SIZE);
            }
        }
        return OrderedListCore.NOT_A_SLOT;
    }

    private long segmentAcquire(int seg) {
        return (long) SEGMENTS.getAcquire(segments, seg); // acquire: pairs with the CAS in grow()
    }

    private static long stateAcquire(long bucketNode) {
        return Memory.getLongAcquire(bucketNode + VALUE_OFFSET); // acquire: pairs with setStateRelease()
    }

    private static void setStateRelease(long bucketNode, long state) {
        Memory.putLongRelease(bucketNode + VALUE_OFFSET, state); // release: pairs with stateAcquire()
    }

    private static boolean casState(long bucketNode, long expected, long state) {
        return Memory.compareAndSetLong(bucketNode + VALUE_OFFSET, expected, state); // CAS: claims the bucket
    }

    private void checkOpen(String op) {
        if (closed) { // volatile read: pairs with the CAS in close()
            throw new IllegalStateException("LongHashMap is closed; call " + op
                    + " before close(), or create a new map");
        }
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;
    private static final VarHandle BITS;
    private static final VarHandle SEGMENTS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLOSED = l.findVarHandle(LongHashMap.class, "closed", boolean.class);
            BITS = l.findVarHandle(LongHashMap.class, "bits", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
