package dev.reclaim;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings every reclaimer's builder shares: a name, a failure handler, a close timeout and a slow-guard
 * threshold, and the checks
 * of the settings every builder makes. Each scheme's {@code Builder} extends it with its own tuning knobs and a
 * {@link #build()} that returns its own type.
 *
 * @param <B> the concrete builder, returned by every setter so that calls chain
 */
public abstract class ReclaimerBuilder<B extends ReclaimerBuilder<B>> {

    private String name;
    private FailureHandler failureHandler = FailureHandler.LOG;
    private Duration closeTimeout = Duration.ofSeconds(30);
    private Duration slowGuardThreshold = Duration.ofSeconds(1);

    /** For the schemes' builders. */
    protected ReclaimerBuilder() {
    }

    /**
     * The name for messages, statistics and JFR events (default: the scheme id and a number, e.g.
     * {@code "ebr-1"}).
     *
     * @param name the name
     * @return this builder
     */
    public B name(String name) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        return self();
    }

    /**
     * Where deleters that throw and abandoned guards are reported (default {@link FailureHandler#LOG}).
     *
     * @param handler the handler
     * @return this builder
     */
    public B failureHandler(FailureHandler handler) {
        this.failureHandler = Objects.requireNonNull(handler, "failure handler must not be null");
        return self();
    }

    /**
     * How long {@link Reclaimer#close()} waits for open guards before it fails naming the stuck thread
     * (default 30 s).
     *
     * @param timeout a non-negative duration
     * @return this builder
     */
    public B closeTimeout(Duration timeout) {
        this.closeTimeout = nonNegative(timeout, "closeTimeout");
        return self();
    }

    /**
     * How long a guard may hold back reclamation before a {@code dev.reclaim.SlowGuard} JFR event is emitted for
     * it (default 1 s; once per guard, only while a recording enables the event).
     *
     * @param threshold a non-negative duration
     * @return this builder
     */
    public B slowGuardThreshold(Duration threshold) {
        this.slowGuardThreshold = nonNegative(threshold, "slowGuardThreshold");
        return self();
    }

    /**
     * Creates the reclaimer.
     *
     * @return a new reclaimer; the caller owns it and must close it
     */
    public abstract Reclaimer build();

    /**
     * The name given to {@link #name(String)}.
     *
     * @return the name, or null when none was given (the scheme then generates one)
     */
    public final String configuredName() {
        return name;
    }

    /**
     * The failure handler.
     *
     * @return the handler given, or {@link FailureHandler#LOG}
     */
    public final FailureHandler configuredFailureHandler() {
        return failureHandler;
    }

    /**
     * The close timeout.
     *
     * @return the timeout given, or 30 s
     */
    public final Duration configuredCloseTimeout() {
        return closeTimeout;
    }

    /**
     * The slow-guard threshold.
     *
     * @return the threshold given, or 1 s
     */
    public final Duration configuredSlowGuardThreshold() {
        return slowGuardThreshold;
    }

    /**
     * Checks a duration setting: non-null and not negative.
     *
     * @param value the duration given
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws NullPointerException     if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is negative
     */
    protected static Duration nonNegative(Duration value, String what) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + value);
        }
        return value;
    }

    /**
     * Checks a count setting: at least 1.
     *
     * @param value the count given
     * @param what  the setting's name, for the message
     * @return {@code value}
     * @throws IllegalArgumentException if {@code value < 1}
     */
    protected static int atLeastOne(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, was " + value);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
