package dev.reclaim.collections;

/**
 * What a structure does after a failed compare-and-set on a contended word (a stack's head, a queue's tail or
 * head) before it tries again: contention management.
 *
 * <p>When two threads fight over one cache line, retrying at once keeps the line bouncing between their cores
 * and most attempts fail. Backing off lets the winner run a streak of operations on a line it owns while the
 * loser waits, so the pair completes more operations than either would retrying eagerly.
 * {@link #exponential(int, int)} waits {@code min} spin-wait hints after the first failure, twice as many after
 * each further failure up to {@code max}, and then yields the processor ({@link Thread#yield()}) after every
 * further failure, which also helps when there are more threads than cores. {@link #none()} retries at once.
 *
 * <p>A {@code Backoff} is immutable and shared by every operation of the structures it is given to; the state
 * of one operation's retries is an {@code int} the operation keeps in a local variable, so backing off
 * allocates nothing:
 * <pre>{@code
 * int state = backoff.start();
 * while (!tryOnce()) {
 *     state = backoff.pause(state);
 * }
 * }</pre>
 *
 * <h2>Choosing one</h2>
 * {@link #standard()} is the default of the structures that back off: the shape of libcds's exponential
 * back-off (a doubling spin, then yielding) with a lower maximum; {@code docs/performance.md} has the
 * measurements of it against {@link #none()} and other bounds. Use {@link #none()} when a
 * structure is never contended (one thread, or threads that touch it rarely): it saves the few instructions of
 * the bookkeeping on the retry path, nothing on the success path. Use a larger {@code max} when many more
 * threads than cores hammer one structure; a smaller one when latency matters more than throughput, since a
 * backing-off thread waits up to {@code max} hints (plus a yield) after losing a race.
 */
public final class Backoff {

    /*
     * Implementation notes
     *
     * State encoding. The state is the number of spin-wait hints the next failure waits: start() returns min;
     * pause(s) spins s hints and returns min(2s, max) ... until s == max, after which pause returns max + 1,
     * the yield stage: every later pause yields and returns max + 1 again. none() has min = max = 0: start()
     * returns 0 and pause(0) does nothing and returns 0, so the retry loop runs as if there were no back-off.
     *
     * Cost. pause() is final and small: the JIT inlines it into the retry loop with min and max loaded from the
     * final fields; the success path never calls it.
     */

    private static final Backoff NONE = new Backoff(0, 0);
    /** The default bounds; docs/performance.md has their measurements. */
    private static final Backoff STANDARD = new Backoff(16, 1024);
    /** The largest bound accepted: 2^20 hints is already milliseconds of spinning. */
    private static final int MAX_LIMIT = 1 << 20;

    private final int min;
    private final int max;

    private Backoff(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /**
     * No back-off: a failed attempt is retried at once.
     *
     * @return the shared instance
     */
    public static Backoff none() {
        return NONE;
    }

    /**
     * The default of the structures of this package: {@code exponential(16, 1024)}.
     *
     * @return the shared instance
     */
    public static Backoff standard() {
        return STANDARD;
    }

    /**
     * Bounded exponential back-off with a yield stage: the first failure waits {@code min} spin-wait hints
     * ({@link Thread#onSpinWait()}), each further failure twice as many as the previous one up to {@code max},
     * and every failure after a wait of {@code max} hints yields the processor ({@link Thread#yield()}).
     *
     * @param min the hints after the first failure; at least 1
     * @param max the most hints of one wait before the yield stage; at least {@code min}, at most 2^20
     * @return a back-off with these bounds
     * @throws IllegalArgumentException if the bounds are out of range
     */
    public static Backoff exponential(int min, int max) {
        if (min < 1 || max < min || max > MAX_LIMIT) {
            throw new IllegalArgumentException("exponential back-off needs 1 <= min <= max <= " + MAX_LIMIT
                    + ", got min=" + min + ", max=" + max + "; use Backoff.none() for no back-off");
        }
        return new Backoff(min, max);
    }

    /**
     * The state before the first failure of an operation.
     *
     * @return the state to pass to the first {@link #pause(int)}
     */
    public int start() {
        return min;
    }

    /**
     * Backs off after a failure: spins {@code state} hints, or yields once the spins have reached the maximum.
     *
     * @param state what {@link #start()} or the previous {@code pause} returned
     * @return the state for the next failure
     */
    public int pause(int state) {
        if (state > max) { // the yield stage (never for none(): its state stays 0 == max)
            Thread.yield();
            return state;
        }
        for (int i = 0; i < state; i++) {
            Thread.onSpinWait();
        }
        return state == max ? (max == 0 ? 0 : max + 1) : Math.min(state << 1, max);
    }

    /**
     * Whether {@code state} is the yield stage: every further {@link #pause(int)} yields.
     *
     * @param state a state of this back-off
     * @return {@code true} once the spins have reached the maximum
     */
    public boolean yielding(int state) {
        return state > max;
    }

    /**
     * Whether this is {@link #none()}.
     *
     * @return {@code true} if failures are retried at once
     */
    public boolean isNone() {
        return max == 0;
    }

    @Override
    public String toString() {
        return max == 0 ? "Backoff.none()" : "Backoff.exponential(" + min + ", " + max + ")";
    }
}
