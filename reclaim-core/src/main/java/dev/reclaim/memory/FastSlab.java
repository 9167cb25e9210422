package dev.reclaim.memory;

import static dev.reclaim.memory.SlabDescriptor.BATCH_SIZES;
import static dev.reclaim.memory.SlabDescriptor.CHUNK_HEADER_LENGTH;
import static dev.reclaim.memory.SlabDescriptor.CHUNK_MASK;
import static dev.reclaim.memory.SlabDescriptor.CHUNK_SIZE;
import static dev.reclaim.memory.SlabDescriptor.CLASS_COUNT;
import static dev.reclaim.memory.SlabDescriptor.CLASS_SIZES;
import static dev.reclaim.memory.SlabDescriptor.MAGAZINE_BASES;
import static dev.reclaim.memory.SlabDescriptor.MAGAZINE_LIMITS;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The fast-mode engine of a {@link SlabAllocator}: size classes carved from 64 KiB chunks of 1 MiB segments
 * taken from one shared {@link Arena}, per-thread magazines, lock-free per-class depots.
 */
final class FastSlab {

    /* Implementation notes
     *
     * Structure. Each size class has (1) a depot: a Treiber stack of *batches* (a batch is a chain of up to
     * BATCH_SIZES[c] free blocks linked through NEXT_OFFSET; the first block's NEXT_BATCH_OFFSET links the
     * next batch), (2) a loose list: a Treiber stack of single free blocks, used by virtual threads, and
     * (3) a bump region in the class's current chunk, guarded by the ClassState monitor. Both stack heads are
     * tagged longs (16-bit tag | 48-bit address) so that a pop that read a stale head and stale link fails its
     * CAS (ABA). A platform thread owns a ThreadCache with one magazine per class of MAGAZINE_LIMITS[c]
     * slots (at least 2 * BATCH_SIZES[c]; 256 for classes up to 256 bytes, so that a reclaimer's batch of 64
     * frees fits without spilling), found by thread id in an open-addressing table (thread ids are never reused; about 2.5 ns
     * cheaper per operation than a ThreadLocal lookup here).
     *
     * allocate (platform thread): pop the magazine. When empty, refill one batch: depot pop (one CAS), else up
     * to a batch from the loose list, else (after sweeping caches of dead threads) carve a batch from the
     * current chunk, taking a new chunk, then a new segment, as needed. free (platform thread): push on the
     * magazine; when full, link the top batch and push it on the depot (one CAS). So the global
     * lists see one CAS per BATCH_SIZES[c] operations. freeAll (a reclaimer's batch) looks the cache up once
     * and validates a block in the same chunk as the previous valid block by a compare and an alignment check
     * (a chunk keeps its owner and class until close()), so the ChunkTable is read once per chunk change. EBR's
     * bag runs of a queue's nodes free with trim (CachingDeleter): afterwards a magazine of a class freed into
     * that holds more than two batches keeps one and the top batches (the blocks just freed) go to the depot,
     * while other threads take batches of that class too (refill compares the class's lastTaker with its own
     * id). Virtual threads bypass the caches (a virtual thread can die, or migrate carriers, at any point) and
     * push/pop single blocks on the loose list; a loose-list miss takes a whole depot batch or carved batch,
     * keeps its first block and pushes the rest loose.
     *
     * Linearization points: a block leaves a global list at the successful CAS of the pop, enters one at the
     * successful CAS of the push; magazine operations are thread-private.
     *
     * Memory orders. The link words of a batch or block are written plainly before the push CAS (volatile
     * semantics: release) and read after the pop's acquire load of the head, so a popper that wins sees the
     * links of the batch it took. A popper that loses may read a link word of a block that another thread
     * already popped and is overwriting: the read is opaque (atomic) and its value is discarded when the
     * tagged CAS fails. Memory is never unmapped while the allocator is open (segments live until close), so
     * those racy reads never fault. ABA: the tag wraps after 65,536 pushes/pops between a popper's read and
     * its CAS; that popper would have to be descheduled for that whole time.
     *
     * Dead threads. ThreadCaches sit in a registry with a weak reference to their thread; a registry sweep
     * (on every new thread's registration, before carving a new chunk, before reporting exhaustion) flushes
     * the magazines of dead threads to the depots and folds their counters into shared ones. Thread
     * termination happens-before Thread.isAlive() returning false, so the sweeper sees the dead cache fully.
     *
     * Counters. Per thread and class, allocations and frees are written by the owner with opaque stores and
     * summed by stats() with opaque loads (no ordering needed: statistics). Live bytes =
     * sum over classes of (allocations - frees) * class size, plus large blocks.
     *
     * Garbage bound. Blocks cached per thread: at most sum over classes of MAGAZINE_LIMITS[c] (at most
     * 256 blocks and 64 KiB per class, typically far less). Chunks never return to the segment pool or change
     * class before close(): memory reserved by a burst of one class stays with that class.
     */

    final int id;
    private final String name;
    private final long capacity;
    private final SegmentSource segments = new SegmentSource(Arena.ofShared());
    private final ClassState[] classes = new ClassState[CLASS_COUNT];
    /**
     * Thread id → cache, open addressing (linear probing, null-terminated), at most half full. Replaced, never
     * mutated in place after publication except to add an entry, under the registry monitor.
     */
    private volatile ThreadCache[] cacheTable = new ThreadCache[16];

    /** Registry of platform-thread caches; guarded by its own monitor. */
    private final ArrayList<ThreadCache> registry = new ArrayList<>();
    /** Counters of virtual threads and of swept dead caches, per class: allocations at 2c, frees at 2c+1. */
    private final AtomicLongArray sharedCounts = new AtomicLongArray(2 * CLASS_COUNT);

    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicLong peakLiveBytes = new AtomicLong();
    private final AtomicLong largeAllocations = new AtomicLong();
    private final AtomicLong largeFrees = new AtomicLong();
    private final AtomicLong largeLiveBytes = new AtomicLong();

    /** Unassigned chunks of the newest segment, [chunkCursor, chunkLimit); guarded by chunkLock. */
    private final Object chunkLock = new Object();
    private long chunkCursor;
    private long chunkLimit;

    /**
     * Whether large blocks of at least {@link SegmentSource#MAP_THRESHOLD} bytes get mappings of their own (fresh,
     * zero memory; see {@link SegmentSource#mapBlock}) rather than {@code aligned_alloc} (memory the C library
     * may have had before, which a zeroed allocation must fill).
     */
    private final boolean mapLarge;

    FastSlab(int id, String name, long capacity, boolean mapLarge) {
        this.id = id;
        this.name = name;
        this.capacity = capacity;
        this.mapLarge = mapLarge;
        for (int c = 0; c < CLASS_COUNT; c++) {
            classes[c] = new ClassState(c);
        }
    }

    // ================================================================ allocate / free

    long allocate(long size) {
        int cls = SlabDescriptor.classIndex(size);
        if (cls < 0) {
            return allocateLarge(size, false);
        }
        return allocateSmall(cls, size);
    }

    /**
     * A block filled with zeros (all of its block size): a small block, or a large one from the C library, is
     * filled (either may be memory freed before); a mapped large block is fresh memory, already zero, and is
     * not touched (its pages are zeroed by the kernel as they are first used).
     */
    long allocateZeroed(long size) {
        int cls = SlabDescriptor.classIndex(size);
        if (cls < 0) {
            return allocateLarge(size, true);
        }
        long block = allocateSmall(cls, size);
        zero(block, CLASS_SIZES[cls]); // a small block may have been freed before
        return block;
    }

    /** Plain zero writes over a block of this allocator (not through Memory: no sanitizer check applies). */
    private static void zero(long address, long bytes) {
        Memory.ALL.asSlice(address, bytes).fill((byte) 0);
    }

    private long allocateSmall(int cls, long size) {
        if (Thread.currentThread().isVirtual()) {
            return allocateShared(cls, size);
        }
        ThreadCache c = cache();
        int n = c.counts[cls];
        if (n == 0) {
            n = refill(c, cls, size);
        }
        n--;
        c.counts[cls] = n;
        c.countAllocation(cls);
        return c.slots[MAGAZINE_BASES[cls] + n];
    }

    void free(long address) {
        int cls = classOf(address);
        if (cls < 0) {
            freeLarge(address);
            return;
        }
        if (Thread.currentThread().isVirtual()) {
            classes[cls].pushLoose(address, address);
            sharedCounts.getAndIncrement(2 * cls + 1);
            return;
        }
        ThreadCache c = cache();
        int n = c.counts[cls];
        if (n == MAGAZINE_LIMITS[cls]) {
            n = flush(c, cls, n);
        }
        c.slots[MAGAZINE_BASES[cls] + n] = address;
        c.counts[cls] = n + 1;
        c.countFree(cls);
    }

    /**
     * Frees {@code pointers[from..to)} (the range already checked, the allocator open): one thread-cache
     * lookup per batch, and a block in the same chunk as the previous valid one is validated by a compare
     * (a chunk keeps its owner and class until close()). Bad addresses are skipped and reported after the
     * whole range was tried: the first thrown, the others suppressed. With {@code trim}, each class freed into
     * may then hand the blocks above one batch to the depot ({@link #trim}; see
     * {@link dev.reclaim.internal.CachingDeleter}).
     */
    void freeAll(long[] pointers, int from, int to, boolean trim) {
        RuntimeException failure = null;
        if (Thread.currentThread().isVirtual()) {
            for (int i = from; i < to; i++) {
                try {
                    long address = pointers[i];
                    checkAddress(address);
                    free(address);
                } catch (RuntimeException e) {
                    failure = addFailure(failure, e);
                }
            }
        } else {
            ThreadCache c = cache();
            long seenChunk = -1; // a chunk of ours holding small blocks of class seenClass, or -1
            int seenClass = 0;
            int runClass = -1;   // frees of class runClass not yet added to c's counter
            long runFrees = 0;
            for (int i = from; i < to; i++) {
                long address = pointers[i];
                int cls;
                long chunk = address & CHUNK_MASK;
                if (chunk == seenChunk && address - chunk >= CHUNK_HEADER_LENGTH
                        && (address & (SlabDescriptor.BLOCK_ALIGNMENT - 1)) == 0) {
                    cls = seenClass;
                    assert (address - chunk - CHUNK_HEADER_LENGTH) % CLASS_SIZES[cls] == 0 : notBlockStart(address, cls);
                } else {
                    try {
                        checkAddress(address);
                        cls = classOf(address);
                        if (cls < 0) {
                            freeLarge(address);
                            continue;
                        }
                    } catch (RuntimeException e) {
                        failure = addFailure(failure, e);
                        continue;
                    }
                    seenChunk = chunk;
                    seenClass = cls;
                }
                if (cls != runClass) {
                    if (runFrees != 0) {
                        c.countFrees(runClass, runFrees);
                        if (trim) {
                            trim(c, runClass);
                        }
                    }
                    runClass = cls;
                    runFrees = 0;
                }
                int n = c.counts[cls];
                if (n == MAGAZINE_LIMITS[cls]) {
                    n = flush(c, cls, n);
                }
                c.slots[MAGAZINE_BASES[cls] + n] = address;
                c.counts[cls] = n + 1;
                runFrees++;
            }
            if (runFrees != 0) {
                c.countFrees(runClass, runFrees);
                if (trim) {
                    trim(c, runClass);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException addFailure(RuntimeException first, RuntimeException e) {
        if (first == null) {
            return e;
        }
        if (e != first) {
            first.addSuppressed(e);
        }
        return first;
    }

    private void checkAddress(long address) {
        if (address <= 0 || (address & (SlabDescriptor.BLOCK_ALIGNMENT - 1)) != 0) {
            throw SlabAllocator.badAddress(address, name);
        }
    }

    long blockSize(long address) {
        int cls = classOf(address);
        if (cls < 0) {
            return SlabDescriptor.chunkBlockSize(address & CHUNK_MASK);
        }
        return CLASS_SIZES[cls];
    }

    /**
     * Validates {@code address} (already checked positive and 16-byte aligned) and returns its class, or
     * {@link SlabDescriptor#LARGE_CLASS} for a large block of this allocator.
     */
    private int classOf(long address) {
        int entry = ChunkTable.owner(address);
        if ((entry >>> 1) != id) {
            throw notMine(address, entry);
        }
        long chunk = address & CHUNK_MASK;
        if ((entry & 1) != 0) {
            if (address != chunk + CHUNK_HEADER_LENGTH) {
                throw interiorOfLarge(address, chunk);
            }
            return SlabDescriptor.LARGE_CLASS;
        }
        if (SlabDescriptor.chunkMagic(chunk) != SlabDescriptor.MAGIC || address - chunk < CHUNK_HEADER_LENGTH) {
            throw badChunk(address, chunk);
        }
        int cls = SlabDescriptor.chunkClass(chunk);
        assert (address - chunk - CHUNK_HEADER_LENGTH) % CLASS_SIZES[cls] == 0 : notBlockStart(address, cls);
        return cls;
    }

    private IllegalArgumentException interiorOfLarge(long address, long chunk) {
        return new IllegalArgumentException("address 0x" + Long.toHexString(address)
                + " points inside large block 0x" + Long.toHexString(chunk + CHUNK_HEADER_LENGTH)
                + " of allocator '" + name + "', not at its start: pass the address allocate() returned");
    }

    private IllegalArgumentException badChunk(long address, long chunk) {
        return new IllegalArgumentException("address 0x" + Long.toHexString(address)
                + " is not a block of allocator '" + name + "' (chunk header magic 0x"
                + Integer.toHexString(SlabDescriptor.chunkMagic(chunk)) + ", expected 0x"
                + Integer.toHexString(SlabDescriptor.MAGIC) + ")");
    }

    private String notBlockStart(long address, int cls) {
        return "address 0x" + Long.toHexString(address) + " is not the start of a " + CLASS_SIZES[cls]
                + "-byte block of allocator '" + name + "'";
    }

    private IllegalArgumentException notMine(long address, int entry) {
        String owner = entry == 0 ? "no slab allocator (or an already freed large block)"
                : "another slab allocator (id " + (entry >>> 1) + ")";
        return new IllegalArgumentException("address 0x" + Long.toHexString(address)
                + " was not allocated by allocator '" + name + "': it belongs to " + owner
                + "; free a block with the allocator that allocated it, exactly once");
    }

    // ================================================================ thread caches

    private int refill(ThreadCache c, int cls, long requested) {
        ClassState k = classes[cls];
        long first = k.popBatch();
        if (first == 0) {
            first = k.popLooseChain(BATCH_SIZES[cls]);
        }
        if (first == 0 && sweepDeadCaches()) {
            first = k.popBatch();
        }
        if (first == 0) {
            first = carveChain(k, BATCH_SIZES[cls], requested);
        }
        long previous = k.lastTaker; // plain racy read: a hint (see the field)
        if (previous != c.threadId) {
            if (previous != 0) {
                c.otherTakeAt[cls] = c.refills;
            }
            k.lastTaker = c.threadId; // plain: a hint (see the field); written only when it changes
        }
        c.refills++;
        int n = 0;
        int base = MAGAZINE_BASES[cls];
        for (long b = first; b != 0; b = SlabDescriptor.next(b)) { // plain: we own the chain (won its pop CAS)
            c.slots[base + n++] = b;
        }
        return n;
    }

    /**
     * How many of its own refills after finding another thread's take a thread goes on trimming (package-private
     * for tests; the choice is measured in docs/performance.md, "The trim's refill window").
     */
    static final long TRIM_WINDOW = 64;

    /**
     * After a reclaimer's run of frees into class {@code cls}: a magazine holding more than two batches keeps
     * one and moves the rest to the depot (the most recently freed first), if within this thread's last
     * TRIM_WINDOW refills one found that another thread had taken the class's batch before it. A thread whose
     * refills keep finding their own is recycling its own blocks (one thread, or threads on separate classes):
     * there the trim only costs a flush and a refill per run (1-1.5 ns per one-thread Treiber pair measured).
     */
    private void trim(ThreadCache c, int cls) {
        if (c.refills - c.otherTakeAt[cls] > TRIM_WINDOW) {
            return;
        }
        int batch = BATCH_SIZES[cls];
        int n = c.counts[cls];
        if (n > 2 * batch) {
            do {
                n = flush(c, cls, n);
            } while (n > batch);
            c.counts[cls] = n;
        }
    }

    /** Blocks of class {@code cls} in the calling platform thread's magazine (for tests). */
    int cachedBlocks(int cls) {
        return cache().counts[cls];
    }

    /** Moves the top batch of a full magazine to the depot; returns the new count. */
    private int flush(ThreadCache c, int cls, int n) {
        int batch = BATCH_SIZES[cls];
        int base = MAGAZINE_BASES[cls];
        int from = n - batch;
        for (int i = from; i < n - 1; i++) {
            SlabDescriptor.setNext(c.slots[base + i], c.slots[base + i + 1]);
        }
        SlabDescriptor.setNext(c.slots[base + n - 1], 0);
        classes[cls].pushBatch(c.slots[base + from]);
        return from;
    }

    /**
     * The current platform thread's cache. Thread ids are never reused and a cache's {@code threadId} is
     * final, so finding an entry with our id in any version of the table is proof that it is ours; a live
     * thread's cache is in every table published after its registration.
     */
    private ThreadCache cache() {
        long tid = Thread.currentThread().threadId();
        ThreadCache[] table = cacheTable; // volatile read: pairs with the volatile write in publishTable()
        int mask = table.length - 1;
        for (int i = (int) mix(tid) & mask; ; i = (i + 1) & mask) {
            // plain (racy) read: a cache's threadId, slots and counts are final fields, so any reference we read
            // shows them initialized (final-field semantics); the arrays' contents are only touched by their
            // owner, which is us when the ids match. A null we read too early sends us to register(), which
            // rechecks under the registry monitor. The entry is published by the release in insertLocked().
            ThreadCache c = table[i];
            if (c == null) {
                return register(tid);
            }
            if (c.threadId == tid) {
                return c;
            }
        }
    }

    private static long mix(long tid) {
        return tid * 0x9E3779B97F4A7C15L >>> 40;
    }

    private ThreadCache register(long tid) {
        synchronized (registry) {
            for (ThreadCache c : registry) {
                if (c.threadId == tid) {
                    return c; // registered, but our read of the table was older than its insertion
                }
            }
            sweepDeadCachesLocked();
            ThreadCache c = new ThreadCache(Thread.currentThread());
            registry.add(c);
            if (2 * registry.size() > cacheTable.length) {
                rebuildTableLocked();
            } else {
                insertLocked(cacheTable, c);
            }
            return c;
        }
    }

    private static void insertLocked(ThreadCache[] table, ThreadCache c) {
        int mask = table.length - 1;
        int i = (int) mix(c.threadId) & mask;
        while (table[i] != null) { // plain: the table is only written under the registry monitor
            i = (i + 1) & mask;
        }
        CACHE_SLOT.setRelease(table, i, c); // release: pairs with the plain racy read in cache() (final fields)
    }

    /** Publishes a new table holding exactly the registry (drops swept caches, grows or shrinks). */
    private void rebuildTableLocked() {
        int size = 16;
        while (size < 4 * registry.size()) {
            size <<= 1;
        }
        ThreadCache[] table = new ThreadCache[size];
        for (ThreadCache c : registry) {
            insertLocked(table, c);
        }
        cacheTable = table; // volatile write: pairs with the volatile read in cache()
    }

    /** Flushes and drops the caches of dead threads; returns whether any block was returned to a depot. */
    private boolean sweepDeadCaches() {
        synchronized (registry) {
            return sweepDeadCachesLocked();
        }
    }

    private boolean sweepDeadCachesLocked() {
        boolean returned = false;
        int before = registry.size();
        for (Iterator<ThreadCache> it = registry.iterator(); it.hasNext(); ) {
            ThreadCache c = it.next();
            Thread t = c.thread.get();
            if (t != null && t.isAlive()) { // isAlive() == false happens-after all of t's actions
                continue;
            }
            it.remove();
            for (int cls = 0; cls < CLASS_COUNT; cls++) {
                int n = c.counts[cls];
                while (n > 0) {
                    int batch = Math.min(n, BATCH_SIZES[cls]);
                    int base = MAGAZINE_BASES[cls];
                    for (int i = n - batch; i < n - 1; i++) {
                        SlabDescriptor.setNext(c.slots[base + i], c.slots[base + i + 1]);
                    }
                    SlabDescriptor.setNext(c.slots[base + n - 1], 0);
                    classes[cls].pushBatch(c.slots[base + n - batch]);
                    n -= batch;
                    returned = true;
                }
                c.counts[cls] = 0;
                sharedCounts.getAndAdd(2 * cls, c.allocationsOpaque(cls));
                sharedCounts.getAndAdd(2 * cls + 1, c.freesOpaque(cls));
            }
        }
        if (registry.size() != before) {
            rebuildTableLocked();
        }
        return returned;
    }

    // ================================================================ virtual threads

    private long allocateShared(int cls, long requested) {
        ClassState k = classes[cls];
        long block = k.popLoose();
        if (block == 0) {
            long first = k.popBatch();
            if (first == 0 && sweepDeadCaches()) {
                first = k.popBatch();
            }
            if (first == 0) {
                first = carveChain(k, BATCH_SIZES[cls], requested);
            }
            block = first;
            long rest = SlabDescriptor.next(first); // plain: we own the chain
            if (rest != 0) {
                long tail = rest;
                for (long b = SlabDescriptor.next(tail); b != 0; b = SlabDescriptor.next(b)) { // plain: owned
                    tail = b;
                }
                k.pushLoose(rest, tail);
            }
        }
        sharedCounts.getAndIncrement(2 * cls);
        return block;
    }

    // ================================================================ chunks and segments

    /** Carves up to {@code max} blocks of class {@code k} into a chain; throws when the capacity is exhausted. */
    private long carveChain(ClassState k, int max, long requested) {
        long size = CLASS_SIZES[k.index];
        long first = 0;
        long last = 0;
        int n = 0;
        synchronized (k) {
            while (n < max) {
                if (k.bumpNext + size > k.bumpEnd) {
                    long chunk = newChunk(k.index);
                    if (chunk == 0) {
                        break;
                    }
                    k.bumpNext = chunk + CHUNK_HEADER_LENGTH;
                    k.bumpEnd = chunk + CHUNK_HEADER_LENGTH + SlabDescriptor.blocksPerChunk(k.index) * size;
                }
                long b = k.bumpNext;
                k.bumpNext = b + size;
                if (last == 0) {
                    first = b;
                } else {
                    SlabDescriptor.setNext(last, b); // plain: chain is private until returned
                }
                last = b;
                n++;
            }
        }
        if (n == 0) {
            throw exhausted(requested);
        }
        SlabDescriptor.setNext(last, 0); // plain: chain is private until returned
        return first;
    }

    /** Takes a chunk for class {@code cls}, reserving a new segment if needed; 0 when the capacity is reached. */
    private long newChunk(int cls) {
        synchronized (chunkLock) {
            if (chunkCursor == chunkLimit && !reserveSegment()) {
                return 0;
            }
            long chunk = chunkCursor;
            chunkCursor += CHUNK_SIZE;
            SlabDescriptor.initChunkHeader(chunk, cls, id, CLASS_SIZES[cls]);
            ChunkTable.set(chunk, id << 1);
            return chunk;
        }
    }

    private boolean reserveSegment() {
        long bytes;
        while (true) {
            long reserved = reservedBytes.get();
            bytes = Math.min(SlabDescriptor.SEGMENT_SIZE, (capacity - reserved) & CHUNK_MASK);
            if (bytes < CHUNK_SIZE) {
                return false;
            }
            if (reservedBytes.compareAndSet(reserved, reserved + bytes)) {
                break;
            }
        }
        long segment;
        try {
            segment = segments.segment(bytes);
        } catch (OutOfMemoryError e) {
            reservedBytes.addAndGet(-bytes);
            return false;
        }
        chunkCursor = SlabDescriptor.checkAddressBits(segment);
        chunkLimit = chunkCursor + bytes;
        samplePeak();
        AllocatorJfr.grew(name, false, bytes, reservedBytes.get());
        return true;
    }

    // ================================================================ large blocks

    /** Whether a large block of {@code total} bytes (header included) has a mapping of its own. */
    private boolean mapped(long total) {
        return mapLarge && total >= SegmentSource.MAP_THRESHOLD;
    }

    /** The bytes a large block of {@code total} bytes (header included) takes from the OS. */
    private long largeFootprint(long total) {
        return mapped(total) ? (total + CHUNK_SIZE - 1) & CHUNK_MASK : total;
    }

    /** A large block; filled with zeros when {@code zeroed}, unless fresh from its own mapping (already zero). */
    private long allocateLarge(long size, boolean zeroed) {
        long blockSize = SlabDescriptor.alignUp(size);
        long total = CHUNK_HEADER_LENGTH + blockSize;
        while (true) {
            long reserved = reservedBytes.get();
            if (total > capacity - reserved) {
                throw exhausted(size);
            }
            if (reservedBytes.compareAndSet(reserved, reserved + total)) {
                break;
            }
        }
        boolean fresh = mapped(total);
        long chunk = fresh ? SegmentSource.mapBlock(largeFootprint(total)) : Libc.alignedAlloc(CHUNK_SIZE, total);
        if (chunk == 0) {
            reservedBytes.addAndGet(-total);
            throw new OffHeapExhaustedException(name, "allocator '" + name + "' cannot allocate " + size
                    + " bytes: " + (fresh ? "mmap" : "the C library") + " refused " + total + " bytes (live "
                    + liveBytes() + " bytes); free blocks or give the process more memory", size);
        }
        SlabDescriptor.checkAddressBits(chunk);
        if (zeroed && !fresh) {
            zero(chunk + CHUNK_HEADER_LENGTH, blockSize); // the C library may hand out memory it had before
        }
        SlabDescriptor.initChunkHeader(chunk, SlabDescriptor.LARGE_CLASS, id, blockSize);
        ChunkTable.set(chunk, (id << 1) | 1);
        largeAllocations.incrementAndGet();
        largeLiveBytes.addAndGet(blockSize);
        samplePeak();
        if (total >= SlabDescriptor.SEGMENT_SIZE) { // smaller large blocks come and go like objects: not growth
            AllocatorJfr.grew(name, true, total, reservedBytes.get());
        }
        return chunk + CHUNK_HEADER_LENGTH;
    }

    private void freeLarge(long address) {
        long chunk = address & CHUNK_MASK;
        long blockSize = SlabDescriptor.chunkBlockSize(chunk);
        if (!ChunkTable.clear(chunk, (id << 1) | 1)) {
            throw new IllegalArgumentException("large block 0x" + Long.toHexString(address)
                    + " of allocator '" + name + "' was freed concurrently by another thread (double free)");
        }
        SlabDescriptor.clearChunkMagic(chunk);
        releaseLarge(chunk, blockSize);
        largeFrees.incrementAndGet();
        largeLiveBytes.addAndGet(-blockSize);
    }

    /** Returns a large block's memory to where it came from (its mapping, or the C library). */
    private void releaseLarge(long chunk, long blockSize) {
        long total = CHUNK_HEADER_LENGTH + blockSize;
        if (mapped(total)) {
            SegmentSource.unmapBlock(chunk, largeFootprint(total));
        } else {
            Libc.free(chunk);
        }
        reservedBytes.addAndGet(-total);
    }

    // ================================================================ stats and close

    private OffHeapExhaustedException exhausted(long requested) {
        AllocatorStats s = stats();
        return new OffHeapExhaustedException(name, "allocator '" + name + "' cannot allocate " + requested
                + " bytes: its capacity of " + capacity + " bytes is reached (reserved " + s.reservedBytes()
                + " bytes, live " + s.liveBytes() + " bytes in " + s.liveBlocks()
                + " blocks). Raise SlabAllocator.Builder.capacity(...) or free blocks (blocks of another size "
                + "class, and up to " + SlabDescriptor.MAGAZINE_CAPACITY
                + " blocks per class cached by each live thread, do not count towards this class)", requested);
    }

    private long liveBytes() {
        return stats().liveBytes();
    }

    private void samplePeak() {
        long live = computeStats(false).liveBytes();
        peakLiveBytes.accumulateAndGet(live, Math::max);
    }

    AllocatorStats stats() {
        return computeStats(true);
    }

    private AllocatorStats computeStats(boolean sample) {
        long blocks = 0;
        long bytes = 0;
        long allocations = 0;
        long frees = 0;
        synchronized (registry) {
            for (int cls = 0; cls < CLASS_COUNT; cls++) {
                long a = sharedCounts.get(2 * cls);
                long f = sharedCounts.get(2 * cls + 1);
                for (ThreadCache c : registry) {
                    a += c.allocationsOpaque(cls);
                    f += c.freesOpaque(cls);
                }
                allocations += a;
                frees += f;
                blocks += a - f;
                bytes += (a - f) * CLASS_SIZES[cls];
            }
        }
        long la = largeAllocations.get();
        long lf = largeFrees.get();
        allocations += la;
        frees += lf;
        blocks += la - lf;
        bytes += largeLiveBytes.get();
        long peak = sample ? peakLiveBytes.accumulateAndGet(bytes, Math::max) : peakLiveBytes.get();
        return new AllocatorStats(name, false, blocks, bytes, reservedBytes.get(), Math.max(peak, bytes),
                allocations, frees);
    }

    /** Returns every segment and large block to the OS. Called once, after all other use has stopped. */
    void close() {
        ChunkTable.clearAll(id, chunk -> {
            long blockSize = SlabDescriptor.chunkBlockSize(chunk);
            SlabDescriptor.clearChunkMagic(chunk);
            releaseLarge(chunk, blockSize);
        });
        segments.close();
        reservedBytes.set(0);
    }

    // VarHandle mechanics
    private static final VarHandle CACHE_SLOT = MethodHandles.arrayElementVarHandle(ThreadCache[].class);

    // ================================================================ per-class state

    /** Per size class: depot head, loose head (tagged), bump region. */
    static final class ClassState extends ClassStatePad {
        final int index;
        /** Bump region of the current chunk; guarded by this. */
        long bumpNext;
        long bumpEnd;

        ClassState(int index) {
            this.index = index;
        }

        private long depotHeadAcquire() {
            return (long) DEPOT_HEAD.getAcquire(this); // acquire: pairs with the CAS in pushBatch()/popBatch()
        }

        private boolean casDepotHead(long expected, long value) {
            return DEPOT_HEAD.compareAndSet(this, expected, value); // volatile CAS: releases the batch's links
        }

        private long looseHeadAcquire() {
            return (long) LOOSE_HEAD.getAcquire(this); // acquire: pairs with the CAS in pushLoose()/popLoose()
        }

        private boolean casLooseHead(long expected, long value) {
            return LOOSE_HEAD.compareAndSet(this, expected, value); // volatile CAS: releases the links
        }

        /** Pushes a batch (a chain linked through NEXT_OFFSET, 0-terminated) whose first block is {@code first}. */
        void pushBatch(long first) {
            long head;
            do {
                head = depotHeadAcquire();
                SlabDescriptor.setNextBatch(first, SlabDescriptor.headAddress(head)); // plain: published by CAS
            } while (!casDepotHead(head, SlabDescriptor.nextHead(head, first)));
        }

        /** Pops a batch; returns its first block or 0. */
        long popBatch() {
            long head;
            long first;
            do {
                head = depotHeadAcquire();
                first = SlabDescriptor.headAddress(head);
                if (first == 0) {
                    return 0;
                }
            } while (!casDepotHead(head, SlabDescriptor.nextHead(head,
                    SlabDescriptor.nextBatchOpaque(first)))); // opaque: may be stale; then the tagged CAS fails
            return first;
        }

        /** Pushes a chain {@code first .. last} (linked through NEXT_OFFSET) on the loose list. */
        void pushLoose(long first, long last) {
            long head;
            do {
                head = looseHeadAcquire();
                SlabDescriptor.setNext(last, SlabDescriptor.headAddress(head)); // plain: published by CAS
            } while (!casLooseHead(head, SlabDescriptor.nextHead(head, first)));
        }

        /** Pops one block from the loose list; 0 if empty. */
        long popLoose() {
            long head;
            long first;
            do {
                head = looseHeadAcquire();
                first = SlabDescriptor.headAddress(head);
                if (first == 0) {
                    return 0;
                }
            } while (!casLooseHead(head, SlabDescriptor.nextHead(head,
                    SlabDescriptor.nextOpaque(first)))); // opaque: may be stale; then the tagged CAS fails
            return first;
        }

        /** Pops up to {@code max} loose blocks into a 0-terminated chain; returns its first block or 0. */
        long popLooseChain(int max) {
            long first = 0;
            long last = 0;
            for (int i = 0; i < max; i++) {
                long b = popLoose();
                if (b == 0) {
                    break;
                }
                if (last == 0) {
                    first = b;
                } else {
                    SlabDescriptor.setNext(last, b); // plain: chain is private
                }
                last = b;
            }
            if (last != 0) {
                SlabDescriptor.setNext(last, 0); // plain: chain is private
            }
            return first;
        }

        // VarHandle mechanics
        private static final VarHandle DEPOT_HEAD;
        private static final VarHandle LOOSE_HEAD;

        static {
            try {
                MethodHandles.Lookup l = MethodHandles.lookup();
                DEPOT_HEAD = l.findVarHandle(ClassStateHeads.class, "depotHead", long.class);
                LOOSE_HEAD = l.findVarHandle(ClassStateHeads.class, "looseHead", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Padding before the heads (false sharing with the previous class's object). */
    @SuppressWarnings("unused")
    abstract static class ClassStatePadBefore {
        long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
    }

    /** The two contended heads, in their own cache lines by class hierarchy. */
    abstract static class ClassStateHeads extends ClassStatePadBefore {
        /** Depot of batches: tag | first block of the top batch. */
        volatile long depotHead;
        /**
         * Id of the platform thread that last refilled its magazine of this class (0: none yet): read racily and
         * written plainly, only when it changes, by refill() (in depotHead's line, which its pop CAS usually just
         * took). A hint for trim(): a stale or lost value costs one trim too many or too few, never a block.
         */
        long lastTaker;
        @SuppressWarnings("unused")
        long p10, p11, p12, p13, p14, p15, p16, p17, p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
        /** Loose single blocks: tag | first block. */
        volatile long looseHead;
    }

    /** Padding after the heads. */
    @SuppressWarnings("unused")
    abstract static class ClassStatePad extends ClassStateHeads {
        long p20, p21, p22, p23, p24, p25, p26, p27, p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
    }

    // ================================================================ thread cache

    /** A platform thread's magazines and counters; only the owner touches slots/counts while it is alive. */
    static final class ThreadCache {
        final WeakReference<Thread> thread;
        final long threadId;
        /** Magazine of class c: slots[MAGAZINE_BASES[c] .. + counts[c]). */
        final long[] slots = new long[SlabDescriptor.MAGAZINE_SLOTS];
        final int[] counts = new int[CLASS_COUNT];
        /** Refills of any class so far (owner only). */
        long refills;
        /**
         * Per class, the value of {@link #refills} when a refill last found that another thread had taken the
         * class's previous batch (owner only); trim() acts within TRIM_WINDOW refills of it.
         */
        final long[] otherTakeAt = new long[CLASS_COUNT];
        /** Allocations at 2c, frees at 2c+1; owner writes opaque, stats() reads opaque. */
        private final long[] counters = new long[2 * CLASS_COUNT];

        ThreadCache(Thread thread) {
            this.thread = new WeakReference<>(thread);
            this.threadId = thread.threadId();
            Arrays.fill(otherTakeAt, -TRIM_WINDOW - 1);
        }

        void countAllocation(int cls) {
            // opaque store: pairs with the opaque load in allocationsOpaque() (statistics, no ordering)
            COUNTER.setOpaque(counters, 2 * cls, counters[2 * cls] + 1);
        }

        void countFree(int cls) {
            // opaque store: pairs with the opaque load in freesOpaque() (statistics, no ordering)
            COUNTER.setOpaque(counters, 2 * cls + 1, counters[2 * cls + 1] + 1);
        }

        void countFrees(int cls, long n) {
            // opaque store: pairs with the opaque load in freesOpaque() (statistics, no ordering)
            COUNTER.setOpaque(counters, 2 * cls + 1, counters[2 * cls + 1] + n);
        }

        long allocationsOpaque(int cls) {
            return (long) COUNTER.getOpaque(counters, 2 * cls); // opaque: pairs with countAllocation()
        }

        long freesOpaque(int cls) {
            return (long) COUNTER.getOpaque(counters, 2 * cls + 1); // opaque: pairs with countFree()
        }

        // VarHandle mechanics
        private static final VarHandle COUNTER = MethodHandles.arrayElementVarHandle(long[].class);
    }
}
