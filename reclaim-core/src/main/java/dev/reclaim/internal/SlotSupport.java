package dev.reclaim.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The pieces every slot-based structure shares (the reclaimers' guard tables, the counted handles' debt
 * lanes): where a thread starts probing a table of slots, and how a waiter backs off.
 */
public final class SlotSupport {

    private SlotSupport() {
    }

    /**
     * The start index of a thread's probe: a Fibonacci hash of its id, so that consecutive ids spread over the
     * table. Mask the result with {@code table.length - 1}.
     *
     * @param threadId {@link Thread#threadId()}
     * @return a well-mixed int
     */
    public static int spread(long threadId) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 32);
    }

    /**
     * One step of a waiter that must not burn a core: spin, then yield, then park with exponential backoff up to
     * about 1 ms.
     *
     * @param round how many times the caller has waited so far (0 first)
     */
    public static void backoff(int round) {
        if (round < 32) {
            Thread.onSpinWait();
        } else if (round < 48) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(10, round - 48)));
        }
    }
}
