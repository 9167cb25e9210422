package dev.reclaim.bench.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the machine was doing while one configuration ran: the 1-minute load average before and after its fork,
 * and the share of CPU time stolen by the hypervisor and spent busy (by anyone) during the fork, from
 * {@code /proc/loadavg} and the {@code cpu} line of {@code /proc/stat}. NaN where {@code /proc} is not there.
 *
 * @param loadBefore 1-minute load average just before the fork started
 * @param loadAfter  1-minute load average just after it exited
 * @param stealPct   steal time as a percentage of all CPU time (every CPU) during the fork
 * @param busyPct    non-idle CPU time as a percentage of all CPU time during the fork (this fork included)
 */
public record Conditions(double loadBefore, double loadAfter, double stealPct, double busyPct) {

    /** Nothing known (a configuration that never ran). */
    static final Conditions UNKNOWN = new Conditions(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /**
     * Starts measuring: reads the load average and the CPU counters now.
     *
     * @return the probe; {@link Probe#finish()} reads them again
     */
    static Probe start() {
        return new Probe(loadAverage(), cpuTicks());
    }

    /** The readings at the start of a fork. */
    static final class Probe {
        private final double load;
        private final long[] ticks;

        private Probe(double load, long[] ticks) {
            this.load = load;
            this.ticks = ticks;
        }

        /**
         * Reads the counters again.
         *
         * @return the conditions between {@link #start()} and now
         */
        Conditions finish() {
            long[] now = cpuTicks();
            double steal = Double.NaN;
            double busy = Double.NaN;
            if (ticks != null && now != null) {
                long total = 0;
                long idle = 0;
                for (int i = 0; i < now.length; i++) {
                    long d = now[i] - ticks[i];
                    total += d;
                    if (i == 3 || i == 4) { // idle, iowait
                        idle += d;
                    }
                }
                if (total > 0) {
                    steal = now.length > 7 ? 100.0 * (now[7] - ticks[7]) / total : Double.NaN;
                    busy = 100.0 * (total - idle) / total;
                }
            }
            return new Conditions(load, loadAverage(), steal, busy);
        }
    }

    /** The first field of {@code /proc/loadavg}, or NaN. */
    static double loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg")).trim();
            return Double.parseDouble(s.substring(0, s.indexOf(' ')));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * The aggregate {@code cpu} line of {@code /proc/stat}: user, nice, system, idle, iowait, irq, softirq, steal
     * (guest time is already counted in user), or null.
     */
    static long[] cpuTicks() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long[] v = new long[Math.min(8, f.length - 1)];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = Long.parseLong(f[i + 1]);
                    }
                    return v;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
