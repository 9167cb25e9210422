package dev.reclaim.epoch;

/**
 * The JFR gates of {@link EpochReclaimer}. Touching an event class (or EventType) starts JFR's machinery, about
 * 150 ms, so nothing of it is loaded unless the Flight Recorder is already initialized (a static volatile
 * read); then the event types are looked up once and their isEnabled() checks allocate nothing.
 *
 * <p>{@code jdk.jfr} is an optional dependency ({@code requires static}): a runtime image without it, or a
 * module-path application that did not resolve it, runs without events. {@link #JFR} is false then, and no
 * {@code jdk.jfr} class is ever resolved (HotSpot resolves classes lazily, at the first execution of the code
 * that names them). {@code -XX:StartFlightRecording} resolves {@code jdk.jfr} by itself; a module-path
 * application that starts recordings later (jcmd) adds {@code --add-modules jdk.jfr}.
 */
final class EpochJfr {
    /** Whether this module can read jdk.jfr (always on the class path, where the image has it). */
    private static final boolean JFR = ModuleLayer.boot().findModule("jdk.jfr")
            .map(EpochJfr.class.getModule()::canRead).orElse(false);

    private EpochJfr() {
    }

    static boolean reclaimEnabled() {
        return JFR && jdk.jfr.FlightRecorder.isInitialized() && Types.RECLAIM.isEnabled();
    }

    static boolean slowGuardEnabled() {
        return JFR && jdk.jfr.FlightRecorder.isInitialized() && Types.SLOW_GUARD.isEnabled();
    }

    private static final class Types {
        static final jdk.jfr.EventType RECLAIM = jdk.jfr.EventType.getEventType(ReclaimBatchEvent.class);
        static final jdk.jfr.EventType SLOW_GUARD = jdk.jfr.EventType.getEventType(SlowGuardEvent.class);
    }
}
