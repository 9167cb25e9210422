package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Arrays;

/**
 * Samples a reclaimer's {@link Reclaimer#stats()} (pending garbage, open guards, slot-table length) and the Java heap in use at a
 * fixed period while a run goes on, on a daemon platform thread: the series and peaks of the report's charts.
 */
final class StatsSampler extends Thread {

    private final Reclaimer reclaimer;
    private final long periodMs;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private volatile boolean done; // volatile: written by finish(), polled by the sampler
    private long startNanos;
    private long[] times = new long[256];
    private long[][] values = new long[4][256];
    private int count;
    /** The largest pending count sampled. */
    long peakPending;
    /** The largest pending bytes sampled. */
    long peakPendingBytes;
    /** The most guards open at a sample. */
    long peakGuards;
    /** The most heap in use at a sample, bytes. */
    long peakHeap;

    StatsSampler(Reclaimer reclaimer, long periodMs, String name) {
        super(name);
        setDaemon(true);
        this.reclaimer = reclaimer;
        this.periodMs = periodMs;
    }

    /** Starts sampling; sample times are measured from {@code t0} ({@link System#nanoTime()}). */
    void start(long t0) {
        startNanos = t0;
        start();
    }

    @Override
    public void run() {
        while (!done) {
            sample();
            try {
                Thread.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void sample() {
        ReclaimerStats s = reclaimer.stats();
        long heap = memory.getHeapMemoryUsage().getUsed();
        if (count == times.length) {
            times = Arrays.copyOf(times, count * 2);
            for (int k = 0; k < values.length; k++) {
                values[k] = Arrays.copyOf(values[k], count * 2);
            }
        }
        times[count] = (System.nanoTime() - startNanos) / 1_000_000;
        values[0][count] = s.pending();
        values[1][count] = s.openGuards();
        values[2][count] = heap >> 20;
        values[3][count] = s.guardSlots();
        count++;
        peakPending = Math.max(peakPending, s.pending());
        peakPendingBytes = Math.max(peakPendingBytes, s.pendingBytes());
        peakGuards = Math.max(peakGuards, s.openGuards());
        peakHeap = Math.max(peakHeap, heap);
    }

    /** Stops sampling after one last sample (the end of the run); the series and peaks are final after it. */
    void finish() throws InterruptedException {
        done = true;
        interrupt();
        join();
        sample();
    }

    /** Sample times, ms since the start. */
    long[] times() {
        return Arrays.copyOf(times, count);
    }

    /** Pending garbage at the sample times. */
    long[] pending() {
        return Arrays.copyOf(values[0], count);
    }

    /** Open guards at the sample times. */
    long[] openGuards() {
        return Arrays.copyOf(values[1], count);
    }

    /** Java heap in use at the sample times, MiB. */
    long[] heapMb() {
        return Arrays.copyOf(values[2], count);
    }

    /** The slot table's length at the sample times ({@link ReclaimerStats#guardSlots()}). */
    long[] slots() {
        return Arrays.copyOf(values[3], count);
    }
}
