package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;

import java.util.List;

/**
 * One benchmark workload of {@code ./reclaim bench}: a data structure or usage pattern that every reclamation
 * scheme (and the workload's own JDK baselines) is measured on.
 *
 * <p>The harness calls {@link #open(String, Params)} once per measured (or warm-up) run, in a JVM forked for
 * one configuration, asks the trial for one {@link Worker} per thread, calls {@link Worker#run(int)} in a loop
 * until the run's time is up, then closes the trial. To add a workload, implement this interface and add an
 * instance to {@link Workloads#ALL}; nothing else in the harness names workloads.
 */
public interface Workload {

    /**
     * The workload id used on the command line and in reports, e.g. {@code "birdcage"}.
     *
     * @return a lower-case id without commas or spaces
     */
    String id();

    /**
     * One sentence saying what one operation is, for the report.
     *
     * @return the description
     */
    String description();

    /**
     * The ids of this workload's baselines that are not reclamation schemes (JDK or peer structures), e.g.
     * {@code "jdk-clq-deque"}. Every {@link dev.reclaim.Scheme} is run as well.
     *
     * @return the baseline ids, possibly empty
     */
    List<String> baselines();

    /**
     * The reclamation schemes this workload runs its own structure with: every {@link dev.reclaim.Scheme} by
     * default. A workload whose structure is not available (yet) returns an empty list and runs only its
     * {@link #baselines()}.
     *
     * @return scheme ids, a subset of {@link Workloads#schemeIds()}
     */
    default List<String> schemeIds() {
        return Workloads.schemeIds();
    }

    /**
     * The key range used when {@code --key-range} is not given (slots, prefill size, ...).
     *
     * @return the default key range, at least 1
     */
    default int defaultKeyRange() {
        return 1024;
    }

    /**
     * The fraction of operations that modify the structure when {@code --update-ratio} is not given, or a
     * negative number when the workload has no such knob (every operation is an update).
     *
     * @return the default update ratio in [0, 1], or -1
     */
    default double defaultUpdateRatio() {
        return -1;
    }

    /**
     * Whether the report draws a latency percentile plot for this workload (latencies are sampled for every
     * workload; this only chooses the charts).
     *
     * @return {@code true} when per-operation latency is what users of this workload care about
     */
    default boolean latencyChart() {
        return false;
    }

    /**
     * Creates a fresh instance of the structure for one run.
     *
     * @param scheme a {@link dev.reclaim.Scheme} id or one of {@link #baselines()}
     * @param params the run's parameters
     * @return the trial; the harness closes it after the run
     */
    Trial open(String scheme, Params params);

    /**
     * The parameters of one run.
     *
     * @param threads     worker threads
     * @param keyRange    key range (meaning defined by the workload)
     * @param updateRatio fraction of updates in [0, 1] (ignored by workloads without the knob)
     * @param sanitize    whether allocators run in sanitizer mode
     * @param seed        seed of the workers' random choices
     */
    record Params(int threads, int keyRange, double updateRatio, boolean sanitize, long seed) {
    }

    /** One instance of the structure under test, shared by the run's worker threads. */
    interface Trial extends AutoCloseable {

        /**
         * The worker for thread {@code index}; called once per thread, on that thread, before the run starts.
         *
         * @param index 0 .. threads-1
         * @return the worker
         */
        Worker worker(int index);

        /**
         * The reclaimer the structure retires to (sampled for pending garbage, used for the stalled reader),
         * or null for baselines that have none.
         *
         * @return the reclaimer or null
         */
        Reclaimer reclaimer();

        /**
         * Frees the structure, closes its reclaimer and allocator, and checks the workload's invariants.
         *
         * @throws IllegalStateException if an invariant was violated (the configuration is reported failed)
         */
        @Override
        void close();
    }

    /** The per-thread loop body. */
    @FunctionalInterface
    interface Worker {

        /**
         * Performs {@code ops} operations. Must allocate nothing on the Java heap unless the structure itself
         * does (the harness reports heap bytes per operation).
         *
         * @param ops how many operations, at least 1
         */
        void run(int ops);
    }
}
