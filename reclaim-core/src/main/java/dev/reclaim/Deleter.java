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
     * Releases a batch: {@code pointers[from]} .. {@code pointers[to - 1]}, each as by {@link #delete(long)}.
     * A reclaimer calls it instead of {@code delete} for consecutive retirements with the same deleter, so an
     * implementation can pay per-batch costs (an open check, a thread-cache lookup) once per batch; the
     * default simply calls {@code delete} for each pointer.
     *
     * <p>Failure contract: every pointer in the range is released even when some fail; after the whole range
     * has been tried, the first failure is thrown with the later ones {@linkplain Throwable#addSuppressed
     * added as suppressed}. The caller counts one failure per exception (thrown plus suppressed). An
     * implementation must not keep or modify {@code pointers}.
     *
     * @param pointers the retired pointers (never 0 within the range)
     * @param from     first index, inclusive
     * @param to       last index, exclusive
     */
    default void deleteAll(long[] pointers, int from, int to) {
        Throwable first = null;
        for (int i = from; i < to; i++) {
            try {
                delete(pointers[i]);
            } catch (Throwable t) {
                if (first == null) {
                    first = t;
                } else if (t != first) {
                    first.addSuppressed(t);
                }
            }
        }
        if (first != null) {
            throwUnchecked(first);
        }
    }

    /**
     * Rethrows {@code t} as it is (delete declares no checked exception, but a deleter may still throw one).
     *
     * @param t   the throwable
     * @param <T> inferred as an unchecked type
     * @throws T always
     */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }

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
