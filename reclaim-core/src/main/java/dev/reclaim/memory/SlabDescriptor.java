package dev.reclaim.memory;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Off-heap layout of the fast-mode slab allocator: size classes, chunk header, free-block link words.
 *
 * <pre>
 * Segment: SEGMENT_SIZE bytes from the allocator's SegmentSource (huge-page regions on Linux, else
 *          its one shared Arena), aligned to CHUNK_SIZE,
 *          cut into chunks on demand (the last segment may be smaller when a capacity is set).
 * +-----------+-----------+-----+-----------+
 * |  chunk 0  |  chunk 1  | ... |  chunk n  |
 * +-----------+-----------+-----+-----------+
 *
 * Chunk: CHUNK_SIZE (64 KiB) bytes at a CHUNK_SIZE-aligned address; one size class per chunk.
 * The header of the chunk that holds address a is at (a &amp; CHUNK_MASK).
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                         magic (int)                           |  MAGIC_OFFSET        0
 * +---------------------------------------------------------------+
 * |          class index (int; LARGE_CLASS for a large block)     |  CLASS_OFFSET        4
 * +---------------------------------------------------------------+
 * |                     allocator id (long)                      ...  ALLOCATOR_OFFSET    8
 * +---------------------------------------------------------------+
 * |                  block size in bytes (long)                  ...  BLOCK_SIZE_OFFSET  16
 * +---------------------------------------------------------------+
 * |                   reserved, zero (40 bytes)                  ...  24 .. 63
 * +---------------------------------------------------------------+
 * |  block 0 at CHUNK_HEADER_LENGTH | block 1 | ... | block k-1 | tail waste
 * +---------------------------------------------------------------+
 *
 * A large block (bigger than MAX_CLASS_SIZE) is its own CHUNK_SIZE-aligned libc allocation (or, from 1 MiB on
 * Linux, its own mapping) with the same header (class LARGE_CLASS) followed by the block at CHUNK_HEADER_LENGTH.
 *
 * Free block (the link words exist only while the block is on a free list):
 * +---------------------------------------------------------------+
 * |  next block in this batch / in the loose list (long, 0 = end) ...  NEXT_OFFSET        0
 * +---------------------------------------------------------------+
 * |  next batch in the depot (long; first block of a batch only)  ...  NEXT_BATCH_OFFSET  8
 * +---------------------------------------------------------------+
 *
 * Free-list head (a Java long): | tag (16 bits) | address of first block (48 bits) |
 * </pre>
 *
 * <p>Size classes: 16 to 256 bytes in steps of 16 ({@link #FINE_CLASS_LIMIT}), then four classes per power of
 * two (320, 384, 448, 512, 640, ...) up to {@link #MAX_CLASS_SIZE} = 8 KiB; worst-case internal waste 25%
 * (at most 15 bytes up to 256, about 12% above 256 on average).
 */
final class SlabDescriptor {

    /** Chunk size and alignment: 64 KiB. */
    static final long CHUNK_SIZE = 1L << 16;
    /** Mask that maps an address to its chunk header. */
    static final long CHUNK_MASK = ~(CHUNK_SIZE - 1);
    /** Bytes taken from the arena per segment when no capacity limits it: 1 MiB. */
    static final long SEGMENT_SIZE = 16 * CHUNK_SIZE;
    /** Minimum alignment of every block. */
    static final long BLOCK_ALIGNMENT = 16;
    /** Bytes reserved at the start of each chunk for its header; blocks start here. */
    static final int CHUNK_HEADER_LENGTH = 64;

    static final int MAGIC_OFFSET = 0;
    static final int CLASS_OFFSET = 4;
    static final int ALLOCATOR_OFFSET = 8;
    static final int BLOCK_SIZE_OFFSET = 16;

    static final int NEXT_OFFSET = 0;
    static final int NEXT_BATCH_OFFSET = 8;

    /** "SLAB" in ASCII. */
    static final int MAGIC = 0x534C4142;
    /** Class index stored in the header of a large block. */
    static final int LARGE_CLASS = -1;

    /**
     * The largest class of the 16-byte steps: small records (list nodes, map entries of a few dozen to a few
     * hundred bytes) lose at most 15 bytes each to rounding up to here.
     */
    static final long FINE_CLASS_LIMIT = 256;
    /** Number of 16-byte-step classes: the class index of the first coarse class. */
    private static final int FINE_CLASSES = (int) (FINE_CLASS_LIMIT / BLOCK_ALIGNMENT);
    /** The largest size served from size classes; larger requests take the large path. */
    static final long MAX_CLASS_SIZE = 8192;
    /** Exclusive upper bound on a requested size: 2^40 bytes. */
    static final long MAX_SIZE = 1L << 40;

    /** Free-list heads pack a 16-bit tag above a 48-bit address. */
    static final int ADDRESS_BITS = 48;
    static final long ADDRESS_MASK = (1L << ADDRESS_BITS) - 1;
    static final long TAG_UNIT = 1L << ADDRESS_BITS;

    /** Usable block size of each class, indexed by class index. */
    static final long[] CLASS_SIZES;
    /** Blocks moved per batch between a thread cache and the depot, per class. */
    static final int[] BATCH_SIZES;
    /** Number of size classes. */
    static final int CLASS_COUNT;
    /** Largest batch: blocks moved at once between a thread cache and a depot. */
    static final int MAX_BATCH = 32;
    /**
     * Most blocks a thread cache holds for one class: MAGAZINE_LIMITS[c] = max(2 x batch, min(256, 64 KiB /
     * size)). Well above a reclaimer's batch of frees (an EBR bag holds 64), so that balanced allocate/free
     * traffic stays in the cache instead of linking batches through the blocks (which touches every block)
     * and moving them through the depot.
     */
    static final int MAGAZINE_CAPACITY = 256;
    /** Per class: how many blocks the thread cache may hold (see {@link #MAGAZINE_CAPACITY}). */
    static final int[] MAGAZINE_LIMITS;
    /** Per class: where its magazine starts in a thread cache's slot array (prefix sums of the limits). */
    static final int[] MAGAZINE_BASES;
    /** Length of a thread cache's slot array: the sum of the limits. */
    static final int MAGAZINE_SLOTS;

    static {
        long[] sizes = new long[64];
        int n = 0;
        for (long s = BLOCK_ALIGNMENT; s <= FINE_CLASS_LIMIT; s += BLOCK_ALIGNMENT) {
            sizes[n++] = s;
        }
        for (long base = FINE_CLASS_LIMIT; base < MAX_CLASS_SIZE; base <<= 1) {
            long step = base / 4;
            for (int i = 1; i <= 4; i++) {
                sizes[n++] = base + i * step;
            }
        }
        CLASS_COUNT = n;
        CLASS_SIZES = java.util.Arrays.copyOf(sizes, n);
        BATCH_SIZES = new int[n];
        MAGAZINE_LIMITS = new int[n];
        MAGAZINE_BASES = new int[n];
        int slots = 0;
        for (int i = 0; i < n; i++) {
            BATCH_SIZES[i] = (int) Math.max(4, Math.min(MAX_BATCH, 32768 / CLASS_SIZES[i]));
            MAGAZINE_LIMITS[i] = (int) Math.max(2L * BATCH_SIZES[i], Math.min(MAGAZINE_CAPACITY, 65536 / CLASS_SIZES[i]));
            MAGAZINE_BASES[i] = slots;
            slots += MAGAZINE_LIMITS[i];
        }
        MAGAZINE_SLOTS = slots;
        checkLayout();
    }

    private SlabDescriptor() {
    }

    private static void checkLayout() {
        if (Long.bitCount(CHUNK_SIZE) != 1) {
            throw new IllegalStateException("CHUNK_SIZE must be a power of two, was " + CHUNK_SIZE);
        }
        if (CHUNK_HEADER_LENGTH % BLOCK_ALIGNMENT != 0) {
            throw new IllegalStateException("CHUNK_HEADER_LENGTH=" + CHUNK_HEADER_LENGTH
                    + " must be a multiple of BLOCK_ALIGNMENT=" + BLOCK_ALIGNMENT);
        }
        if (SEGMENT_SIZE % CHUNK_SIZE != 0) {
            throw new IllegalStateException("SEGMENT_SIZE=" + SEGMENT_SIZE + " must be a multiple of CHUNK_SIZE="
                    + CHUNK_SIZE);
        }
        for (int i = 0; i < CLASS_COUNT; i++) {
            if (CLASS_SIZES[i] % BLOCK_ALIGNMENT != 0 || CLASS_SIZES[i] < NEXT_BATCH_OFFSET + 8) {
                throw new IllegalStateException("class " + i + " size " + CLASS_SIZES[i]
                        + " must be a multiple of " + BLOCK_ALIGNMENT + " and hold two link words");
            }
            if (2L * BATCH_SIZES[i] > MAGAZINE_LIMITS[i] || MAGAZINE_LIMITS[i] > MAGAZINE_CAPACITY) {
                throw new IllegalStateException("class " + i + " batch " + BATCH_SIZES[i]
                        + " exceeds half its magazine limit " + MAGAZINE_LIMITS[i] + ", or the limit exceeds "
                        + MAGAZINE_CAPACITY);
            }
        }
        if (CLASS_SIZES[CLASS_COUNT - 1] != MAX_CLASS_SIZE) {
            throw new IllegalStateException("largest class " + CLASS_SIZES[CLASS_COUNT - 1] + " != MAX_CLASS_SIZE "
                    + MAX_CLASS_SIZE);
        }
    }

    /**
     * The class index serving {@code size}, or {@link #LARGE_CLASS} if it is above {@link #MAX_CLASS_SIZE}.
     *
     * @param size a size in [1, MAX_SIZE)
     * @return the class index
     */
    static int classIndex(long size) {
        if (size <= FINE_CLASS_LIMIT) {
            return (int) ((size + 15) >>> 4) - 1;
        }
        if (size > MAX_CLASS_SIZE) {
            return LARGE_CLASS;
        }
        long s = size - 1;
        int lg = 63 - Long.numberOfLeadingZeros(s);  // 8 .. 12
        return FINE_CLASSES + (lg - 8) * 4 + (int) ((s >>> (lg - 2)) & 3);
    }

    /** Number of blocks a chunk of class {@code cls} holds. */
    static int blocksPerChunk(int cls) {
        return (int) ((CHUNK_SIZE - CHUNK_HEADER_LENGTH) / CLASS_SIZES[cls]);
    }

    /** Rounds {@code size} up to a multiple of {@link #BLOCK_ALIGNMENT}. */
    static long alignUp(long size) {
        return (size + BLOCK_ALIGNMENT - 1) & -BLOCK_ALIGNMENT;
    }

    /**
     * Checks that an address fits the 48 bits a tagged free-list head can hold.
     *
     * @param address a segment or chunk address
     * @return the address
     */
    static long checkAddressBits(long address) {
        if ((address & ~ADDRESS_MASK) != 0) {
            throw new IllegalStateException("address 0x" + Long.toHexString(address) + " does not fit in "
                    + ADDRESS_BITS + " bits; the slab allocator's tagged free lists need user-space addresses "
                    + "below 2^48");
        }
        return address;
    }

    // ---------------------------------------------------------------- tagged heads

    static long headAddress(long head) {
        return head & ADDRESS_MASK;
    }

    static long nextHead(long head, long address) {
        return ((head & ~ADDRESS_MASK) + TAG_UNIT) | address;
    }

    // ---------------------------------------------------------------- chunk header (raw, unchecked)

    static void initChunkHeader(long chunk, int cls, long allocatorId, long blockSize) {
        // plain writes: the chunk is published to other threads only through a free-list CAS or the
        // release store in ChunkTable.set(), both after these writes.
        INT_PLAIN.set(Memory.ALL, chunk + MAGIC_OFFSET, MAGIC);
        INT_PLAIN.set(Memory.ALL, chunk + CLASS_OFFSET, cls);
        LONG_PLAIN.set(Memory.ALL, chunk + ALLOCATOR_OFFSET, allocatorId);
        LONG_PLAIN.set(Memory.ALL, chunk + BLOCK_SIZE_OFFSET, blockSize);
    }

    static void clearChunkMagic(long chunk) {
        INT_PLAIN.set(Memory.ALL, chunk + MAGIC_OFFSET, 0); // plain: the chunk is about to be returned to libc
    }

    static int chunkMagic(long chunk) {
        return (int) INT_PLAIN.get(Memory.ALL, chunk + MAGIC_OFFSET); // plain: written before the chunk was published
    }

    static int chunkClass(long chunk) {
        return (int) INT_PLAIN.get(Memory.ALL, chunk + CLASS_OFFSET); // plain: written before the chunk was published
    }

    static long chunkAllocator(long chunk) {
        return (long) LONG_PLAIN.get(Memory.ALL, chunk + ALLOCATOR_OFFSET); // plain: as chunkClass
    }

    static long chunkBlockSize(long chunk) {
        return (long) LONG_PLAIN.get(Memory.ALL, chunk + BLOCK_SIZE_OFFSET); // plain: as chunkClass
    }

    // ---------------------------------------------------------------- link words (raw, unchecked)

    /** Plain read of a block's next link: the reader owns the block (it won the CAS that popped it). */
    static long next(long block) {
        return (long) LONG_PLAIN.get(Memory.ALL, block + NEXT_OFFSET);
    }

    /** Plain write of a block's next link: published by the CAS that pushes the block. */
    static void setNext(long block, long next) {
        LONG_PLAIN.set(Memory.ALL, block + NEXT_OFFSET, next);
    }

    /**
     * Opaque read of a block's next link while the block may concurrently be popped and reused by another
     * thread: the value may be garbage, in which case the tagged CAS that follows fails.
     */
    static long nextOpaque(long block) {
        return (long) LONG.getOpaque(Memory.ALL, block + NEXT_OFFSET);
    }

    /** Opaque read of a batch's next-batch link; same race argument as {@link #nextOpaque(long)}. */
    static long nextBatchOpaque(long block) {
        return (long) LONG.getOpaque(Memory.ALL, block + NEXT_BATCH_OFFSET);
    }

    /** Plain write of a batch's next-batch link: published by the depot push CAS. */
    static void setNextBatch(long block, long next) {
        LONG_PLAIN.set(Memory.ALL, block + NEXT_BATCH_OFFSET, next);
    }

    // VarHandle mechanics: (MemorySegment, long offset) coordinates; offsets are absolute addresses into ALL.
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle().withInvokeExactBehavior();
    // Plain accesses use the unaligned layouts: same code on x86/AArch64 for our aligned addresses, minus the
    // alignment check of the aligned handles (measured on the free path); atomic modes keep the aligned ones.
    private static final VarHandle LONG_PLAIN = ValueLayout.JAVA_LONG_UNALIGNED.varHandle().withInvokeExactBehavior();
    private static final VarHandle INT_PLAIN = ValueLayout.JAVA_INT_UNALIGNED.varHandle().withInvokeExactBehavior();
}
