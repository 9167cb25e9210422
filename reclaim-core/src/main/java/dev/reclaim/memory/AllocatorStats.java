package dev.reclaim.memory;

/**
 * A snapshot of a {@link SlabAllocator}'s counters.
 *
 * <p>In fast mode the counters are summed from per-thread counters without stopping the threads, so a
 * snapshot taken while other threads allocate is approximate (each counter is exact once they are quiet);
 * {@code peakLiveBytes} is sampled (at each {@code stats()} call, segment reservation and large allocation),
 * so it is a lower bound on the true peak. In sanitizer mode every figure is exact.
 *
 * @param name          the allocator's name
 * @param sanitizing    whether the allocator runs in sanitizer mode
 * @param liveBlocks    blocks allocated and not yet freed
 * @param liveBytes     usable bytes of the live blocks (their {@link SlabAllocator#blockSize(long) block sizes})
 * @param reservedBytes bytes obtained from the operating system and not yet returned: segments and large
 *                      blocks in fast mode; live and quarantined blocks with their redzones in sanitizer mode
 * @param peakLiveBytes the highest {@code liveBytes} seen (see above)
 * @param allocations   blocks allocated since creation
 * @param frees         blocks freed since creation
 */
public record AllocatorStats(String name, boolean sanitizing, long liveBlocks, long liveBytes, long reservedBytes,
                             long peakLiveBytes, long allocations, long frees) {
}
