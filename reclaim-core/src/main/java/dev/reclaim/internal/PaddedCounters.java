package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A few counters written on slow paths (reclamation steps, an {@code ArcSwap}'s writes), kept off the cache
 * lines of the hot fields near them: they sit in the middle of a padded array, 128 bytes from either end, so
 * that neither whatever the heap put before the array nor what follows it shares a line with them.
 */
public final class PaddedCounters {
    /** Padding before and after the counters: 16 longs = 128 bytes. */
    private static final int PAD = 16;

    /** The counters at PAD .. PAD + n - 1; accessed via COUNTERS only. */
    private final long[] counters;

    /**
     * Creates {@code n} counters at zero.
     *
     * @param n how many
     */
    public PaddedCounters(int n) {
        this.counters = new long[2 * PAD + n];
    }

    /**
     * Adds to counter {@code i}.
     *
     * @param i     the counter
     * @param delta what to add
     */
    public void add(int i, long delta) {
        COUNTERS.getAndAdd(counters, PAD + i, delta); // volatile RMW: pairs with get()'s volatile read
    }

    /**
     * Raises counter {@code i} to at least {@code value} (a monotonic maximum).
     *
     * @param i     the counter
     * @param value the candidate maximum
     */
    public void raise(int i, long value) {
        long v;
        while (value > (v = get(i))
                && !COUNTERS.compareAndSet(counters, PAD + i, v, value)) { // CAS: monotonic max; pairs with get()
            Thread.onSpinWait();
        }
    }

    /**
     * Counter {@code i}.
     *
     * @param i the counter
     * @return its value (volatile read: pairs with the RMWs of add and raise)
     */
    public long get(int i) {
        return (long) COUNTERS.getVolatile(counters, PAD + i); // volatile: pairs with add()/raise()
    }

    // VarHandle mechanics
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);
}
