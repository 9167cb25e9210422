package dev.reclaim;

/**
 * What to do with a retired pointer once no reader can reach it.
 *
 * <p>A deleter runs exactly once per {@link Guard#retire(long, Deleter) retire}, on some thread chosen by the
 * reclaimer (not necessarily the retiring one), after every guard that could have seen the pointer has
 * closed. A deleter must not block for long and must not enter a guard of the reclaimer that runs it and wait
 * for reclamation ({@link Reclaimer#synchronize()}) from inside; it may retire more pointers.
 *
 * <p>A deleter that throws is reported to the reclaimer's failure handler and the remaining deleters still run:
 * no pending deleter is ever dropped because another one failed.
 *
 * <p>The off-heap allocator {@link dev.reclaim.memory.SlabAllocator} is itself a {@code Deleter} (it frees the
 * block), so the common case {@code guard.retire(node, allocator)} allocates nothing.
 */
@FunctionalInterface
public interface Deleter {

    /**
     * Releases what {@code pointer} refers to.
     *
     * @param pointer the value that was passed to {@code retire}; never 0
     */
    void delete(long pointer);

    /**
     * The number of bytes {@code pointer} holds, for the pending-bytes figure of {@link ReclaimerStats}.
     * Called once at retire time, on the retiring thread; it must be cheap and must not block.
     *
     * @param pointer the retired pointer
     * @return its size in bytes, or 0 when unknown (the default)
     */
    default long sizeOf(long pointer) {
        return 0;
    }
}
