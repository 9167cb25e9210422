package dev.reclaim.collections;

/**
 * What the layout descriptors of this package share: the cache-line size, alignment arithmetic, and the check
 * that a block handed out by the allocator has the alignment a layout assumes (with the actual values in the
 * message). Each structure's own offsets and diagram live in its descriptor ({@link TreiberStackLayout},
 * {@link MichaelScottQueueLayout}, {@link OrderedListLayout}, {@link LongHashMapLayout},
 * {@link LongOpenHashMapLayout}, {@link BytesHashMapLayout}).
 */
final class OffHeapLayout {

    /** The cache-line size the padded layouts assume (x86-64 and most AArch64 parts). */
    static final long CACHE_LINE = 64;

    /** The least alignment of a {@link dev.reclaim.memory.SlabAllocator} block, which the root layouts rely on. */
    static final long SLAB_ALIGNMENT = 16;

    private OffHeapLayout() {
    }

    /**
     * {@code address} rounded up to a multiple of {@code alignment}.
     *
     * @param address   any address
     * @param alignment a power of two
     * @return the smallest multiple of {@code alignment} that is {@code >= address}
     */
    static long alignUp(long address, long alignment) {
        return (address + alignment - 1) & -alignment;
    }

    /**
     * {@code n} rounded up to a multiple of 8 (a whole number of words).
     *
     * @param n a size in bytes, at least 0
     * @return the padded size
     */
    static long pad8(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * Checks that a freshly allocated block has the alignment a layout assumes.
     *
     * @param address   the block
     * @param alignment the alignment the layout needs, a power of two
     * @param what      what the block is for, e.g. {@code "root"}
     * @param owner     the structure, e.g. {@code "TreiberStack"}
     * @return {@code address}
     * @throws IllegalStateException if the block is null or not {@code alignment}-aligned
     */
    static long checkAligned(long address, long alignment, String what, String owner) {
        if (address == 0 || (address & (alignment - 1)) != 0) {
            String got = address == 0 ? "a null " + what + " block"
                    : what + " block 0x" + Long.toHexString(address) + ", which is not " + alignment + "-byte aligned";
            throw new IllegalStateException("allocator returned " + got + "; " + owner + " needs a SlabAllocator"
                    + " (blocks are non-null and at least " + SLAB_ALIGNMENT + "-byte aligned)");
        }
        return address;
    }
}
