package dev.reclaim.epoch;

/**
 * The JFR gates of {@link EpochReclaimer}. Touching an event class (or EventType) starts JFR's machinery, about
 * 150 ms, so nothing of it is loaded unless the Flight Recorder is already initialized (a static volatile
 * read); then the event types are looked up once and their isEnabled() checks allocate nothing.
 */
final class EpochJfr {
    private EpochJfr() {
    }

    static boolean reclaimEnabled() {
        return jdk.jfr.FlightRecorder.isInitialized() && Types.RECLAIM.isEnabled();
    }

    static boolean slowGuardEnabled() {
        return jdk.jfr.FlightRecorder.isInitialized() && Types.SLOW_GUARD.isEnabled();
    }

    private static final class Types {
        static final jdk.jfr.EventType RECLAIM = jdk.jfr.EventType.getEventType(ReclaimBatchEvent.class);
        static final jdk.jfr.EventType SLOW_GUARD = jdk.jfr.EventType.getEventType(SlowGuardEvent.class);
    }
}
