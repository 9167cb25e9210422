package dev.reclaim.memory;

/**
 * A block that is still allocated, as reported by {@link SlabAllocator#liveBlocks()} and
 * {@link MemoryLeakException#getLeaks()} in sanitizer mode.
 *
 * @param address        the block's address
 * @param size           its usable size in bytes
 * @param allocationSite "allocated by thread 'name'", then its stack when it was recorded (one
 *                       {@code "\tat frame"} line per frame; see {@link SlabAllocator.Builder#siteSampling(int)})
 */
public record LeakedBlock(long address, long size, String allocationSite) {

    @Override
    public String toString() {
        return "block 0x" + Long.toHexString(address) + " (" + size + " bytes) " + allocationSite;
    }
}
