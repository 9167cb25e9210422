package dev.reclaim.bench.soak;

import dev.reclaim.Scheme;
import dev.reclaim.memory.AllocatorStats;
import dev.reclaim.realtime.SharedCell;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak's workload and sampler: every freeing scheme's {@link SchemeLane} and the {@link HandleLane}, driven by
 * a few throttled worker threads, with one sample of the footprint every period.
 *
 * <p>Throttling: a worker times each step and then sleeps so that its busy fraction is {@code duty} (a step that
 * took 1 ms at duty 0.25 is followed by 3 ms of sleep), so the soak runs beside other work without
 * monopolising the machine.
 *
 * <p>A sample first runs {@link System#gc()}, then reads the process's resident set ({@code VmRSS} of
 * {@code /proc/self/status}), the heap in use after that collection (the retained heap, without the sawtooth of
 * young garbage), the pending garbage of every reclaimer plus the realtime collector, the allocators' live
 * bytes and blocks, the bytes they hold from the operating system (segments: what fragmentation would grow),
 * and the on-heap values not yet released.
 */
final class SoakRun {

    /** The sampled series, in CSV column order (after {@code elapsed_s} and {@code ops}). */
    static final List<TrendCheck> SERIES = List.of(
            new TrendCheck("rss_mib", 32, 0.10),
            new TrendCheck("heap_after_gc_mib", 16, 0.10),
            new TrendCheck("pending", 1_024, 0.10),
            new TrendCheck("live_kib", 256, 0.10),
            new TrendCheck("live_blocks", 1_024, 0.10),
            new TrendCheck("reserved_kib", 1_024, 0.10),
            new TrendCheck("handles_live", 64, 0.10));

    private final int threads;
    private final double duty;
    private final int leakEvery;
    private final List<SchemeLane> lanes = new ArrayList<>();
    private final LongAdder ops = new LongAdder();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private volatile boolean stop; // volatile: set by the sampling thread, polled by the workers
    private HandleLane handles;
    private double[] times = new double[64];
    private double[][] values = new double[SERIES.size()][64];
    private long[] opsAt = new long[64];
    private int count;

    SoakRun(int threads, double duty, int leakEvery) {
        this.threads = threads;
        this.duty = duty;
        this.leakEvery = leakEvery;
    }

    /**
     * Runs the workload for {@code nanos}, sampling every {@code periodNanos}, then stops the workers and
     * closes everything.
     *
     * @param progress called with each sample's CSV line
     * @return what closing found: blocks left in the allocators, reclaimer failures, value errors
     */
    Closing run(long nanos, long periodNanos, java.util.function.Consumer<String> progress)
            throws InterruptedException {
        for (Scheme s : Scheme.values()) {
            if (s != Scheme.LEAK) {
                lanes.add(new SchemeLane(s, leakEvery));
            }
        }
        handles = new HandleLane();
        List<Thread> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                long seed = 0x5EED + t;
                workers.add(Thread.ofPlatform().name("soak-worker-" + t).daemon(true).start(() -> work(seed)));
            }
            long t0 = System.nanoTime();
            long next = t0;
            while (true) {
                sample(t0);
                progress.accept(csvLine(count - 1));
                next += periodNanos;
                long now = System.nanoTime();
                if (now - t0 >= nanos || error.get() != null) {
                    break;
                }
                TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(next, t0 + nanos) - now));
            }
        } finally {
            stop = true;
            for (Thread w : workers) {
                w.join();
            }
        }
        long left = 0;
        long failures = 0;
        for (SchemeLane lane : lanes) {
            failures += lane.failures();
            left += lane.closeAndCountLeft();
            lane.close();
        }
        long valueErrors = handles.errors();
        handles.close();
        long unreleased = handles.liveValues();
        return new Closing(left, failures, valueErrors, unreleased, error.get());
    }

    /**
     * What the end of the run found.
     *
     * @param blocksLeft  blocks still allocated after every structure and reclaimer closed
     * @param failures    deleters that threw or guards found abandoned, over all reclaimers
     * @param valueErrors on-heap values read corrupt or releasers that threw
     * @param unreleased  on-heap values never released after everything closed
     * @param workerError the first exception of a worker, or null
     */
    record Closing(long blocksLeft, long failures, long valueErrors, long unreleased, Throwable workerError) {
        boolean clean() {
            return blocksLeft == 0 && failures == 0 && valueErrors == 0 && unreleased == 0 && workerError == null;
        }
    }

    private void work(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        SchemeLane.Buffers buf = new SchemeLane.Buffers();
        try (SharedCell.Reader<long[]> reader = handles.reader()) {
            while (!stop) {
                long start = System.nanoTime();
                long n = 0;
                for (SchemeLane lane : lanes) {
                    n += lane.step(random, buf);
                }
                n += handles.step(random, reader);
                ops.add(n);
                long busy = System.nanoTime() - start;
                LockSupport.parkNanos((long) (busy * (1 - duty) / duty));
            }
        } catch (Throwable e) {
            error.compareAndSet(null, e);
        }
    }

    private void sample(long t0) {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long pending = handles.pending();
        long liveBytes = 0;
        long liveBlocks = 0;
        long reserved = 0;
        for (SchemeLane lane : lanes) {
            pending += lane.pending();
            AllocatorStats a = lane.allocator();
            liveBytes += a.liveBytes();
            liveBlocks += a.liveBlocks();
            reserved += a.reservedBytes();
        }
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
            opsAt = Arrays.copyOf(opsAt, count * 2);
            for (int k = 0; k < values.length; k++) {
                values[k] = Arrays.copyOf(values[k], count * 2);
            }
        }
        times[count] = (System.nanoTime() - t0) / 1e9;
        opsAt[count] = ops.sum();
        values[0][count] = rssKib() / 1024.0;
        values[1][count] = heap / (double) (1 << 20);
        values[2][count] = pending;
        values[3][count] = liveBytes / 1024.0;
        values[4][count] = liveBlocks;
        values[5][count] = reserved / 1024.0;
        values[6][count] = handles.liveValues();
        count++;
    }

    /** The resident set of this process in KiB ({@code VmRSS}), or -1 off Linux. */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The 1, 5 and 15 minute load averages ({@code /proc/loadavg}), or "?" off Linux. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** @return the CSV header */
    static String csvHeader() {
        StringBuilder sb = new StringBuilder("elapsed_s,ops");
        for (TrendCheck c : SERIES) {
            sb.append(',').append(c.name());
        }
        return sb.toString();
    }

    /** @return sample {@code i} as a CSV line */
    String csvLine(int i) {
        StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT, "%.1f,%d", times[i], opsAt[i]));
        for (double[] v : values) {
            sb.append(',').append(v[i] == Math.rint(v[i]) ? String.valueOf((long) v[i]) : String.format(java.util.Locale.ROOT, "%.2f", v[i]));
        }
        return sb.toString();
    }

    /** @return samples taken */
    int samples() {
        return count;
    }

    /** @return sample times, seconds since the start */
    double[] times() {
        return Arrays.copyOf(times, count);
    }

    /** @return series {@code k} of {@link #SERIES} */
    double[] series(int k) {
        return Arrays.copyOf(values[k], count);
    }

    /** @return operations run by all workers so far */
    long ops() {
        return ops.sum();
    }
}
