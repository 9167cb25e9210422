package dev.reclaim.memory;

import dev.reclaim.Deleter;
import dev.reclaim.internal.AllocatorAccess;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An off-heap allocator of small blocks at {@code long} addresses (0 is null), the memory source for the
 * lock-free structures of this library. See the {@linkplain dev.reclaim.memory package documentation} for the
 * guide: fast mode versus sanitizer mode, size classes, thread caching, fragmentation, when not to use it.
 *
 * <pre>{@code
 * try (SlabAllocator slab = SlabAllocator.builder().name("nodes").build()) {
 *     long node = slab.allocateZeroed(32);
 *     Memory.putLongRelease(node, 42);
 *     ...
 *     guard.retire(node, slab);       // the allocator is a Deleter: frees the block once no reader can see it
 * }
 * }</pre>
 *
 * <p>Thread safety: every method may be called from any thread, including virtual threads; a block may be
 * freed by a thread other than the one that allocated it. {@link #close()} must happen after every other use
 * of the allocator (by any thread) has finished: a concurrent allocate, free or memory access may touch memory
 * that close() has returned to the operating system.
 *
 * <p>Modes. In the default <em>fast mode</em> a block costs a few nanoseconds and nothing on the Java heap,
 * and misuse (double free, use after free, overflow) is undefined behaviour that may crash the JVM. In
 * <em>sanitizer mode</em> ({@link Builder#sanitize(boolean)} or {@code -Dreclaim.sanitize=true}) every misuse
 * throws, naming the allocation and free sites, at microseconds per block.
 */
public final class SlabAllocator implements Deleter, AutoCloseable {

    /** System property that turns sanitizer mode on for allocators built without an explicit choice. */
    static final String SANITIZE_PROPERTY = "reclaim.sanitize";
    /**
     * System property that sets sanitizer mode's site sampling for allocators built without an explicit
     * {@link Builder#siteSampling(int)} (1 records every stack, 0 none).
     */
    static final String SITE_SAMPLING_PROPERTY = "reclaim.sanitize.siteSampling";
    /** {@code -Dreclaim.sanitize.quarantine=unbounded}: the default quarantine keeps every freed block. */
    static final String QUARANTINE_PROPERTY = "reclaim.sanitize.quarantine";

    private static final AtomicInteger IDS = new AtomicInteger();

    static {
        AllocatorAccess.install(SlabAllocator::deleteAllAndTrim);
    }

    private final String name;
    private final boolean sanitizing;
    private final long capacity;
    private final FastSlab fast;
    private final SanitizingSlab sanitizer;
    private final OnLeak onLeak;
    /** Set once by close(); read on every call (volatile: pairs with the write in close()). */
    private volatile boolean closed;

    private SlabAllocator(Builder b) {
        int id = IDS.incrementAndGet();
        if (id >= (1 << 30)) {
            throw new IllegalStateException("more than 2^30 slab allocators created in this JVM; reuse allocators");
        }
        this.name = b.name != null ? b.name : "slab-" + id;
        this.sanitizing = b.sanitize != null ? b.sanitize : Boolean.getBoolean(SANITIZE_PROPERTY);
        this.capacity = b.capacity;
        this.fast = sanitizing ? null : new FastSlab(id, name, capacity,
                b.mapLargeBlocks && SegmentSource.canMapBlocks());
        boolean unbounded = b.quarantineBlocks == null && quarantineUnboundedProperty();
        int qBlocks = b.quarantineBlocks != null ? b.quarantineBlocks
                : unbounded ? Integer.MAX_VALUE : SanitizingSlab.QUARANTINE_BLOCKS;
        long qBytes = b.quarantineBlocks != null ? b.quarantineBytes
                : unbounded ? Long.MAX_VALUE : SanitizingSlab.QUARANTINE_BYTES;
        this.sanitizer = sanitizing ? new SanitizingSlab(name, capacity, qBlocks, qBytes,
                b.siteSampling != null ? b.siteSampling : siteSamplingProperty()) : null;
        this.onLeak = b.onLeak != null ? b.onLeak : sanitizing ? OnLeak.THROW : OnLeak.WARN;
    }

    private static boolean quarantineUnboundedProperty() {
        String v = System.getProperty(QUARANTINE_PROPERTY);
        if (v == null) {
            return false;
        }
        if (v.trim().equals("unbounded")) {
            return true;
        }
        throw new IllegalArgumentException("-D" + QUARANTINE_PROPERTY + "=" + v + " is not understood; use"
                + " 'unbounded' to keep every freed block quarantined, or Builder.quarantine(blocks, bytes)");
    }

    private static int siteSamplingProperty() {
        String v = System.getProperty(SITE_SAMPLING_PROPERTY);
        if (v == null) {
            return SanitizingSlab.SITE_SAMPLING;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + SITE_SAMPLING_PROPERTY + "=" + v + " is not a count >= 0; use 1 to"
                + " record every allocation and free site, N to record one in N, 0 for none");
    }

    /**
     * An allocator with default settings: unlimited capacity, sanitizer mode iff the system property
     * {@code reclaim.sanitize} is {@code true}.
     *
     * @return a new allocator; close it to return its memory
     */
    public static SlabAllocator create() {
        return builder().build();
    }

    /**
     * A builder for an allocator with a name, a capacity or an explicit mode.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** What {@link #close()} does with blocks that were never freed ({@link Builder#onLeak(OnLeak)}). */
    public enum OnLeak {
        /** Throw a {@link MemoryLeakException} (after returning the memory and closing the allocator). */
        THROW,
        /** Log one warning with the count and bytes through {@link System.Logger} {@code dev.reclaim.memory}. */
        WARN,
        /** Say nothing: for baselines that never free by design, such as {@code Scheme.LEAK} benchmarks. */
        IGNORE
    }

    /** Configures and builds a {@link SlabAllocator}. Not thread-safe; reusable. */
    public static final class Builder {
        private String name;
        private long capacity = Long.MAX_VALUE;
        private Boolean sanitize;
        private OnLeak onLeak;
        private Integer quarantineBlocks;
        private long quarantineBytes;
        private Integer siteSampling;
        private boolean mapLargeBlocks = true;

        private Builder() {
        }

        /**
         * Tests: {@code false} takes every large block from the C library (as on systems without {@code mmap}),
         * so that the path on which a zeroed allocation must fill reused memory runs on Linux too.
         */
        Builder mapLargeBlocks(boolean map) {
            this.mapLargeBlocks = map;
            return this;
        }

        /**
         * What {@link SlabAllocator#close()} does when blocks were never freed. Whatever the choice, the memory
         * is returned; the report gives the count and bytes, and in sanitizer mode each block's allocation site.
         * Default: {@link OnLeak#THROW} in sanitizer mode, {@link OnLeak#WARN} in fast mode.
         *
         * @param onLeak the action; non-null
         * @return this builder
         */
        public Builder onLeak(OnLeak onLeak) {
            this.onLeak = Objects.requireNonNull(onLeak, "onLeak must not be null; pass OnLeak.THROW, WARN or IGNORE");
            return this;
        }

        /**
         * The name used in messages and {@link AllocatorStats}; default {@code "slab-N"}.
         *
         * @param name a non-null name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /**
         * The most bytes the allocator may hold; default unlimited. In fast mode it bounds the memory taken
         * from the operating system (segments and large blocks, so it must be at least 64 KiB for small blocks
         * to be served); in sanitizer mode it bounds the live bytes. An allocation beyond it throws
         * {@link OffHeapExhaustedException}.
         *
         * @param maxBytes the capacity in bytes, positive
         * @return this builder
         */
        public Builder capacity(long maxBytes) {
            if (maxBytes <= 0) {
                throw new IllegalArgumentException("capacity must be positive, was " + maxBytes);
            }
            this.capacity = maxBytes;
            return this;
        }

        /**
         * Turns sanitizer mode on or off, overriding the {@code reclaim.sanitize} system property.
         *
         * @param sanitize whether to track and check every block
         * @return this builder
         */
        public Builder sanitize(boolean sanitize) {
            this.sanitize = sanitize;
            return this;
        }

        /**
         * Sanitizer mode: how many freed blocks are kept poisoned (and their addresses withheld from reuse)
         * before their memory returns to the C library; an access to a block still in the quarantine is
         * reported as a use after free, one that has left it is not checked. Default 4096 blocks and 16 MiB,
         * whichever is reached first, or unbounded with {@code -Dreclaim.sanitize.quarantine=unbounded} (for
         * tests that access freed memory on purpose: an access to a block that left the quarantine can
         * corrupt the C library's heap); the quarantine is per allocator. Ignored in fast mode.
         *
         * @param maxBlocks the most blocks quarantined, at least 0
         * @param maxBytes  the most bytes quarantined, at least 0
         * @return this builder
         */
        public Builder quarantine(int maxBlocks, long maxBytes) {
            if (maxBlocks < 0 || maxBytes < 0) {
                throw new IllegalArgumentException("quarantine limits must be >= 0, were " + maxBlocks + " blocks and "
                        + maxBytes + " bytes");
            }
            this.quarantineBlocks = maxBlocks;
            this.quarantineBytes = maxBytes;
            return this;
        }

        /**
         * Sanitizer mode: how often an allocate or free records its stack for the reports (use after free,
         * double free, leaks). Detection does not depend on it: every misuse is still caught, and every report
         * names the threads; only the stacks are sampled. 1 records every stack (about 1 KB of heap per live
         * or quarantined block, and a stack walk per call), N one in N (chosen at random per call), 0 none.
         * Default: the {@code reclaim.sanitize.siteSampling} system property, else 64. Ignored in fast mode.
         *
         * @param oneIn 1 for every site, N for one in N, 0 for none
         * @return this builder
         */
        public Builder siteSampling(int oneIn) {
            if (oneIn < 0) {
                throw new IllegalArgumentException("siteSampling must be >= 0 (1 = every site, N = one in N, 0 = "
                        + "none), was " + oneIn);
            }
            this.siteSampling = oneIn;
            return this;
        }

        /**
         * Builds the allocator. It takes memory from the operating system lazily, on first allocation.
         *
         * @return a new allocator
         */
        public SlabAllocator build() {
            return new SlabAllocator(this);
        }
    }

    // ---------------------------------------------------------------- allocation

    /**
     * Allocates a block of at least {@code size} bytes, aligned to 16 bytes, with unspecified contents
     * (in sanitizer mode: filled with {@code 0xA5}).
     *
     * @param size bytes wanted, in [1, 2^40)
     * @return the block's address, never 0
     * @throws IllegalArgumentException   if {@code size} is out of range
     * @throws OffHeapExhaustedException  if the capacity would be exceeded
     * @throws IllegalStateException      if the allocator is closed
     */
    public long allocate(long size) {
        checkOpen();
        checkSize(size);
        return sanitizing ? sanitizer.allocate(size, false) : fast.allocate(size);
    }

    /**
     * Allocates a block of at least {@code size} bytes, aligned to 16 bytes, filled with zeros (all of
     * {@link #blockSize(long)} bytes). In fast mode on Linux a block of 1 MiB or more is a fresh mapping of its
     * own, zero already: this call does not write it (its pages are zeroed by the kernel as they are first
     * touched), so allocating a table of gigabytes costs microseconds, not a {@code memset} of gigabytes. Any
     * other block is filled here.
     *
     * @param size bytes wanted, in [1, 2^40)
     * @return the block's address, never 0
     * @throws IllegalArgumentException   if {@code size} is out of range
     * @throws OffHeapExhaustedException  if the capacity would be exceeded
     * @throws IllegalStateException      if the allocator is closed
     */
    public long allocateZeroed(long size) {
        checkOpen();
        checkSize(size);
        if (sanitizing) {
            return sanitizer.allocate(size, true);
        }
        return fast.allocateZeroed(size); // a fresh mapping (a large block on Linux) is zero already: not written
    }

    /**
     * Frees a block. Any thread may free a block allocated by another thread. In fast mode, freeing a block
     * twice or using it afterwards is undefined behaviour; in sanitizer mode both throw.
     *
     * @param address an address returned by {@link #allocate(long)} of this allocator and not yet freed
     * @throws IllegalArgumentException if the address is 0, negative, misaligned or not a block of this
     *                                  allocator (detected when cheap: always for those that lie outside its
     *                                  chunks)
     * @throws IllegalStateException    if closed; in sanitizer mode, on a double free: a
     *                                  {@link UseAfterFreeException} naming the allocation and first free sites
     */
    public void free(long address) {
        checkOpen();
        checkAddress(address);
        if (sanitizing) {
            sanitizer.free(address);
        } else {
            fast.free(address);
        }
    }

    /**
     * The usable size of a block: its size class (at least the size requested).
     *
     * @param address a live block of this allocator
     * @return the number of bytes the block may hold
     * @throws IllegalArgumentException as {@link #free(long)}
     * @throws IllegalStateException    if the allocator is closed; in sanitizer mode, if the block was freed
     */
    public long blockSize(long address) {
        checkOpen();
        checkAddress(address);
        return sanitizing ? sanitizer.blockSize(address) : fast.blockSize(address);
    }

    /**
     * The usable size of the blocks {@link #allocate(long)} returns for {@code size} bytes: the size class that
     * holds them, what {@link #blockSize(long)} reports for each such block, in both modes. Like jemalloc's
     * {@code nallocx}, it looks nothing up, so a structure of fixed-size nodes can learn their footprint once
     * (for instance to report it from its own {@link Deleter#sizeOf(long)} without a lookup per retire).
     *
     * @param size bytes wanted, in [1, 2^40)
     * @return the usable size of such a block, at least {@code size}
     * @throws IllegalArgumentException if {@code size} is out of range
     */
    public long blockSizeFor(long size) {
        checkSize(size);
        int cls = SlabDescriptor.classIndex(size);
        return cls < 0 ? SlabDescriptor.alignUp(size) : SlabDescriptor.CLASS_SIZES[cls];
    }

    /**
     * Frees {@code pointer}: the allocator is the {@link Deleter} of its blocks, so
     * {@code guard.retire(node, allocator)} allocates nothing.
     *
     * @param pointer a live block of this allocator
     */
    @Override
    public void delete(long pointer) {
        free(pointer);
    }

    /**
     * Frees a batch of blocks, {@code pointers[from] .. pointers[to - 1]}: what a reclaimer calls for a run of
     * blocks retired with this allocator. Same checks as {@link #free(long)} for each address, but in fast
     * mode the open check and the thread-cache lookup are paid once per batch, and consecutive blocks of the
     * same chunk are validated with a compare. Every valid block is freed even if some addresses are bad; the
     * first bad one is then reported by the exception thrown, the others as suppressed exceptions.
     *
     * @param pointers blocks of this allocator, each live and distinct
     * @param from     first index, inclusive
     * @param to       last index, exclusive
     * @throws IndexOutOfBoundsException if the range is not within {@code pointers}
     * @throws IllegalArgumentException  as {@link #free(long)}, after freeing every valid block of the range
     * @throws IllegalStateException     if the allocator is closed (nothing is freed); in sanitizer mode, as
     *                                   {@link #free(long)}
     */
    @Override
    public void deleteAll(long[] pointers, int from, int to) {
        freeAll(pointers, from, to, false);
    }

    /**
     * {@link #deleteAll}, then the calling thread's cache may hand its blocks above one batch per class it freed
     * into to the depot (FastSlab.trim): EBR's bag runs, through {@link AllocatorAccess}
     * (see {@link dev.reclaim.internal.CachingDeleter}).
     */
    void deleteAllAndTrim(long[] pointers, int from, int to) {
        freeAll(pointers, from, to, true);
    }

    /** Blocks of {@code size}'s class the calling platform thread holds in its cache, fast mode (for tests). */
    int cachedBlocks(long size) {
        return fast.cachedBlocks(SlabDescriptor.classIndex(size));
    }

    private void freeAll(long[] pointers, int from, int to, boolean trim) {
        Objects.checkFromToIndex(from, to, pointers.length);
        checkOpen();
        if (sanitizing) {
            Deleter.super.deleteAll(pointers, from, to);
        } else {
            fast.freeAll(pointers, from, to, trim);
        }
    }

    /**
     * The block's usable size, for the reclaimer's pending-bytes figure.
     *
     * @param pointer a live block of this allocator
     * @return {@link #blockSize(long)}
     */
    @Override
    public long sizeOf(long pointer) {
        return blockSize(pointer);
    }

    // ---------------------------------------------------------------- introspection

    /**
     * A snapshot of the counters; still available after {@link #close()}.
     *
     * @return the statistics
     */
    public AllocatorStats stats() {
        return sanitizing ? sanitizer.stats() : fast.stats();
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed; every use after that throws {@link IllegalStateException}
     */
    public boolean isClosed() {
        return closed; // volatile read: pairs with the write in close()
    }

    /**
     * Whether this allocator runs in sanitizer mode.
     *
     * @return true if every block is tracked and every access checked
     */
    public boolean isSanitizing() {
        return sanitizing;
    }

    /**
     * The allocator's name.
     *
     * @return the name given to the builder, or {@code "slab-N"}
     */
    public String name() {
        return name;
    }

    /**
     * Every block allocated and not yet freed, with its allocation site. Sanitizer mode only: fast mode does
     * not track blocks individually.
     *
     * @return the live blocks, in address order
     * @throws UnsupportedOperationException in fast mode
     * @throws IllegalStateException         if the allocator is closed
     */
    public List<LeakedBlock> liveBlocks() {
        checkOpen();
        if (!sanitizing) {
            throw new UnsupportedOperationException("allocator '" + name + "' runs in fast mode and does not track "
                    + "blocks; enable sanitizer mode to list live blocks: SlabAllocator.builder().sanitize(true) or "
                    + "-D" + SANITIZE_PROPERTY + "=true (stats().liveBlocks() gives the count in either mode)");
        }
        return sanitizer.liveBlocks();
    }

    /**
     * Returns all memory to the operating system: every segment and large block in fast mode, every block
     * and quarantined block in sanitizer mode. Afterwards every method except {@link #stats()},
     * {@link #name()}, {@link #isSanitizing()} and {@link #toString()} throws {@link IllegalStateException},
     * including a second {@code close()}. Must happen after every other use of the allocator has finished.
     *
     * <p>Blocks never freed are reported, with their count and bytes (and, in sanitizer mode, their allocation
     * sites): thrown as a {@link MemoryLeakException}, logged as a warning, or ignored, as chosen by
     * {@link Builder#onLeak(OnLeak)}.
     *
     * @throws MemoryLeakException   if blocks were never freed and the allocator throws on a leak (the default in
     *                               sanitizer mode); the memory is returned, and the allocator closed, before it
     *                               is thrown
     * @throws IllegalStateException if already closed
     */
    @Override
    public void close() {
        synchronized (this) {
            checkOpen();
            closed = true; // volatile write: pairs with the read in checkOpen()
        }
        MemoryLeakException leak = null;
        if (sanitizing) {
            List<LeakedBlock> leaks = sanitizer.close();
            if (!leaks.isEmpty()) {
                leak = new MemoryLeakException(name, leaks);
            }
        } else {
            AllocatorStats s = fast.stats();
            fast.close();
            if (s.liveBlocks() > 0) {
                leak = new MemoryLeakException(name, s.liveBlocks(), s.liveBytes());
            }
        }
        if (leak != null) {
            switch (onLeak) {
                case THROW -> throw leak;
                case WARN -> System.getLogger("dev.reclaim.memory").log(System.Logger.Level.WARNING, leak.getMessage());
                case IGNORE -> { }
            }
        }
    }

    /**
     * A short description: name, mode, live blocks and bytes.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        AllocatorStats s = stats();
        return "SlabAllocator[" + name + (sanitizing ? ", sanitizing" : ", fast") + (closed ? ", closed" : "")
                + ", live " + s.liveBlocks() + " blocks / " + s.liveBytes() + " bytes]";
    }

    // ---------------------------------------------------------------- checks

    private void checkOpen() {
        if (closed) { // volatile read: pairs with the write in close()
            throw closedException();
        }
    }

    private IllegalStateException closedException() {
        return new IllegalStateException("allocator '" + name + "' is closed; it returned all its memory to the "
                + "operating system. Use an allocator only before close(), and close it once, last");
    }

    private void checkSize(long size) {
        if (size <= 0 || size >= SlabDescriptor.MAX_SIZE) {
            throw badSize(size);
        }
    }

    private IllegalArgumentException badSize(long size) {
        return new IllegalArgumentException("allocation size must be in [1, 2^40) bytes, was " + size
                + " (allocator '" + name + "')");
    }

    private void checkAddress(long address) {
        if (address <= 0 || (address & (SlabDescriptor.BLOCK_ALIGNMENT - 1)) != 0) {
            throw badAddress(address, name);
        }
    }

    static IllegalArgumentException badAddress(long address, String name) {
        return new IllegalArgumentException((address == 0 ? "null address 0" : "address 0x"
                + Long.toHexString(address) + (address < 0 ? " is negative and" : " is not 16-byte aligned and"))
                + " cannot be a block of allocator '" + name + "'; pass an address returned by allocate()");
    }
}
