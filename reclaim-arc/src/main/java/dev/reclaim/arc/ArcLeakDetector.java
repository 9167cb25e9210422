package dev.reclaim.arc;

import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Opt-in leak detection for {@link Arc} handles (off by default). A sampled handle records where it was created
 * and registers with a {@link Cleaner}; if it becomes unreachable without {@link Arc#close()}, the detector
 * reports an {@link ArcLeak} to the listener and releases the handle's reference, so the value is still
 * released. Unsampled handles cost one read of the sampling rate.
 *
 * <p>Enable with {@code -Dreclaim.arc.leakSampling=0.01} (1% of handles) or {@link #setSamplingRate(double)};
 * {@code 1.0} tracks every handle (tests). Reports go to {@link #LOG} (a warning through {@link System.Logger}
 * {@code dev.reclaim.arc}, with the creation site as the logged throwable) unless {@link #setListener} replaces it.
 * Only handles created after the rate is set are sampled.
 *
 * <p>Handles made with {@link Arc#of(Object, Releaser, dev.reclaim.realtime.RealtimeCollector)} are never
 * sampled: closing a sampled handle deregisters it from the {@code Cleaner}, which takes a lock, and such handles
 * are closed on realtime threads. Their leaks are reported by the collector instead: its
 * {@link dev.reclaim.realtime.RealtimeCollector#close(java.time.Duration) close report} counts every value
 * that was never released.
 */
public final class ArcLeakDetector {

    /** Sampling probability; read (plain volatile read) once per handle creation. */
    private static volatile double samplingRate = parseRate(System.getProperty("reclaim.arc.leakSampling"));
    /**
     * The default listener: one {@code WARNING} through {@link System.Logger} {@code dev.reclaim.arc}, whose
     * message is {@link ArcLeak#summary()} and whose throwable is {@link ArcLeak#allocationSite()} (the
     * creation site's frames).
     */
    public static final Consumer<ArcLeak> LOG = leak -> System.getLogger("dev.reclaim.arc")
            .log(System.Logger.Level.WARNING, leak.summary(), leak.allocationSite());

    private static volatile Consumer<ArcLeak> listener = LOG;
    private static final AtomicLong LEAKS = new AtomicLong();
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "reclaim-arc-leak-detector");
        t.setDaemon(true);
        return t;
    });

    private ArcLeakDetector() {
    }

    /**
     * Sets the fraction of new handles that are tracked.
     *
     * @param rate 0 (off, the default) to 1 (every handle)
     * @throws IllegalArgumentException when the rate is outside [0, 1]
     */
    public static void setSamplingRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("leak sampling rate must be in [0, 1], got " + rate
                    + "; use 0.01 to track 1% of Arc handles");
        }
        samplingRate = rate;
    }

    /**
     * The current sampling rate.
     *
     * @return the fraction of new handles tracked
     */
    public static double samplingRate() {
        return samplingRate;
    }

    /**
     * Replaces the listener that receives each leak (by default {@link #LOG}). The listener runs
     * on the detector's cleaner thread and must not throw (what it throws is ignored).
     *
     * @param leakListener the listener
     */
    public static void setListener(Consumer<ArcLeak> leakListener) {
        listener = Objects.requireNonNull(leakListener, "leak listener; pass a Consumer<ArcLeak>");
    }

    /**
     * How many leaked handles were found since the JVM started.
     *
     * @return the count
     */
    public static long leaksFound() {
        return LEAKS.get();
    }

    /** Whether a new handle is tracked: null when not sampled (the common, cheap path). */
    static Track maybeTrack(Object handle, Counted<?> inner) {
        double rate = samplingRate;
        if (rate <= 0 || (rate < 1 && ThreadLocalRandom.current().nextDouble() >= rate)) {
            return null;
        }
        if (inner.releasesOnCollector()) {
            return null; // a tracked close deregisters from the Cleaner under a lock: not on a realtime thread
        }
        Track t = new Track(inner, new Throwable("Arc handle created here"));
        t.cleanable = CLEANER.register(handle, t);
        return t;
    }

    private static double parseRate(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        try {
            double r = Double.parseDouble(s.trim());
            return r >= 0 && r <= 1 ? r : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The tracked state of one sampled handle: the handle's released flag lives here (not in the handle) so that
     * the cleaner action can read it without reaching the handle.
     */
    static final class Track extends AtomicLong implements Runnable {
        private static final long serialVersionUID = 1L;
        private final transient Counted<?> inner;
        private final transient Throwable site;
        transient Cleaner.Cleanable cleanable;

        Track(Counted<?> inner, Throwable site) {
            this.inner = inner;
            this.site = site;
        }

        /** Marks the handle released; false when it already was. */
        boolean markReleased() {
            return compareAndSet(0, 1); // volatile CAS: pairs with the cleaner's CAS in run()
        }

        boolean isReleased() {
            return get() != 0; // volatile read: pairs with markReleased
        }

        /** The handle was released properly: deregister (runs run(), which then does nothing). */
        void released() {
            cleanable.clean();
        }

        /** The cleaner action: the handle is unreachable; report and release if nobody did. */
        @Override
        public void run() {
            if (!markReleased()) {
                return;
            }
            LEAKS.incrementAndGet();
            try {
                listener.accept(new ArcLeak(inner.valueTypeName(), site));
            } catch (Throwable ignored) {
                // a listener must not throw; the value is released all the same
            }
            try {
                inner.decrement();
            } catch (Throwable releaseFailure) {
                try {
                    listener.accept(new ArcLeak(inner.valueTypeName() + " (its releaser threw: " + releaseFailure + ")", site));
                } catch (Throwable ignored) {
                    // as above
                }
            }
        }
    }
}
