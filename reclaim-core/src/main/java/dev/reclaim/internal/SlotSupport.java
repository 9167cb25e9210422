package dev.reclaim.internal;

import dev.reclaim.FailureHandler;
import java.util.concurrent.locks.LockSupport;

/**
 * The pieces every slot-based scheme (epochs, hazard pointers) shares: where a thread starts probing the slot
 * table, how a waiter backs off, how a thread is named in messages, and how failures reach the handler.
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

    /**
     * A thread as messages name it: {@code thread "name" (id 31, alive)}.
     *
     * @param thread the thread, or null when unknown
     * @return the description
     */
    public static String describeThread(Thread thread) {
        if (thread == null) {
            return "an unknown thread";
        }
        return "thread \"" + thread.getName() + "\" (id " + thread.threadId()
                + (thread.isAlive() ? ", alive)" : ", dead)");
    }

    /**
     * Hands a failure to the handler; a handler that throws is ignored so that reclamation goes on.
     *
     * @param handler       the reclaimer's handler
     * @param reclaimerName the reclaimer's name
     * @param what          what failed
     * @param error         the exception, or null
     */
    public static void report(FailureHandler handler, String reclaimerName, String what, Throwable error) {
        try {
            handler.failed(reclaimerName, what, error);
        } catch (Throwable ignored) {
            // a handler must not throw; reclamation goes on
        }
    }
}
