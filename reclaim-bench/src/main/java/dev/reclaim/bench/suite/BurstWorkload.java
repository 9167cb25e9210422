package dev.reclaim.bench.suite;

/**
 * A workload measured as a burst of a fixed number of short tasks instead of per-thread loops of a fixed
 * duration: {@code vthreads}, one virtual thread per task. The harness runs it with {@link #burst} (one warm-up
 * burst, then {@code --runs} measured bursts, each on a fresh reclaimer) instead of {@link #open}; the thread
 * count of its configurations is the number of carrier threads of the virtual-thread scheduler.
 */
public interface BurstWorkload extends Workload {

    /**
     * The number of tasks per burst when {@code --tasks} is not given.
     *
     * @param quick whether the suite runs with {@code --quick}
     * @return tasks, at least 1
     */
    int defaultTasks(boolean quick);

    /**
     * Runs one burst and measures it.
     *
     * @param scheme a {@link dev.reclaim.Scheme} id or one of {@link #baselines()}
     * @param params the run's parameters ({@code threads}: carrier threads, already applied to the fork's
     *               virtual-thread scheduler)
     * @param tasks  tasks in the burst
     * @return what the burst measured
     * @throws Exception if a check failed (the configuration is then reported failed)
     */
    BurstRun burst(String scheme, Params params, int tasks) throws Exception;

    /**
     * Not used: the harness measures a burst workload with {@link #burst}.
     *
     * @param scheme ignored
     * @param params ignored
     * @return never
     * @throws UnsupportedOperationException always
     */
    @Override
    default Trial open(String scheme, Params params) {
        throw new UnsupportedOperationException(id() + " runs as a burst of tasks: call burst(scheme, params, tasks)");
    }
}
