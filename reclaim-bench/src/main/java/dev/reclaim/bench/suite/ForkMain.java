package dev.reclaim.bench.suite;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main class of a forked benchmark JVM: runs one {@link Config} (a warm-up run, then the measured runs,
 * each on a fresh {@link Workload.Trial}) and writes the measurements as a properties file.
 *
 * <p>Usage: {@code java ... dev.reclaim.bench.suite.ForkMain RESULT_FILE key=value...}. Exit code 0 when every
 * run passed its checks, 1 otherwise (the file then has {@code status} set to the error).
 */
public final class ForkMain {

    /** Operations per loop iteration; the first one of each is timed for the latency histogram. */
    static final int BATCH = 32;
    /** Largest latency the histograms record (longer ones are clamped): one minute. */
    static final long MAX_LATENCY_NS = 60_000_000_000L;
    /** The argument prefix naming the bench JVM's pid: the fork exits when that process is gone. */
    static final String PARENT_ARG = "parent=";
    /** The exit code of a fork that stopped because its bench JVM was gone. */
    static final int ORPHANED = 3;

    private ForkMain() {
    }

    /**
     * Runs one configuration.
     *
     * @param args the result file, then the configuration as {@code key=value} arguments
     */
    public static void main(String[] args) {
        watchParent(Arrays.asList(args));
        Path out = Path.of(args[0]);
        Config c = Config.fromArgs(Arrays.asList(args).subList(1, args.length));
        Properties p = new Properties();
        int exit = 0;
        try {
            measure(c, p);
            p.setProperty("status", "ok");
        } catch (Throwable t) {
            p.setProperty("status", "error: " + t);
            t.printStackTrace();
            exit = 1;
        }
        p.setProperty("rss_hwm_kb", Long.toString(peakRssKb()));
        p.setProperty("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        try (OutputStream o = Files.newOutputStream(out)) {
            p.store(o, c.name());
        } catch (IOException e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit);
    }

    /**
     * Halts this JVM as soon as the bench JVM named by the {@code parent=PID} argument is gone (at once when it
     * is already gone, or was replaced by another process with the same pid): a fork never keeps running
     * re-parented to init after its bench was killed without running its shutdown hook. Without the argument
     * (a fork started by hand) nothing is watched.
     */
    static void watchParent(List<String> args) {
        for (String a : args) {
            if (a.startsWith(PARENT_ARG)) {
                long pid = Long.parseLong(a.substring(PARENT_ARG.length()));
                Optional<ProcessHandle> parent = ProcessHandle.current().parent().filter(h -> h.pid() == pid);
                if (parent.isEmpty()) {
                    orphaned(pid);
                }
                parent.get().onExit().thenRun(() -> orphaned(pid));
            }
        }
    }

    private static void orphaned(long pid) {
        System.err.println("reclaim bench fork: the bench process " + pid + " is gone; this fork stops");
        Runtime.getRuntime().halt(ORPHANED);
    }

    static void measure(Config c, Properties p) throws Exception {
        Workload w = Workloads.byId(c.workload());
        Workload.Params params = new Workload.Params(c.threads(), c.keyRange(), c.updateRatio(), c.sanitize(), c.seed());
        if (w instanceof BurstWorkload b) {
            measureBurst(b, c, params, p);
            return;
        }
        Histogram latency = new Histogram(MAX_LATENCY_NS, 2);
        if (c.warmupMs() > 0) {
            runOnce(w, c, params, c.warmupMs(), new Histogram(MAX_LATENCY_NS, 2));
        }
        for (int r = 0; r < c.runs(); r++) {
            RunResult rr = runOnce(w, c, params, c.durationMs(), latency);
            p.setProperty("ops_per_sec." + r, Double.toString(rr.opsPerSec));
            p.setProperty("alloc_bytes_per_op." + r, Double.toString(rr.allocPerOp));
            p.setProperty("peak_pending." + r, Long.toString(rr.peakPending));
            p.setProperty("peak_pending_bytes." + r, Long.toString(rr.peakPendingBytes));
            if (r == c.runs() - 1) {
                p.setProperty("series_ms", join(rr.seriesMs));
                p.setProperty("series_pending", join(rr.seriesPending));
            }
        }
        p.setProperty("has_reclaimer", Boolean.toString(Workloads.isScheme(c.scheme())));
        p.setProperty("lat_count", Long.toString(latency.getTotalCount()));
        StringBuilder curve = new StringBuilder();
        if (latency.getTotalCount() > 0) {
            for (double q : Result.curvePercentiles()) {
                curve.append(q).append(':').append(latency.getValueAtPercentile(q)).append(',');
            }
            curve.append(100.0).append(':').append(latency.getMaxValue());
        }
        p.setProperty("lat_curve", curve.toString());
    }

    /**
     * A burst workload: a warm-up burst of at most 10,000 tasks (when there is a warm-up), then {@code runs}
     * measured bursts of {@code tasks} tasks, each on a fresh reclaimer. Throughput is tasks per second; heap per
     * operation is the whole JVM's allocation per task; the series are the last burst's.
     */
    static void measureBurst(BurstWorkload b, Config c, Workload.Params params, Properties p) throws Exception {
        if (c.warmupMs() > 0) {
            b.burst(c.scheme(), params, Math.min(c.tasks(), 10_000));
        }
        for (int r = 0; r < c.runs(); r++) {
            BurstRun br = b.burst(c.scheme(), params, c.tasks());
            p.setProperty("ops_per_sec." + r, Double.toString(br.tasks() / br.seconds()));
            p.setProperty("alloc_bytes_per_op." + r, Double.toString(br.heapBytesPerTask()));
            p.setProperty("peak_pending." + r, Long.toString(br.peakPending()));
            p.setProperty("peak_pending_bytes." + r, Long.toString(br.peakPendingBytes()));
            br.store(r, p);
            if (r == c.runs() - 1) {
                p.setProperty("series_ms", join(br.seriesMs()));
                p.setProperty("series_pending", join(br.seriesPending()));
                p.setProperty("series_open_guards", join(br.seriesOpenGuards()));
                p.setProperty("series_heap_mb", join(br.seriesHeapMb()));
                p.setProperty("series_slots", join(br.seriesSlots()));
            }
        }
        p.setProperty("has_reclaimer", Boolean.toString(Workloads.isScheme(c.scheme())));
        p.setProperty("lat_count", "0");
        p.setProperty("lat_curve", "");
    }

    record RunResult(double opsPerSec, double allocPerOp, long peakPending, long peakPendingBytes,
                     long[] seriesMs, long[] seriesPending) {
    }

    private static RunResult runOnce(Workload w, Config c, Workload.Params params, long durationMs,
                                     Histogram latency) throws Exception {
        Workload.Trial trial = w.open(c.scheme(), params);
        Reclaimer reclaimer = trial.reclaimer();
        int n = c.threads();
        long[] ops = new long[n];
        long[] alloc = new long[n];
        Histogram[] hist = new Histogram[n];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Stop stop = new Stop();
        CyclicBarrier start = new CyclicBarrier(n + 1);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            hist[i] = new Histogram(MAX_LATENCY_NS, 2);
            Thread t = new Thread(() -> {
                try {
                    Workload.Worker worker = trial.worker(index);
                    Histogram h = hist[index];
                    start.await();
                    long a0 = mx.getCurrentThreadAllocatedBytes();
                    long done = 0;
                    while (!stop.stop) { // volatile read: pairs with the write after the sleep below
                        long t0 = System.nanoTime();
                        worker.run(1);
                        long t1 = System.nanoTime();
                        h.recordValue(Math.min(t1 - t0, MAX_LATENCY_NS));
                        worker.run(BATCH - 1);
                        done += BATCH;
                    }
                    alloc[index] = mx.getCurrentThreadAllocatedBytes() - a0;
                    ops[index] = done;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    start.reset();
                }
            }, "bench-worker-" + i);
            threads.add(t);
        }
        // The stalled reader: holds a guard open from before the first operation until the run has ended.
        CountDownLatch stallEntered = new CountDownLatch(1);
        CountDownLatch stallRelease = new CountDownLatch(1);
        Thread staller = null;
        if (c.stall() && reclaimer != null) {
            staller = new Thread(() -> stall(reclaimer, stallEntered, stallRelease), "bench-stalled-reader");
            staller.start();
            stallEntered.await();
        }
        StatsSampler sampler = reclaimer == null ? null
                : new StatsSampler(reclaimer, Math.max(1, durationMs / 200), "bench-pending-sampler");
        for (Thread t : threads) {
            t.start();
        }
        start.await();
        long t0 = System.nanoTime();
        if (sampler != null) {
            sampler.start(t0);
        }
        Thread.sleep(durationMs);
        stop.stop = true; // volatile write: pairs with the workers' reads of stop
        for (Thread t : threads) {
            t.join();
        }
        long t1 = System.nanoTime();
        if (sampler != null) {
            sampler.finish();
        }
        stallRelease.countDown();
        if (staller != null) {
            staller.join();
        }
        long peak = 0;
        long peakBytes = 0;
        if (reclaimer != null) {
            ReclaimerStats s = reclaimer.stats();
            peak = Math.max(sampler.peakPending, Math.max(s.pending(), s.peakPending()));
            peakBytes = Math.max(sampler.peakPendingBytes, s.pendingBytes());
        }
        trial.close();
        if (failure.get() != null) {
            throw new IllegalStateException("a worker failed: " + failure.get(), failure.get());
        }
        long totalOps = Arrays.stream(ops).sum();
        long totalAlloc = Arrays.stream(alloc).sum();
        for (Histogram h : hist) {
            latency.add(h);
        }
        double secs = (t1 - t0) / 1e9;
        return new RunResult(totalOps / secs, totalOps == 0 ? 0 : (double) totalAlloc / totalOps, peak, peakBytes,
                sampler == null ? new long[0] : sampler.times(), sampler == null ? new long[0] : sampler.pending());
    }

    /** The stalled reader's body: enters a guard, says so, and keeps it open until released. */
    @SuppressWarnings("try") // the guard is held, not used: holding it is the point
    private static void stall(Reclaimer reclaimer, CountDownLatch entered, CountDownLatch release) {
        try (Guard g = reclaimer.enter()) {
            entered.countDown();
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The stop flag of a run. */
    private static final class Stop {
        volatile boolean stop; // volatile: written once by the main thread, polled by the workers
    }

    static String join(long[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(v[i]);
        }
        return b.toString();
    }

    /** Peak resident set size of this process (VmHWM of /proc/self/status), in KiB; -1 when unknown. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
