package dev.reclaim.bench.suite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * What the fork of one {@link Config} measured, as read back by the parent.
 *
 * @param config           the configuration
 * @param status           {@code ok}, or what went wrong
 * @param opsPerSec        throughput of each measured run (operations per second, all threads)
 * @param allocBytesPerOp  Java heap bytes allocated by the worker threads per operation, per run
 * @param peakPending      largest pending-garbage count seen in each run (0 for baselines)
 * @param peakPendingBytes largest pending bytes seen in each run
 * @param hasReclaimer     whether the configuration used a reclamation scheme (pending figures are meaningful)
 * @param seriesMs         sample times of the last run's pending series, ms since the run started
 * @param seriesPending    pending garbage at those times
 * @param latencyCurve     pairs (percentile, nanoseconds) of the sampled per-operation latency, all runs merged
 * @param rssKb            peak resident set size of the fork (VmHWM), KiB, or -1
 * @param jvmArgs          the fork's JVM arguments
 * @param seconds          wall time of the fork
 * @param bursts           the figures of each measured burst of a {@link BurstWorkload} (without series), empty
 *                         for the other workloads
 * @param seriesOpenGuards open guards at the times of {@code seriesMs} (burst workloads only, else empty)
 * @param seriesHeapMb     Java heap in use at those times, MiB (burst workloads only, else empty)
 * @param seriesSlots      the slot table's length at those times (burst workloads only, else empty)
 * @param conditions       the load average and steal time around the fork
 */
public record Result(Config config, String status, double[] opsPerSec, double[] allocBytesPerOp, long[] peakPending,
                     long[] peakPendingBytes, boolean hasReclaimer, long[] seriesMs, long[] seriesPending,
                     double[][] latencyCurve, long rssKb, String jvmArgs, double seconds, List<BurstRun> bursts,
                     long[] seriesOpenGuards, long[] seriesHeapMb, long[] seriesSlots, Conditions conditions) {

    /** The spread (fastest run / slowest run) above which the report warns that the figures are noise. */
    static final double NOISY_SPREAD = 1.5;

    /**
     * The percentiles stored in {@link #latencyCurve()}: 50 and 100 (1 - 10^(-k/4)) for k = 0..18 (up to
     * 99.997), in increasing order; the maximum follows as 100.
     */
    static double[] curvePercentiles() {
        double[] q = new double[20];
        for (int k = 0; k < 19; k++) {
            q[k] = 100 * (1 - Math.pow(10, -k / 4.0));
        }
        q[19] = 50;
        Arrays.sort(q);
        return q;
    }

    /**
     * Whether the fork finished and every check passed.
     *
     * @return {@code true} when {@link #status()} is {@code ok}
     */
    public boolean ok() {
        return "ok".equals(status);
    }

    /**
     * Median of the runs' throughput.
     *
     * @return ops/s, or NaN when there is no run
     */
    public double opsMedian() {
        return median(opsPerSec);
    }

    /**
     * Smallest run throughput.
     *
     * @return ops/s, or NaN
     */
    public double opsMin() {
        return Arrays.stream(opsPerSec).min().orElse(Double.NaN);
    }

    /**
     * Largest run throughput.
     *
     * @return ops/s, or NaN
     */
    public double opsMax() {
        return Arrays.stream(opsPerSec).max().orElse(Double.NaN);
    }

    /**
     * How far apart the runs are: the fastest run's throughput over the slowest's.
     *
     * @return at least 1, or NaN with fewer than two runs or a run of zero throughput
     */
    public double spread() {
        double lo = opsMin();
        return opsPerSec.length < 2 || !(lo > 0) ? Double.NaN : opsMax() / lo;
    }

    /**
     * Whether the runs of this configuration are more than {@link #NOISY_SPREAD} apart.
     *
     * @return {@code true} when {@link #spread()} exceeds 1.5
     */
    public boolean noisy() {
        return spread() > NOISY_SPREAD;
    }

    /**
     * This result with the conditions its fork ran under.
     *
     * @param c the conditions
     * @return a copy with {@code c}
     */
    Result withConditions(Conditions c) {
        return new Result(config, status, opsPerSec, allocBytesPerOp, peakPending, peakPendingBytes, hasReclaimer,
                seriesMs, seriesPending, latencyCurve, rssKb, jvmArgs, seconds, bursts, seriesOpenGuards, seriesHeapMb,
                seriesSlots, c);
    }

    /**
     * Median heap bytes per operation.
     *
     * @return bytes, or NaN
     */
    public double allocMedian() {
        return median(allocBytesPerOp);
    }

    /**
     * Largest pending garbage over all runs.
     *
     * @return the count, 0 when none or no reclaimer
     */
    public long peakPendingMax() {
        return Arrays.stream(peakPending).max().orElse(0);
    }

    /**
     * Largest pending bytes over all runs.
     *
     * @return bytes
     */
    public long peakPendingBytesMax() {
        return Arrays.stream(peakPendingBytes).max().orElse(0);
    }

    /**
     * The latency at a percentile of the stored curve.
     *
     * @param percentile e.g. 99.0; must be one of the curve's points or 100 for the maximum
     * @return nanoseconds, or -1 when there are no samples
     */
    public long latencyAt(double percentile) {
        for (double[] pt : latencyCurve) {
            if (Math.abs(pt[0] - percentile) < 1e-9) {
                return (long) pt[1];
            }
        }
        return -1;
    }

    /**
     * Median over the measured bursts of freed-while-running as a percentage of what was retired before the tail
     * started ({@link BurstRun#freedPercent()}).
     *
     * @return the percentage, or NaN for a workload that is not a burst
     */
    public double freedPercentMedian() {
        return median(bursts.stream().mapToDouble(BurstRun::freedPercent).filter(d -> !Double.isNaN(d)).toArray());
    }

    /**
     * The largest number of guards open at once in any measured burst.
     *
     * @return the count, 0 for a workload that is not a burst
     */
    public long peakOpenGuardsMax() {
        return bursts.stream().mapToLong(BurstRun::peakOpenGuards).max().orElse(0);
    }

    static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /**
     * Reads a fork's properties file contents.
     *
     * @param c       the configuration
     * @param p       the properties written by {@link ForkMain}
     * @param seconds wall time of the fork
     * @return the result
     */
    static Result from(Config c, Properties p, double seconds) {
        List<Double> ops = new ArrayList<>();
        List<Double> alloc = new ArrayList<>();
        List<Long> peak = new ArrayList<>();
        List<Long> peakBytes = new ArrayList<>();
        for (int r = 0; p.getProperty("ops_per_sec." + r) != null; r++) {
            ops.add(Double.parseDouble(p.getProperty("ops_per_sec." + r)));
            alloc.add(Double.parseDouble(p.getProperty("alloc_bytes_per_op." + r)));
            peak.add(Long.parseLong(p.getProperty("peak_pending." + r)));
            peakBytes.add(Long.parseLong(p.getProperty("peak_pending_bytes." + r)));
        }
        List<BurstRun> bursts = new ArrayList<>();
        for (int r = 0; BurstRun.load(r, p) != null; r++) {
            bursts.add(BurstRun.load(r, p));
        }
        List<double[]> curve = new ArrayList<>();
        String lc = p.getProperty("lat_curve", "");
        for (String pair : lc.split(",")) {
            int colon = pair.indexOf(':');
            if (colon > 0) {
                curve.add(new double[] {Double.parseDouble(pair.substring(0, colon)),
                        Double.parseDouble(pair.substring(colon + 1))});
            }
        }
        return new Result(c, p.getProperty("status", "error: fork wrote no status"),
                ops.stream().mapToDouble(Double::doubleValue).toArray(),
                alloc.stream().mapToDouble(Double::doubleValue).toArray(),
                peak.stream().mapToLong(Long::longValue).toArray(),
                peakBytes.stream().mapToLong(Long::longValue).toArray(),
                Boolean.parseBoolean(p.getProperty("has_reclaimer", "false")),
                longs(p.getProperty("series_ms", "")), longs(p.getProperty("series_pending", "")),
                curve.toArray(double[][]::new),
                Long.parseLong(p.getProperty("rss_hwm_kb", "-1")), p.getProperty("jvm_args", ""), seconds, bursts,
                longs(p.getProperty("series_open_guards", "")), longs(p.getProperty("series_heap_mb", "")),
                longs(p.getProperty("series_slots", "")), Conditions.UNKNOWN);
    }

    /**
     * A result for a fork that did not produce a file.
     *
     * @param c       the configuration
     * @param status  what went wrong
     * @param seconds wall time
     * @return an empty failed result
     */
    static Result failed(Config c, String status, double seconds) {
        return new Result(c, status, new double[0], new double[0], new long[0], new long[0],
                Workloads.isScheme(c.scheme()), new long[0], new long[0], new double[0][], -1, "", seconds, List.of(),
                new long[0], new long[0], new long[0], Conditions.UNKNOWN);
    }

    private static long[] longs(String csv) {
        if (csv.isBlank()) {
            return new long[0];
        }
        return Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
    }
}
