package dev.reclaim.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The pieces every slot-based structure shares (the reclaimers' guard tables, the counted handles' debt
 * lanes): where a thread starts probing a table of slots, and how a waiter backs off.
 */
public final class SlotSupport {

    private SlotSupport() {
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    /**
     * The home index of a thread id in a power-of-two table: the id's low bits. Thread ids are handed out in
     * sequence, so threads started together (a pool's workers, a burst of virtual threads) get consecutive ids
     * and land in different slots: n consecutive ids never share a slot of a table of n or more. A hash would
     * only add cost on the claim path, and the low bits of {@link #spread} repeat about every 5 ids in a
     * 16-slot table (two of 8 consecutive ids on one slot for nearly every start).
     *
     * @param threadId {@link Thread#threadId()}
     * @param mask     {@code table.length - 1}, the length a power of two
     * @return an index in {@code [0, mask]}
     */
    public static int home(long threadId, int mask) {
        return (int) threadId & mask;
    }

    /**
     * A well-mixed int of a key (a Fibonacci hash), for what needs more than a home index: a probe stride, a hash
     * of keys that are not handed out in sequence. Use {@link #home} for the start of a probe of thread ids.
     *
     * @param key the key
     * @return a well-mixed int
     */
    public static int spread(long key) {
        return (int) ((key * GOLDEN) >>> 32);
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
