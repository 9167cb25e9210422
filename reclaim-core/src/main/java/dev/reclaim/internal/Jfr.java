package dev.reclaim.internal;

import java.util.function.Supplier;

/**
 * The gate in front of every JFR event of the library: {@code if (GATE.enabled()) { new XxxEvent() ... }}.
 * When no recording runs it costs a static final read and a static volatile read (the Flight Recorder's
 * initialized flag), and allocates nothing; the event class is touched only while a recording enables it.
 *
 * <p>Why the indirection: touching an event class (or {@code EventType}) starts JFR's machinery, about 150 ms,
 * so nothing of it is loaded unless the Flight Recorder is already initialized; then the event type is looked
 * up once per gate and {@code EventType.isEnabled()} allocates nothing. {@code jdk.jfr} is an optional
 * dependency ({@code requires static}): a runtime image without it, or a module-path application that did not
 * resolve it, runs without events. No {@code jdk.jfr} class is resolved then (HotSpot resolves classes lazily,
 * at the first execution of the code that names them), which is why each event is built and committed inside
 * the {@code enabled()} branch of the class that emits it. {@code -XX:StartFlightRecording} resolves
 * {@code jdk.jfr} by itself; a module-path application that starts recordings later (jcmd) adds
 * {@code --add-modules jdk.jfr}.
 *
 * <p>Defaults every event of the library follows: per-operation events carry a {@code @Threshold} (only slow
 * ones are recorded) and a {@code @Throttle}; stack traces only where they name the caller that matters (a
 * failed allocation, a slow writer), not on work done on behalf of others (a batch of deleters).
 */
public final class Jfr {
    /** The jdk.jfr module when the boot layer has it. */
    private static final Module JFR_MODULE = ModuleLayer.boot().findModule("jdk.jfr").orElse(null);

    private final boolean readable;
    private final Supplier<Class<?>> eventClass;
    /**
     * The jdk.jfr.EventType, typed Object so that this field names no jdk.jfr class; looked up on first use
     * while recording. Volatile: publishes the looked-up type to other threads (a race looks it up twice).
     */
    private volatile Object type;

    /**
     * A gate for one event class.
     *
     * @param emitter    the class that emits the event (its module must read jdk.jfr: {@code requires static})
     * @param eventClass supplies the event class, e.g. {@code () -> ReclaimBatchEvent.class}; called only while
     *                   the Flight Recorder is initialized
     */
    public Jfr(Class<?> emitter, Supplier<Class<?>> eventClass) {
        // On the class path every module reads jdk.jfr; a named module reads it when it was resolved.
        this.readable = JFR_MODULE != null && emitter.getModule().canRead(JFR_MODULE);
        this.eventClass = eventClass;
    }

    /**
     * Whether a recording has this gate's event enabled. Allocation-free; false without jdk.jfr.
     *
     * @return whether to build the event
     */
    public boolean enabled() {
        return readable && jdk.jfr.FlightRecorder.isInitialized() && isEnabled();
    }

    private boolean isEnabled() {
        Object t = type; // volatile: pairs with the store below
        if (t == null) {
            t = jdk.jfr.EventType.getEventType(eventClass.get().asSubclass(jdk.jfr.Event.class));
            type = t; // volatile: publishes the type (a racing thread stores an equal one)
        }
        return ((jdk.jfr.EventType) t).isEnabled();
    }
}
