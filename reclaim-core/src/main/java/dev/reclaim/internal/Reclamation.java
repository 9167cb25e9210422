package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;


/**
 * The reclaiming side every scheme shares: runs retired entries (one {@link Deleter#deleteAll} per run of
 * consecutive entries with the same deleter, so the slab allocator pays its open check and thread-cache lookup
 * once per run), counts what was reclaimed and what failed, and reports failures to the reclaimer's
 * {@link FailureHandler}. Its counters are written on every reclamation step, while the table that owns it is
 * read by every enter, so they are {@link PaddedCounters}.
 *
 * <p>An entry is a pair {@code (pointer, action)}: a non-zero pointer with its {@link Deleter}, or pointer 0
 * with a {@link Runnable} (a deferred action).
 */
public final class Reclamation {
    /** Deleters and actions run. */
    private static final int RECLAIMED = 0;
    /** Bytes of the pointers reclaimed. */
    private static final int RECLAIMED_BYTES = 1;
    /** Largest pending count seen at a reclamation step. */
    private static final int PEAK_PENDING = 2;
    /** Deleters that threw plus abandoned guards. */
    private static final int FAILURES = 3;

    /** The counters at the indices above. */
    private final PaddedCounters counters = new PaddedCounters(4);
    private final String name;
    private final String scheme;
    private final FailureHandler handler;
    /** The JFR gates of the events every scheme shares. */
    private static final Jfr BATCH_EVENT = new Jfr(Reclamation.class, () -> ReclaimBatchEvent.class);
    private static final Jfr SLOW_GUARD_EVENT = new Jfr(Reclamation.class, () -> SlowGuardEvent.class);

    /**
     * Creates the reclaiming side of a reclaimer.
     *
     * @param name    the reclaimer's name (in every report)
     * @param scheme  the scheme's id (in JFR events)
     * @param handler where failures go
     */
    public Reclamation(String name, String scheme, FailureHandler handler) {
        this.name = name;
        this.scheme = scheme;
        this.handler = handler;
    }

    /**
     * Runs a batch whose grace period ended ({@link #runAll}), counts it as reclaimed ({@link #addReclaimed})
     * and, while a recording enables it, records a {@code dev.reclaim.Reclaim} JFR event timing the deleters.
     *
     * @param pointers the pointers (0 for a deferred action)
     * @param actions  their deleters, or the deferred {@link Runnable}s
     * @param n        how many entries
     * @param bytes    their bytes
     * @param epoch    the epoch or era the batch ran at, -1 for schemes without one
     * @param kept     entries the scan kept (still protected)
     * @param trim     whether a {@link CachingDeleter} trims the calling thread's cache after its run (EBR's
     *                 bag runs; see {@link CachingDeleter})
     */
    public void runBatch(long[] pointers, Object[] actions, int n, long bytes, long epoch, int kept, boolean trim) {
        ReclaimBatchEvent ev = null;
        if (BATCH_EVENT.enabled()) {
            ev = new ReclaimBatchEvent();
            ev.begin();
        }
        runAll(pointers, actions, n, trim);
        addReclaimed(n, bytes);
        if (ev != null) {
            ev.end();
            if (ev.shouldCommit()) { // the threshold and the throttle decide
                ev.reclaimer = name;
                ev.scheme = scheme;
                ev.epoch = epoch;
                ev.count = n;
                ev.bytes = bytes;
                ev.kept = kept;
                ev.commit();
            }
        }
    }

    /**
     * Whether a recording wants {@code dev.reclaim.SlowGuard} events: the scheme looks for slow guards only
     * then. Allocation-free.
     *
     * @return whether to look
     */
    public boolean slowGuardEnabled() {
        return SLOW_GUARD_EVENT.enabled();
    }

    /**
     * Records a {@code dev.reclaim.SlowGuard} JFR event (the caller checked {@link #slowGuardEnabled()} and
     * its threshold, and reports each guard once).
     *
     * @param holder the thread that opened the guard, or null when unknown
     * @param age    how long it has held reclamation back, at least
     * @param epoch  the epoch or era it reserved, -1 for schemes without one
     */
    public void slowGuard(Thread holder, long age, long epoch) {
        SlowGuardEvent ev = new SlowGuardEvent();
        if (ev.shouldCommit()) {
            ev.reclaimer = name;
            ev.scheme = scheme;
            ev.thread = holder == null ? "unknown" : holder.getName();
            ev.age = age;
            ev.epoch = epoch;
            ev.commit();
        }
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
     * @param trim     for a run whose deleter is a {@link CachingDeleter}, free it with
     *                 {@link CachingDeleter#deleteAllAndTrim} instead of {@link Deleter#deleteAll}
     */
    public void runAll(long[] pointers, Object[] actions, int n, boolean trim) {
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
                    if (trim && a instanceof CachingDeleter c) {
                        c.deleteAllAndTrim(pointers, i, end);
                    } else {
                        ((Deleter) a).deleteAll(pointers, i, end);
                    }
                } catch (Throwable e) {
                    int count = 1 + e.getSuppressed().length;
                    counters.add(FAILURES, count);
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
        counters.add(FAILURES, 1);
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
        counters.add(RECLAIMED, count);
        if (bytes != 0) {
            counters.add(RECLAIMED_BYTES, bytes);
        }
    }

    /**
     * Raises the peak pending count to at least {@code pending}.
     *
     * @param pending the pending count now
     */
    public void updatePeak(long pending) {
        counters.raise(PEAK_PENDING, pending);
    }

    long reclaimedVolatile() {
        return counters.get(RECLAIMED);
    }

    long reclaimedBytesVolatile() {
        return counters.get(RECLAIMED_BYTES);
    }

    long peakPendingVolatile() {
        return counters.get(PEAK_PENDING);
    }

    long failuresVolatile() {
        return counters.get(FAILURES);
    }
}
