package dev.reclaim.bench;

import java.util.Locale;

/**
 * Progress of a run made of steps of similar cost (bench configurations, torture cases): elapsed time and an
 * estimate of the time left, for the progress lines of {@code bench} and {@code torture}.
 *
 * <p>The estimate is the mean time per finished step times the steps left, capped by a deadline when the run
 * has one.
 */
public final class Progress {

    private final long startNanos;
    private final long deadlineNanos;

    /**
     * Starts the clock now.
     *
     * @param deadlineNanos the {@link System#nanoTime()} at which the run stops whatever is left, or
     *                      {@link Long#MAX_VALUE} for none
     */
    public Progress(long deadlineNanos) {
        this.startNanos = System.nanoTime();
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Elapsed time and the estimate, e.g. {@code "1m05s elapsed, ETA 2m10s"}.
     *
     * @param done  steps finished
     * @param total steps in the run
     * @return the text, without a newline
     */
    public String line(int done, int total) {
        long now = System.nanoTime();
        long elapsed = now - startNanos;
        long left;
        if (done <= 0) {
            left = -1;
        } else {
            left = Math.round((double) elapsed / done * Math.max(0, total - done));
        }
        if (deadlineNanos != Long.MAX_VALUE) {
            long toDeadline = Math.max(0, deadlineNanos - now);
            left = left < 0 ? toDeadline : Math.min(left, toDeadline);
        }
        return duration(elapsed) + " elapsed, ETA " + (left < 0 ? "?" : duration(left));
    }

    /**
     * Time since the clock started.
     *
     * @return nanoseconds
     */
    public long elapsedNanos() {
        return System.nanoTime() - startNanos;
    }

    /**
     * A duration for people: {@code 42s}, {@code 3m07s}, {@code 1h02m}.
     *
     * @param nanos the duration in nanoseconds
     * @return the text
     */
    public static String duration(long nanos) {
        long s = Math.round(nanos / 1e9);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }
}
