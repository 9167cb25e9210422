package dev.reclaim.collections;

import static dev.reclaim.collections.LongHashMapLayout.CLAIMED;
import static dev.reclaim.collections.LongHashMapLayout.MAX_BITS;
import static dev.reclaim.collections.LongHashMapLayout.READY;
import static dev.reclaim.collections.LongHashMapLayout.STATE_OFFSET;
import static dev.reclaim.collections.LongHashMapLayout.UNINITIALISED;
import static dev.reclaim.collections.OrderedListLayout.DUMMY;
import static dev.reclaim.collections.OrderedListLayout.NODE_SIZE;

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
 * growth is silently skipped (the map keeps working with longer chains and retries growth later). Growing
 * never moves an entry, and no operation zeroes more than 64 KiB of a new bucket segment: a larger segment is
 * zeroed by successive puts, and the table doubles once it is complete.
 *
 * <h2>Ownership and closing</h2>
 * As for {@link HarrisMichaelList}: close the map (frees the entries and the bucket table), then the
 * reclaimer, then the allocator. {@link #close()} must not run concurrently with other operations; afterwards
 * every operation throws {@link IllegalStateException}.
 */
public final class LongHashMap extends OffHeapCollection implements LongLongMap {

    /*
     * Implementation notes
     *
     * Split-ordered list (Shalev & Shavit). All entries are in ONE lock-free ordered list (OrderedListCore,
     * shared with HarrisMichaelList: its invariants I1-I4, linearization points and pairs P1-P4 apply) sorted
     * by okey = Long.reverse(hash), hash = Hashing.mix(key), a bijection, so the okey identifies the key and a
     * node needs no key word. Bucket b (of 2^bits) holds the hashes with h & (2^bits - 1) == b; in split order
     * those are exactly the nodes after the bucket node with okey reverse(b) (a "dummy" node: ties with a
     * regular okey put the dummy first) and before the next bucket node. Doubling the table splits every bucket
     * b into b and b + 2^bits, whose bucket node sits inside b's run: no entry moves, readers never stop.
     *
     * Bucket table (LongHashMapLayout). Bucket nodes are not separate allocations but slots of zeroed segments,
     * found through a directory. A bucket is initialised lazily by the first operation that uses it: it CASes
     * the state UNINITIALISED -> CLAIMED, links the slot into the list starting from its parent bucket (b
     * without its top bit, initialised first, recursively) and stores READY. A thread that finds the bucket
     * CLAIMED by another does not wait: it starts from the parent bucket instead (correct, as the parent's run
     * contains the child's), so the map stays lock-free. Bucket nodes are never marked, unlinked or retired;
     * closing frees the segments.
     *
     * Invariants.
     *   S1. A directory entry goes 0 -> raw once (CAS) and the segment is zeroed before; entries are installed
     *       in index order, and bits becomes b + 1 only after the segment of buckets [2^b, 2^(b+1)) is
     *       installed. So every bucket index below 2^bits has its segment.
     *   S2. A bucket's state goes UNINITIALISED -> CLAIMED -> READY; only the claimant writes its okey and meta
     *       and links it, and READY is stored only after the linking CAS. A READY bucket node is a valid start
     *       node for every hash of its bucket (I1), forever.
     *   S3. bits only grows, by one per CAS.
     *
     * Growth. The count estimate (LongAdder) is compared with the bucket count on about 1 put in 64 (by hash
     * bits the bucket index does not use); above loadFactor entries per bucket, a thread allocates the next
     * segment if it is missing, installs it by CAS (a loser frees its copy), then CASes bits -> bits + 1.
     * Exhaustion during growth skips growing. A segment of at most ZERO_CHUNK bytes is allocated zeroed in that
     * one step. A larger one (it holds as many buckets as all earlier segments: 256 MiB at 2^23 buckets) would
     * make one put zero it all, so it is zeroed cooperatively instead, ZERO_CHUNK bytes per sampled put: the
     * first grower allocates it unzeroed and publishes it as pending (casPending; a loser frees its copy); every
     * sampled put while bits is unchanged claims the next chunk (casZeroCursor on a word packing the segment
     * index and the next chunk), zeroes it, and counts it done (getAndAddZeroDone); the put that counts the last
     * chunk installs the segment and CASes bits. No operation zeroes more than one chunk.
     *   Z1. The cursor and done words carry the segment index in their top bits and are reset (by CAS, only
     *       upwards) before that segment's pending block is published, so a claim made for an earlier growth
     *       fails and a chunk is zeroed once; done reaches the chunk count only after every chunk is zeroed.
     *   Z2. A pending block is never reachable from the directory: it is installed only when done, and freed
     *       by close() if it never was.
     *
     * Caller-built nodes. A BytesHashMap's index is a LongHashMap whose entries are its blobs: each blob starts
     *   with the node header (OrderedListLayout) and is linked into the list itself (OrderedListCore's
     *   caller-built nodes: locateNodeInto, insertNodeIn, replaceNodeIn, removeNodeIn). The map only computes
     *   the okey and the bucket; the long-keyed operations are never used on such an index.
     *
     * Linearization points: OrderedListCore's; initialising a bucket or growing the table is not the
     * linearization point of any operation (neither changes which entries are present).
     *
     * Memory-order pairs (on top of OrderedListCore's P1-P4).
     *   H1. Directory: casSegment() in grow() (after allocateZeroed) pairs with segmentAcquire() in slot(): a
     *       thread that reads the address sees the zeroed segment. slotOkey() reads entries opaque: it needs
     *       only the address, and a stale 0 just makes the caller read the node's okey from memory (P1).
     *   H4. Cooperative zeroing: each zeroer's plain stores come before its getAndAddZeroDone() (volatile
     *       read-modify-write); the read-modify-writes of one word are totally ordered, so the last one, by the
     *       installer, follows every chunk's stores, and its casSegment() publishes them (H1).
     *       casPending()/pendingAcquire() hand the unzeroed block to the helpers.
     *   H2. bits: casBits() in grow() comes after casSegment() (S1) and pairs with bitsVolatile() in
     *       bucketOf(), so an index below the bits read has its segment visible (with H1).
     *   H3. Bucket state: setStateRelease(READY) in initBucket(), after the linking CAS, pairs with
     *       stateAcquire() in bucket(): a thread that starts from the bucket node sees it linked (core P4).
     *       casState() claims the bucket for one thread.
     *   Lifecycle: OffHeapCollection's L1 and L2.
     *
     * Weak point. A thread preempted between claiming a chunk and counting it done delays that growth until it
     * runs again (the map stays correct, with more entries per bucket meanwhile; no operation waits for it).
     *
     * Garbage: as OrderedListCore (removed and replaced nodes, with their birth eras). With hazard pointers a
     * bucket node needs no protection (never freed before close); the core protects it anyway, harmlessly.
     *
     * References. O. Shalev, N. Shavit, "Split-Ordered Lists: Lock-Free Extensible Hash Tables", JACM 53(3),
     *   2006. M. M. Michael, "High Performance Dynamic Lock-Free Hash Tables and List-Based Sets", SPAA 2002.
     */

    /** Most entries per bucket on average before the table doubles, unless a constructor says otherwise. */
    static final int LOAD_FACTOR = 1;
    /** The most bytes of a new segment one operation zeroes (larger segments are zeroed in chunks). */
    static final long ZERO_CHUNK = 64 * 1024;
    private static final int ZERO_GEN_SHIFT = 40;
    private static final long ZERO_COUNT_MASK = (1L << ZERO_GEN_SHIFT) - 1;

    private final OrderedListCore core;
    /** Most entries per bucket on average before the table doubles (LOAD_FACTOR for the public constructors). */
    private final int loadFactor;
    /** log2 of the size of segment 0. */
    private final int baseBits;
    /** Raw (unaligned) addresses of the bucket segments, 0 until allocated (LongHashMapLayout). */
    private final long[] segments;
    /** Bucket 0's node: the list's head; never changes. */
    private final long head;
    private volatile int bits; // volatile: read per operation (H2), CASed by grow()
    /** Raw addresses of segments being zeroed cooperatively, 0 when none (Z2); indexed like segments. */
    private final long[] pending;
    /** (segment << ZERO_GEN_SHIFT) | the next chunk to claim (Z1). */
    private volatile long zeroCursor; // volatile: CASed by the zeroers (Z1)
    /** (segment << ZERO_GEN_SHIFT) | the chunks zeroed (Z1, H4). */
    private volatile long zeroDone; // volatile: read-modify-written by the zeroers (H4)

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
        this(reclaimer, allocator, expectedSize, LOAD_FACTOR);
    }

    /**
     * A map that keeps up to {@code loadFactor} entries per bucket on average before doubling its table: fewer
     * bucket slots (32 bytes each) per entry for longer chains. For indexes whose entries are large anyway
     * ({@link BytesHashMap}).
     */
    LongHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize, int loadFactor) {
        this(reclaimer, allocator, expectedSize, loadFactor, false);
    }

    /**
     * As {@link #LongHashMap(Reclaimer, SlabAllocator, long, int)}; with {@code builtNodes} the entries are
     * caller-built nodes of any size ({@link BytesHashMap}'s blobs: {@link #insertNodeIn} and its siblings),
     * retired and freed as the allocator's blocks of their own size.
     */
    LongHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize, int loadFactor,
            boolean builtNodes) {
        super(reclaimer, allocator, "map");
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0, got " + expectedSize);
        }
        if (loadFactor < 1) {
            throw new IllegalArgumentException("loadFactor must be >= 1, got " + loadFactor);
        }
        this.loadFactor = loadFactor;
        this.baseBits = LongHashMapLayout.baseBitsFor(
                expectedSize / loadFactor + (expectedSize % loadFactor == 0 ? 0 : 1));
        this.segments = new long[LongHashMapLayout.directoryLength(baseBits)];
        this.pending = new long[segments.length];
        this.core = new OrderedListCore(allocator, this, builtNodes);
        long raw = allocator.allocateZeroed(LongHashMapLayout.segmentBytes(baseBits, 0));
        setSegmentRelease(0, raw); // release: before the map is shared; pairs with segmentAcquire() (H1)
        this.head = LongHashMapLayout.slotsBase(raw);
        OrderedListCore.setOkeyPlain(head, 0L); // plain: bucket 0, published by the release store below
        OrderedListCore.setMetaPlain(head, DUMMY); // plain: as above
        OrderedListCore.setNextPlain(head, 0L); // plain: as above
        setStateRelease(head, READY); // release: bucket 0 is ready before the map is shared (H3)
        setBitsVolatile(baseBits); // volatile: the initial table size (H2)
    }

    // ---------------------------------------------------------------- map operations (docs: LongLongMap)

    @Override
    public long get(long key, long absent) {
        checkOpen("get()");
        long h = Hashing.mix(key);
        try (Guard g = reclaimer.enter()) {
            long n = core.locate(g, bucketOf(g, h), Long.reverse(h));
            return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected by g (P1)
        }
    }

    @Override
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        long h = Hashing.mix(key);
        try (Guard g = reclaimer.enter()) {
            return core.locate(g, bucketOf(g, h), Long.reverse(h)) != 0;
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
        long h = Hashing.mix(key);
        long n = core.locate(guard, bucketOf(guard, h), Long.reverse(h));
        return n == 0 ? absent : OrderedListCore.valuePlain(n); // plain: immutable, n protected (P1)
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
        return updateGuarded(guard, key, value, OrderedListCore.PUT, 0, absent);
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
        return removeGuarded(guard, key, OrderedListCore.REMOVE, 0, absent);
    }

    // ---------------------------------------------------------------- package-private: BytesHashMap's layer

    /**
     * The entry node of {@code key} inside the caller's guard (protected in one of slots 0..2 until the next
     * operation with the guard), or 0 if absent. The caller checked that the map is open (its owner's L2).
     */
    long locateNode(Guard g, long key) {
        long h = Hashing.mix(key);
        return core.locate(g, bucketOf(g, h), Long.reverse(h));
    }

    /**
     * {@link OrderedListCore#locateInto}: the entry node of {@code key}, left protected in {@code slot} (3: the
     * traversals use slots 0..2) until the guard closes or reuses that slot, or 0 if absent.
     */
    long locateNodeInto(Guard g, long key, int slot) {
        long h = Hashing.mix(key);
        return core.locateInto(g, bucketOf(g, h), Long.reverse(h), slot);
    }

    /**
     * Writes the header of the caller-built entry node {@code node} (unpublished) for {@code key}: its okey,
     * {@code value} and the guard's birth era ({@link OrderedListCore#initNode}).
     */
    static void initNode(Guard g, long node, long key, long value) {
        OrderedListCore.initNode(g, node, Long.reverse(Hashing.mix(key)), value);
    }

    /**
     * {@link OrderedListCore#insertNode} for {@code key} inside the caller's guard (slots 0..2 only): true if
     * linked, false if the key is present (the caller frees {@code node}, which was never published).
     */
    boolean insertNodeIn(Guard g, long key, long node) {
        long h = Hashing.mix(key);
        boolean linked = core.insertNode(g, bucketOf(g, h), node);
        sampleLoad(h);
        return linked;
    }

    /**
     * {@link OrderedListCore#replaceNode} for {@code key} inside the caller's guard (slots 0..2 only):
     * {@code expected} is protected by the caller in another slot; false if it is no longer present (the
     * caller frees {@code fresh}, which was never published).
     */
    boolean replaceNodeIn(Guard g, long key, long expected, long fresh) {
        long h = Hashing.mix(key);
        boolean replaced = core.replaceNode(g, bucketOf(g, h), expected, fresh);
        sampleLoad(h);
        return replaced;
    }

    /** {@link OrderedListCore#removeNode} for {@code key} inside the caller's guard (slots 0..2 only). */
    boolean removeNodeIn(Guard g, long key, long expected) {
        long h = Hashing.mix(key);
        return core.removeNode(g, bucketOf(g, h), expected);
    }

    /** forEach delivering (node address, value) inside the caller's guard; the node stays protected meanwhile. */
    void forEachNode(Guard g, LongLongConsumer action) {
        checkOpen("forEach()");
        core.forEach(g, head, action, true);
    }

    // ---------------------------------------------------------------- bulk and state

    /**
     * {@inheritDoc}
     *
     * <p>Entries come in the map's internal (split) order, which is pseudo-random, and the table may grow
     * meanwhile. The call holds one guard throughout (with EBR it holds back reclamation for its duration);
     * {@code action} may read the map.
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

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The current number of buckets (a power of two), for diagnostics.
     *
     * @return the bucket count
     */
    public long bucketCount() {
        return 1L << bitsVolatile(); // volatile: pairs with casBits() (H2)
    }

    /** Frees every entry still in the map and the bucket segments (see {@link #close()}); quiescent (L2). */
    @Override
    void freeContents() {
        core.freeAll(head);
        for (int i = 0; i < segments.length; i++) {
            long raw = segmentVolatile(i); // volatile: pairs with casSegment() (H1); quiescent
            if (raw != 0) {
                allocator.free(raw);
            } else if (pendingAcquire(i) != 0) { // acquire: pairs with casPending(); quiescent
                allocator.free(pendingAcquire(i)); // acquire: as above; a growth that never finished (Z2)
            }
        }
    }

    @Override
    String describe() {
        return "size~" + core.size() + ", buckets=" + bucketCount() + ", ";
    }

    // ---------------------------------------------------------------- internals

    private long update(String op, long key, long value, int mode, long expected, long absent) {
        checkOpen(op);
        long h = Hashing.mix(key);
        long r;
        try (Guard g = reclaimer.enter()) {
            r = core.update(g, bucketOf(g, h), Long.reverse(h), value, mode, expected, absent);
        }
        sampleLoad(h); // outside the guard: a growth allocates and zeroes a segment
        return r;
    }

    private long updateGuarded(Guard g, long key, long value, int mode, long expected, long absent) {
        long h = Hashing.mix(key);
        long r = core.update(g, bucketOf(g, h), Long.reverse(h), value, mode, expected, absent);
        sampleLoad(h);
        return r;
    }

    private long remove(String op, long key, int mode, long expected, long absent) {
        checkOpen(op);
        try (Guard g = reclaimer.enter()) {
            return removeGuarded(g, key, mode, expected, absent);
        }
    }

    private long removeGuarded(Guard g, long key, int mode, long expected, long absent) {
        long h = Hashing.mix(key);
        return core.remove(g, bucketOf(g, h), Long.reverse(h), mode, expected, absent);
    }

    /** About 1 update in 64 checks the load: the one whose hash has six top zero bits, which no bucket uses. */
    private void sampleLoad(long h) {
        if ((h >>> 58) == 0) {
            maybeGrow();
        }
    }

    private void checkGuard(Guard guard) {
        if (guard.reclaimer() != reclaimer) {
            throw new IllegalArgumentException("the guard belongs to reclaimer '" + guard.reclaimer().name()
                    + "', not to this map's reclaimer '" + reclaimer.name()
                    + "'; open it with map.reclaimer().enter()");
        }
    }

    private void maybeGrow() {
        int b = bitsVolatile(); // volatile: pairs with casBits() (H2)
        if (b < MAX_BITS && core.size() > ((long) loadFactor << b)) {
            grow(b);
        }
    }

    /**
     * Doubles the table from {@code 2^b} buckets, unless another thread did or memory is exhausted; for a
     * segment larger than {@link #ZERO_CHUNK}, zeroes one chunk of it and doubles only when every chunk is done.
     */
    private void grow(int b) {
        int seg = b + 1 - baseBits; // the segment of buckets [2^b, 2^(b+1))
        long bytes = LongHashMapLayout.segmentBytes(baseBits, seg);
        if (segmentAcquire(seg) == 0) { // acquire: pairs with casSegment() below (H1)
            if (bytes > ZERO_CHUNK) {
                zeroOneChunk(b, seg, bytes);
                return;
            }
            long raw;
            try {
                raw = allocator.allocateZeroed(bytes);
            } catch (OffHeapExhaustedException e) {
                return; // keep the table; chains get longer, growth is retried by a later put
            }
            if (!casSegment(seg, raw)) { // CAS: publishes the zeroed segment (H1, S1)
                allocator.free(raw); // another thread installed it first; ours was never shared
            }
        }
        casBits(b, b + 1); // CAS: after the segment is installed (S1); pairs with bitsVolatile() (H2)
    }

    /** One step of the cooperative zeroing of segment {@code seg} (see Growth in the notes). */
    private void zeroOneChunk(int b, int seg, long bytes) {
        long raw = pendingAcquire(seg); // acquire: pairs with casPending() (H4)
        if (raw == 0) {
            startGeneration(ZERO_DONE, seg); // Z1: before the block is published below
            startGeneration(ZERO_CURSOR, seg);
            try {
                raw = allocator.allocate(bytes);
            } catch (OffHeapExhaustedException e) {
                return; // keep the table; growth is retried by a later put
            }
            if (!casPending(seg, raw)) { // CAS: hands the block to the helpers (H4)
                allocator.free(raw); // another grower published its block first; ours was never shared
                raw = pendingAcquire(seg); // acquire: as above
            }
        }
        long chunks = (bytes + ZERO_CHUNK - 1) / ZERO_CHUNK;
        long gen = (long) seg << ZERO_GEN_SHIFT;
        long chunk;
        for (;;) {
            long c = zeroCursorVolatile(); // volatile: pairs with casZeroCursor() (Z1)
            if ((c & ~ZERO_COUNT_MASK) != gen || (c & ZERO_COUNT_MASK) >= chunks) {
                return; // every chunk is claimed (or this growth is over): nothing to do here
            }
            if (casZeroCursor(c, c + 1)) { // CAS: claims chunk c for this generation only (Z1)
                chunk = c & ZERO_COUNT_MASK;
                break;
            }
        }
        long from = chunk * ZERO_CHUNK;
        zeroPlain(raw + from, Math.min(ZERO_CHUNK, bytes - from)); // plain: unpublished (Z2); H4 orders it
        long done = getAndAddZeroDone(1) + 1; // volatile RMW: after the stores above (H4)
        if ((done & ZERO_COUNT_MASK) == chunks) { // the last chunk: this thread installs the segment
            casSegment(seg, raw); // CAS: publishes the zeroed segment (H1, H4, S1); the only installer
            casBits(b, b + 1); // CAS: after the segment is installed (S1); pairs with bitsVolatile() (H2)
        }
    }

    /** Moves the packed word {@code which} to generation {@code seg} with count 0, unless it is there already. */
    private void startGeneration(VarHandle which, int seg) {
        long gen = (long) seg << ZERO_GEN_SHIFT;
        for (;;) {
            long c = (long) which.getVolatile(this); // volatile: pairs with the CAS below (Z1)
            if ((c & ~ZERO_COUNT_MASK) >= gen || which.compareAndSet(this, c, gen)) { // CAS: only upwards (Z1)
                return;
            }
        }
    }

    /** The start node for hash {@code h}: its bucket's node, initialised if needed (or an ancestor's). */
    private long bucketOf(Guard g, long h) {
        int b = bitsVolatile(); // volatile: pairs with casBits() (H2); every bucket < 2^b has its segment (S1)
        return bucket(g, h & ((1L << b) - 1));
    }

    private long bucket(Guard g, long b) {
        long node = slot(b);
        if (stateAcquire(node) == READY) { // acquire: pairs with setStateRelease() in initBucket() (H3)
            return node;
        }
        return initBucket(g, b, node);
    }

    private long initBucket(Guard g, long b, long node) {
        long parent = bucket(g, b & ~Long.highestOneBit(b)); // b > 0: bucket 0 is READY from the start
        if (casState(node, UNINITIALISED, CLAIMED)) { // CAS: one thread links this bucket node (S2)
            OrderedListCore.setOkeyPlain(node, Long.reverse(b)); // plain: published by the linking CAS (P1)
            OrderedListCore.setMetaPlain(node, DUMMY); // plain: as above
            core.insertDummy(g, parent, node);
            setStateRelease(node, READY); // release: after the linking CAS; pairs with stateAcquire() (H3)
            return node;
        }
        return stateAcquire(node) == READY ? node : parent; // acquire: as in bucket(); CLAIMED: start earlier
    }

    /** The node of bucket {@code b}, whose segment is installed (S1). */
    private long slot(long b) {
        int seg = LongHashMapLayout.segmentOf(baseBits, b);
        return LongHashMapLayout.slotAddress(baseBits, segmentAcquire(seg), b); // acquire: H1
    }

    /**
     * The okey of the bucket node at {@code address}, computed from the address alone, or
     * {@link OrderedListCore#NOT_A_SLOT} if the address is not a bucket node (a regular node). A stale view of
     * the directory only answers NOT_A_SLOT for a new segment, which makes the caller read the node instead.
     */
    long slotOkey(long address) {
        long[] segs = segments;
        for (int i = 0; i < segs.length; i++) {
            long raw = segmentOpaque(i); // opaque: a stale 0 only disables this shortcut (H1)
            if (raw == 0) {
                return OrderedListCore.NOT_A_SLOT; // segments are installed in index order (S1)
            }
            long off = address - LongHashMapLayout.slotsBase(raw);
            if (Long.compareUnsigned(off, LongHashMapLayout.segmentSlots(baseBits, i) * NODE_SIZE) < 0) {
                return Long.reverse(LongHashMapLayout.firstBucket(baseBits, i) + off / NODE_SIZE);
            }
        }
        return OrderedListCore.NOT_A_SLOT;
    }

    // ---------------------------------------------------------------- accessors
    // Named field + mode in Memory's (and VarHandle's) vocabulary; each names its pair, call sites say why.

    private long segmentAcquire(int seg) {
        return (long) SEGMENTS.getAcquire(segments, seg); // acquire: pairs with casSegment() (H1)
    }

    private long segmentOpaque(int seg) {
        return (long) SEGMENTS.getOpaque(segments, seg); // opaque: an address only, no pair needed (H1)
    }

    private long segmentVolatile(int seg) {
        return (long) SEGMENTS.getVolatile(segments, seg); // volatile: pairs with casSegment() (H1)
    }

    private void setSegmentRelease(int seg, long raw) {
        SEGMENTS.setRelease(segments, seg, raw); // release: pairs with segmentAcquire() (H1)
    }

    private boolean casSegment(int seg, long raw) {
        return SEGMENTS.compareAndSet(segments, seg, 0L, raw); // CAS: pairs with segmentAcquire() (H1)
    }

    private long pendingAcquire(int seg) {
        return (long) SEGMENTS.getAcquire(pending, seg); // acquire: pairs with casPending() (H4)
    }

    private boolean casPending(int seg, long raw) {
        return SEGMENTS.compareAndSet(pending, seg, 0L, raw); // CAS: pairs with pendingAcquire() (H4)
    }

    private long zeroCursorVolatile() {
        return zeroCursor; // volatile: pairs with casZeroCursor() (Z1)
    }

    private boolean casZeroCursor(long expected, long next) {
        return ZERO_CURSOR.compareAndSet(this, expected, next); // CAS: claims one chunk (Z1)
    }

    private long getAndAddZeroDone(long n) {
        return (long) ZERO_DONE.getAndAdd(this, n); // volatile RMW: orders each chunk's stores (H4)
    }

    private static void zeroPlain(long address, long bytes) {
        Memory.fill(address, bytes, (byte) 0); // plain: an unpublished block (Z2); H4 orders it
    }

    private int bitsVolatile() {
        return bits; // volatile: pairs with casBits() (H2)
    }

    private void setBitsVolatile(int b) {
        BITS.setVolatile(this, b); // volatile: the first value, before the map is shared (H2)
    }

    private boolean casBits(int expected, int b) {
        return BITS.compareAndSet(this, expected, b); // CAS: pairs with bitsVolatile() (H2)
    }

    private static long stateAcquire(long bucketNode) {
        return Memory.getLongAcquire(bucketNode + STATE_OFFSET); // acquire: pairs with setStateRelease() (H3)
    }

    private static void setStateRelease(long bucketNode, long state) {
        Memory.putLongRelease(bucketNode + STATE_OFFSET, state); // release: pairs with stateAcquire() (H3)
    }

    private static boolean casState(long bucketNode, long expected, long state) {
        return Memory.compareAndSetLong(bucketNode + STATE_OFFSET, expected, state); // CAS: claims (S2, H3)
    }

    // VarHandle mechanics
    private static final VarHandle BITS;
    private static final VarHandle ZERO_CURSOR;
    private static final VarHandle ZERO_DONE;
    private static final VarHandle SEGMENTS = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BITS = l.findVarHandle(LongHashMap.class, "bits", int.class);
            ZERO_CURSOR = l.findVarHandle(LongHashMap.class, "zeroCursor", long.class);
            ZERO_DONE = l.findVarHandle(LongHashMap.class, "zeroDone", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
