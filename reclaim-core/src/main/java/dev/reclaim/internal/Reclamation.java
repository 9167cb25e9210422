package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The reclaiming side every scheme shares: runs retired entries (one {@link Deleter#deleteAll} per run of
 * consecutive entries with the same deleter, so the slab allocator pays its open check and thread-cache lookup
 * once per run), counts what was reclaimed and what failed, and reports failures to the reclaimer's
 * {@link FailureHandler}. Its counters are written on every reclamation step, while the table that owns it is
 * read by every enter, so they sit in the middle of a padded array (128 bytes from either end).
 *
 * <p>An entry is a pair {@code (pointer, action)}: a non-zero pointer with its {@link Deleter}, or pointer 0
 * with a {@link Runnable} (a deferred action).
 */
public final class Reclamation {
    /** Padding before and after the counters: 16 longs = 128 bytes. */
    private static final int PAD = 16;
    /** Deleters and actions run. */
    private static final int RECLAIMED = PAD;
    /** Bytes of the pointers reclaimed. */
    private static final int RECLAIMED_BYTES = PAD + 1;
    /** Largest pending count seen at a reclamation step. */
    private static final int PEAK_PENDING = PAD + 2;
    /** Deleters that threw plus abandoned guards. */
    private static final int FAILURES = PAD + 3;

    /** The counters at the indices above; accessed via COUNTERS only. */
    private final long[] counters = new long[2 * PAD + 4];
    private final String name;
    private final FailureHandler handler;

    /**
     * Creates the reclaiming side of a reclaimer.
     *
     * @param name    the reclaimer's name (in every report)
     * @param handler where failures go
     */
    public Reclamation(String name, FailureHandler handler) {
        this.name = name;
        this.handler = handler;
    }

    /**
     * Runs entries {@code 0 .. n-1}. A run of consecutive pointers with the same deleter goes through one
     * {@link Deleter#deleteAll} call; a run that throws counts one failure per exception (thrown plus
     * suppressed) and is reported once; a single entry that throws counts one. The remaining entries still
     * run. The caller counts the entries as reclaimed ({@link #addReclaimed}).
     *
     * @param pointers the pointers (0 for a deferred action)
     * @param actions  their deleters, or the deferred {@link Runnable}s
     * @param n        how many entries
     */
    public void runAll(long[] pointers, Object[] actions, int n) {
        int i = 0;
        while (i < n) {
            long p = pointers[i];
            Object a = actions[i];
            int end = i + 1;
            if (p != 0) {
                while (end < n && actions[end] == a && pointers[end] != 0) {
                    end++;
                }
            }
            if (end - i == 1) {
                try {
                    if (p != 0) {
                        ((Deleter) a).delete(p);
                    } else {
                        ((Runnable) a).run();
                    }
                } catch (Throwable e) {
                    failed((p != 0 ? "deleter " + a + " of pointer 0x" + Long.toHexString(p) : "deferred action " + a)
                            + " threw; the remaining deleters still ran", e);
                }
            } else {
                try {
                    ((Deleter) a).deleteAll(pointers, i, end);
                } catch (Throwable e) {
                    int count = 1 + e.getSuppressed().length;
                    COUNTERS.getAndAdd(counters, FAILURES, (long) count); // volatile RMW: read by stats()
                    report("deleter " + a + " of " + (end - i) + " pointers (0x" + Long.toHexString(p) + " .. 0x"
                            + Long.toHexString(pointers[end - 1]) + ") threw (" + count
                            + " failures, the later ones suppressed); the remaining deleters still ran", e);
                }
            }
            i = end;
        }
    }

    /**
     * Counts one failure and reports it.
     *
     * @param what  what failed, a sentence naming the fix where there is one
     * @param error the exception, or null (an abandoned guard)
     */
    public void failed(String what, Throwable error) {
        COUNTERS.getAndAdd(counters, FAILURES, 1L); // volatile RMW: read by stats()
        report(what, error);
    }

    /**
     * Hands a failure to the handler without counting it (a failure outside reclamation, e.g. of a close at
     * exit); a handler that throws is ignored so that reclamation goes on.
     *
     * @param what  what failed
     * @param error the exception, or null
     */
    public void report(String what, Throwable error) {
        try {
            handler.failed(name, what, error);
        } catch (Throwable ignored) {
            // a handler must not throw; reclamation goes on
        }
    }

    /**
     * Counts entries as reclaimed.
     *
     * @param count how many entries ran
     * @param bytes their bytes (Deleter.sizeOf at retire time)
     */
    public void addReclaimed(long count, long bytes) {
        COUNTERS.getAndAdd(counters, RECLAIMED, count); // volatile RMW: read by stats()
        if (bytes != 0) {
            COUNTERS.getAndAdd(counters, RECLAIMED_BYTES, bytes); // volatile RMW: read by stats()
        }
    }

    /**
     * Raises the peak pending count to at least {@code pending}.
     *
     * @param pending the pending count now
     */
    public void updatePeak(long pending) {
        long peak;
        while (pending > (peak = peakPendingVolatile())
                && !COUNTERS.compareAndSet(counters, PEAK_PENDING, peak, pending)) { // CAS: monotonic max; read by stats()
            Thread.onSpinWait();
        }
    }

    long reclaimedVolatile() {
        return (long) COUNTERS.getVolatile(counters, RECLAIMED); // volatile: pairs with getAndAdd in addReclaimed
    }

    long reclaimedBytesVolatile() {
        return (long) COUNTERS.getVolatile(counters, RECLAIMED_BYTES); // volatile: pairs with getAndAdd in addReclaimed
    }

    long peakPendingVolatile() {
        return (long) COUNTERS.getVolatile(counters, PEAK_PENDING); // volatile: pairs with the CAS in updatePeak
    }

    long failuresVolatile() {
        return (long) COUNTERS.getVolatile(counters, FAILURES); // volatile: pairs with getAndAdd in failed/runAll
    }

    // VarHandle mechanics
    private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(long[].class);
}
