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
     * The home index of a key (a thread id) in a power-of-two table: the top bits of a Fibonacci hash, so that
     * ids handed out one after another (a pool's threads, started together) land in different slots; n
     * consecutive ids never share a slot of a table of 2n or more (the three-distance theorem). The low bits of
     * the product would not do: for a 16-slot table, ids five apart land within a slot of each other.
     *
     * @param key  the key, e.g. {@link Thread#threadId()}
     * @param mask {@code table.length - 1}, the length a power of two
     * @return an index in {@code [0, mask]}
     */
    public static int home(long key, int mask) {
        // the top log2(mask + 1) bits of the product; a mask of 0 shifts by 64 (Java: by 0), masked to 0 below
        return (int) ((key * GOLDEN) >>> (Integer.numberOfLeadingZeros(mask) + 32)) & mask;
    }

    /**
     * A well-mixed int of a key, for what needs more than a home index (a probe stride, a hash of keys that are
     * not handed out in sequence). Use {@link #home} for the start of a probe of thread ids.
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
