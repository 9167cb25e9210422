package dev.reclaim.bench.suite;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark configuration: what a forked JVM measures.
 *
 * @param workload    workload id
 * @param scheme      scheme or baseline id
 * @param threads     worker threads
 * @param stall       whether a reader holds a guard open for the whole run
 * @param keyRange    key range
 * @param updateRatio update ratio (-1 for workloads without one)
 * @param warmupMs    length of the warm-up run in milliseconds
 * @param durationMs  length of each measured run in milliseconds
 * @param runs        measured runs
 * @param sanitize    sanitizer mode
 * @param seed        random seed
 * @param tasks       tasks per burst of a {@link BurstWorkload} (its {@code threads} are carrier threads); 0 for
 *                    the other workloads
 */
public record Config(String workload, String scheme, int threads, boolean stall, int keyRange, double updateRatio,
                     long warmupMs, long durationMs, int runs, boolean sanitize, long seed, int tasks) {

    /**
     * A short unique name, usable as a file name.
     *
     * @return e.g. {@code birdcage-ebr-t2-stall}, {@code vthreads-ebr-t2-n100000}
     */
    public String name() {
        return workload + "-" + scheme + "-t" + threads + (stall ? "-stall" : "") + (tasks > 0 ? "-n" + tasks : "");
    }

    /**
     * The configuration as {@code key=value} arguments for {@link ForkMain}.
     *
     * @return the arguments
     */
    public List<String> toArgs() {
        List<String> a = new ArrayList<>();
        a.add("workload=" + workload);
        a.add("scheme=" + scheme);
        a.add("threads=" + threads);
        a.add("stall=" + stall);
        a.add("keyRange=" + keyRange);
        a.add("updateRatio=" + String.format(Locale.ROOT, "%s", updateRatio));
        a.add("warmupMs=" + warmupMs);
        a.add("durationMs=" + durationMs);
        a.add("runs=" + runs);
        a.add("sanitize=" + sanitize);
        a.add("seed=" + seed);
        a.add("tasks=" + tasks);
        return a;
    }

    /**
     * Parses {@link #toArgs()} output.
     *
     * @param args {@code key=value} strings (others are ignored)
     * @return the configuration
     * @throws IllegalArgumentException if a key is missing
     */
    public static Config fromArgs(List<String> args) {
        Map<String, String> m = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            if (eq > 0) {
                m.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        try {
            return new Config(m.get("workload"), m.get("scheme"), Integer.parseInt(m.get("threads")),
                    Boolean.parseBoolean(m.get("stall")), Integer.parseInt(m.get("keyRange")),
                    Double.parseDouble(m.get("updateRatio")), Long.parseLong(m.get("warmupMs")),
                    Long.parseLong(m.get("durationMs")), Integer.parseInt(m.get("runs")),
                    Boolean.parseBoolean(m.get("sanitize")), Long.parseLong(m.get("seed")),
                    Integer.parseInt(m.get("tasks")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad fork configuration " + args + ": " + e, e);
        }
    }
}
