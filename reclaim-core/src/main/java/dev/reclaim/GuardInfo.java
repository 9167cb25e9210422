package dev.reclaim;

/**
 * What a reclaimer knows about one open guard, for diagnosing a reader that holds back reclamation.
 *
 * @param threadName the name of the thread that entered the guard
 * @param threadId   its {@link Thread#threadId()}
 * @param threadAlive whether that thread is still alive
 * @param ageNanos   how long the guard has been open, at least (an estimate from epoch timestamps for epochs);
 *                   0 when the scheme keeps no timestamp (hazard pointers and robust keep none, so that entering
 *                   a guard reads no clock) or the guard is younger than the estimate's resolution
 * @param epoch      the epoch or era the guard pinned, or -1 when the scheme has none
 * @param stack      the holder thread's stack when the snapshot was taken, or an empty array when stacks were
 *                   not requested
 */
public record GuardInfo(String threadName, long threadId, boolean threadAlive, long ageNanos, long epoch,
                        StackTraceElement[] stack) {

    /**
     * A one-line description, e.g. {@code thread "reader-1" (id 31, alive) open for at least 1250 ms at epoch
     * 42}. The age is left out when it is not known ({@link #ageNanos()} 0) rather than printed as 0 ms.
     *
     * @return the description
     */
    public String describe() {
        return "thread \"" + threadName + "\" (id " + threadId + (threadAlive ? ", alive" : ", dead") + ")"
                + (ageNanos > 0 ? " open for at least " + (ageNanos / 1_000_000) + " ms" : "")
                + (epoch >= 0 ? " at epoch " + epoch : "");
    }
}
