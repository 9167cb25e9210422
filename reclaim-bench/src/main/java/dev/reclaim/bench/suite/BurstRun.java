package dev.reclaim.bench.suite;

import java.util.Properties;

/**
 * What one burst of a {@link BurstWorkload} measured.
 *
 * @param tasks              tasks run
 * @param seconds            wall time from the first submission until every task had finished
 * @param retired            objects retired by the tasks
 * @param reclaimedRunning   objects the reclaimer had freed when the last task finished (before anyone closed,
 *                           flushed or synchronized it): freed while running
 * @param retiredBeforeTail  objects retired when the first of the last {@code tailTasks} tasks started
 * @param tailTasks          the tail: the last 10,000 tasks, or the last tenth of a smaller burst
 * @param peakPending        the most objects retired and not yet freed at any sample, or the reclaimer's own peak
 * @param peakPendingBytes   the same in bytes
 * @param peakOpenGuards     the most guards open at once at any sample
 * @param peakHeapBytes      the most Java heap in use at any sample
 * @param heapBytesPerTask   Java heap allocated by the whole JVM during the burst, per task
 * @param seriesMs           sample times, ms since the first submission
 * @param seriesPending      pending objects at those times
 * @param seriesOpenGuards   open guards at those times (the slot-table figure the public stats offer)
 * @param seriesHeapMb       Java heap in use at those times, MiB
 * @param seriesSlots        the slot table's length at those times ({@code ReclaimerStats.guardSlots()})
 */
public record BurstRun(int tasks, double seconds, long retired, long reclaimedRunning, long retiredBeforeTail,
                       int tailTasks, long peakPending, long peakPendingBytes, long peakOpenGuards,
                       long peakHeapBytes, double heapBytesPerTask, long[] seriesMs, long[] seriesPending,
                       long[] seriesOpenGuards, long[] seriesHeapMb, long[] seriesSlots) {

    /**
     * The number of tasks at the end of a burst whose garbage the freed-while-running figure does not expect to
     * be freed yet: 10,000, or a tenth of a burst smaller than 100,000 tasks.
     *
     * @param tasks tasks in the burst
     * @return the tail length, at least 1 and less than {@code tasks} when {@code tasks > 1}
     */
    public static int tailOf(int tasks) {
        return Math.max(1, Math.min(10_000, tasks / 10));
    }

    /**
     * Freed while running as a percentage of what was retired before the tail started, capped at 100 (the
     * raw counts are {@link #reclaimedRunning()} and {@link #retiredBeforeTail()}).
     *
     * @return the percentage, or NaN when nothing was retired before the tail
     */
    public double freedPercent() {
        return retiredBeforeTail == 0 ? Double.NaN
                : 100.0 * Math.min(reclaimedRunning, retiredBeforeTail) / retiredBeforeTail;
    }

    /**
     * Writes this run's figures (not its series) into a fork's result properties, keys suffixed with the run.
     *
     * @param run the run index
     * @param p   the properties
     */
    void store(int run, Properties p) {
        p.setProperty("burst.tasks." + run, Integer.toString(tasks));
        p.setProperty("burst.seconds." + run, Double.toString(seconds));
        p.setProperty("burst.retired." + run, Long.toString(retired));
        p.setProperty("burst.reclaimed_running." + run, Long.toString(reclaimedRunning));
        p.setProperty("burst.retired_before_tail." + run, Long.toString(retiredBeforeTail));
        p.setProperty("burst.tail." + run, Integer.toString(tailTasks));
        p.setProperty("burst.peak_pending." + run, Long.toString(peakPending));
        p.setProperty("burst.peak_pending_bytes." + run, Long.toString(peakPendingBytes));
        p.setProperty("burst.peak_open_guards." + run, Long.toString(peakOpenGuards));
        p.setProperty("burst.peak_heap_bytes." + run, Long.toString(peakHeapBytes));
        p.setProperty("burst.heap_bytes_per_task." + run, Double.toString(heapBytesPerTask));
    }

    /**
     * Reads what {@link #store} wrote, without the series.
     *
     * @param run the run index
     * @param p   the properties
     * @return the run, or null when the properties hold no burst run {@code run}
     */
    static BurstRun load(int run, Properties p) {
        if (p.getProperty("burst.tasks." + run) == null) {
            return null;
        }
        return new BurstRun(Integer.parseInt(p.getProperty("burst.tasks." + run)),
                Double.parseDouble(p.getProperty("burst.seconds." + run)),
                Long.parseLong(p.getProperty("burst.retired." + run)),
                Long.parseLong(p.getProperty("burst.reclaimed_running." + run)),
                Long.parseLong(p.getProperty("burst.retired_before_tail." + run)),
                Integer.parseInt(p.getProperty("burst.tail." + run)),
                Long.parseLong(p.getProperty("burst.peak_pending." + run)),
                Long.parseLong(p.getProperty("burst.peak_pending_bytes." + run)),
                Long.parseLong(p.getProperty("burst.peak_open_guards." + run)),
                Long.parseLong(p.getProperty("burst.peak_heap_bytes." + run)),
                Double.parseDouble(p.getProperty("burst.heap_bytes_per_task." + run)),
                new long[0], new long[0], new long[0], new long[0], new long[0]);
    }
}
