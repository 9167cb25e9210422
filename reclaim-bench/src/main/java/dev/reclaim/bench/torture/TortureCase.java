package dev.reclaim.bench.torture;

/**
 * One case of {@code ./reclaim torture}: a self-checking concurrent run that either returns a one-line summary
 * of what it did or throws with what went wrong. Cases create and close everything they use (allocator,
 * reclaimer, structure), so a failure in one cannot leak into the next.
 */
interface TortureCase {

    /**
     * The case's name, e.g. {@code churn treiber/hp}: what the summary line and a reproduction name.
     *
     * @return the name
     */
    String name();

    /**
     * Runs the case once.
     *
     * @param seed    the seed of every random choice in the run (printed with a failure to reproduce it)
     * @param threads the number of worker threads
     * @return a one-line summary (operations run, figures checked)
     * @throws Exception with a message naming the violated property when the run fails
     */
    String run(long seed, int threads) throws Exception;
}
