package dev.reclaim.bench.suite;

import dev.reclaim.bench.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code reclaim bench}: runs every selected (workload, scheme, threads) configuration in its own JVM and
 * writes an HTML report with charts, {@code results.csv} and {@code results.json}.
 *
 * <p>Exit codes: 0 every configuration passed; 1 at least one failed (the report is still written);
 * 2 bad options.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the benchmark suite: every workload x scheme x thread count in its own JVM,",
                "then writes DIR/index.html (charts + table), DIR/*.png, DIR/results.csv and DIR/results.json."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "a short suite (threads 2; 200 ms runs; key ranges capped at 100000)"
            + " for a first look")
    boolean quick;

    @Option(names = "--scale", description = "the scale workload family instead of the suite: maps of 10^6 and 10^7"
            + " entries against their peers, one JVM each (long; matrix via RECLAIM_SCALE_* variables, see"
            + " docs/tools.md; report in scale-report/ unless --out is given)")
    boolean scale;

    /** With {@code --quick}, key ranges above this are cut to it (a 1M-key map's prefill took 20 s per fork). */
    static final int QUICK_MAX_KEY_RANGE = 100_000;

    @Option(names = "--schemes", split = ",", paramLabel = "S",
            description = "schemes and baselines to run (default: all); schemes: ${COMPLETION-CANDIDATES}",
            completionCandidates = SchemeIds.class)
    List<String> schemes;

    @Option(names = "--workloads", split = ",", paramLabel = "W",
            description = "workloads to run (default: all): ${COMPLETION-CANDIDATES}",
            completionCandidates = WorkloadIds.class)
    List<String> workloads;

    @Option(names = "--threads", split = ",", paramLabel = "T",
            description = "worker thread counts (default: 1,2,4; with --quick 2)")
    List<Integer> threads;

    @Option(names = "--key-range", paramLabel = "N",
            description = "key range: birdcage slots, treiber/msqueue prefill, list/hashmap keys (default: per workload,"
                    + " 64 / 1024 / 1024 / 2000 / 1000000)")
    Integer keyRange;

    @Option(names = "--update-ratio", paramLabel = "R",
            description = "fraction of updates in [0,1] where the workload has reads (birdcage: default 0.5; list,"
                    + " hashmap: default 0.1)")
    Double updateRatio;

    @Option(names = "--tasks", paramLabel = "N",
            description = "tasks per burst of the vthreads workload, 1 to 10000000 (default: 100000; with --quick 10000)")
    Integer tasks;

    @Option(names = "--duration", paramLabel = "D",
            description = "length of each measured run, e.g. 1s, 500ms (default: 1s; with --quick 200ms)")
    String duration;

    @Option(names = "--warmup", paramLabel = "D",
            description = "length of the warm-up run in each fork (default: 1s; with --quick 150ms)")
    String warmup;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "measured runs per configuration, each in the same fork (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--stall",
            description = "every configuration gets a stalled reader: a thread holds a guard open for the whole run")
    boolean stall;

    @Option(names = "--sanitize", description = "allocators in sanitizer mode (checks every access; much slower)")
    boolean sanitize;

    @Option(names = "--jvm-args", paramLabel = "ARGS",
            description = "extra JVM options for every fork, one string split at spaces, e.g."
                    + " '-XX:+UseParallelGC -Xmx2g' (shown in the report)")
    String jvmArgs;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "bench-report",
            description = "report directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "seed of the workers' random choices (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public BenchCommand() {
    }

    /** Scheme and baseline ids, for the help text. */
    static final class SchemeIds extends ArrayList<String> {
        SchemeIds() {
            super(allSchemeIds());
        }
    }

    /** Workload ids, for the help text. */
    static final class WorkloadIds extends ArrayList<String> {
        WorkloadIds() {
            super(Workloads.ids());
        }
    }

    static List<String> allSchemeIds() {
        Set<String> all = new LinkedHashSet<>(Workloads.schemeIds());
        for (Workload w : Workloads.ALL) {
            all.addAll(w.baselines());
        }
        return new ArrayList<>(all);
    }

    /**
     * The suite described by the options: every configuration to run, in order.
     *
     * @return the plan
     * @throws CommandLine.ParameterException if an option is invalid
     */
    Plan plan() {
        List<Workload> ws = new ArrayList<>();
        try {
            for (String id : workloads == null ? Workloads.ids() : workloads) {
                Workload w = Workloads.byId(id);
                if (!ws.contains(w)) {
                    ws.add(w);
                }
            }
        } catch (IllegalArgumentException e) {
            throw bad("--workloads: " + e.getMessage());
        }
        List<String> ss = new ArrayList<>();
        if (schemes != null) {
            for (String s : schemes) {
                String id = s.trim().toLowerCase(Locale.ROOT);
                if (!allSchemeIds().contains(id)) {
                    throw bad("--schemes: unknown scheme or baseline '" + s + "'; valid ids are " + allSchemeIds());
                }
                if (ws.stream().noneMatch(w -> Workloads.schemesOf(w).contains(id))) {
                    throw bad("--schemes: '" + id + "' is not a scheme or baseline of the selected workloads "
                            + ws.stream().map(Workload::id).toList());
                }
                if (!ss.contains(id)) {
                    ss.add(id);
                }
            }
        }
        List<Integer> ts = threads != null ? threads : quick ? List.of(2) : List.of(1, 2, 4);
        if (ts.isEmpty() || ts.stream().anyMatch(t -> t < 1 || t > 1024)) {
            throw bad("--threads: thread counts must be between 1 and 1024, got " + ts);
        }
        ts = ts.stream().distinct().sorted().toList();
        if (keyRange != null && keyRange < 1) {
            throw bad("--key-range must be at least 1, got " + keyRange);
        }
        if (updateRatio != null && !(updateRatio >= 0 && updateRatio <= 1)) {
            throw bad("--update-ratio must be in [0, 1], got " + updateRatio);
        }
        if (tasks != null && (tasks < 1 || tasks > 10_000_000)) {
            throw bad("--tasks must be between 1 and 10000000, got " + tasks);
        }
        if (runs < 1) {
            throw bad("--runs must be at least 1, got " + runs);
        }
        long durationMs = parseDuration("--duration", duration, quick ? 200 : 1000);
        long warmupMs = parseDuration("--warmup", warmup, quick ? 150 : 1000);
        if (durationMs < 1) {
            throw bad("--duration must be at least 1ms, got " + duration);
        }
        int stallThreads = ts.getFirst();
        for (int t : ts) {
            if (t <= Runtime.getRuntime().availableProcessors()) {
                stallThreads = t;
            }
        }
        List<Config> configs = new ArrayList<>();
        for (Workload w : ws) {
            int kr = keyRange != null ? keyRange
                    : quick ? Math.min(w.defaultKeyRange(), QUICK_MAX_KEY_RANGE) : w.defaultKeyRange();
            double ur = w.defaultUpdateRatio() < 0 ? -1 : updateRatio != null ? updateRatio : w.defaultUpdateRatio();
            int n = w instanceof BurstWorkload b ? tasks != null ? tasks : b.defaultTasks(quick) : 0;
            List<String> mine = Workloads.schemesOf(w).stream().filter(s -> ss.isEmpty() || ss.contains(s)).toList();
            boolean st = stall && n == 0; // a burst has no stalled-reader variant
            for (String s : mine) {
                for (int t : ts) {
                    configs.add(new Config(w.id(), s, t, st, kr, ur, warmupMs, durationMs, runs, sanitize, seed, n));
                }
            }
            // The stall comparison: birdcage with every reclamation scheme, with and without a stalled reader.
            if (w.id().equals("birdcage")) {
                for (String s : mine) {
                    if (Workloads.isScheme(s)) {
                        configs.add(new Config(w.id(), s, stallThreads, !stall, kr, ur, warmupMs, durationMs, runs,
                                sanitize, seed, 0));
                    }
                }
            }
        }
        return new Plan(ws, configs, stallThreads);
    }

    /**
     * The configurations of a suite.
     *
     * @param workloads    the selected workloads, in order
     * @param configs      every configuration
     * @param stallThreads the thread count of the stall comparison (and the pending-garbage charts)
     */
    record Plan(List<Workload> workloads, List<Config> configs, int stallThreads) {
    }

    /**
     * The {@code --jvm-args} string as separate JVM options.
     *
     * @return the options, empty when none were given
     */
    List<String> forkJvmArgs() {
        if (jvmArgs == null || jvmArgs.isBlank()) {
            return List.of();
        }
        List<String> args = List.of(jvmArgs.trim().split("\\s+"));
        for (String a : args) {
            if (!a.startsWith("-")) {
                throw bad("--jvm-args: '" + a + "' is not a JVM option (options start with '-'); write e.g."
                        + " --jvm-args '-XX:+UseSerialGC -Xmx1g'");
            }
        }
        return args;
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min)?");

    long parseDuration(String option, String text, long defaultMs) {
        if (text == null) {
            return defaultMs;
        }
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw bad(option + ": cannot read '" + text + "' as a duration; write e.g. 500ms, 2s or 1m");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double ms = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
        return Math.round(ms);
    }

    /**
     * The shell command that repeats this run: {@code ./reclaim bench} and the options as given, quoted when
     * needed.
     *
     * @param original the arguments as given (picocli's original arguments, possibly starting at "bench")
     * @return the command
     */
    static String reproduceCommand(List<String> original) {
        List<String> args = new ArrayList<>(original);
        int at = args.indexOf("bench");
        if (at >= 0) {
            args = args.subList(at + 1, args.size());
        }
        StringBuilder b = new StringBuilder("./reclaim bench");
        for (String a : args) {
            b.append(' ').append(a.matches("[A-Za-z0-9_./=,:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return b.toString();
    }

    /**
     * Runs the suite and writes the report.
     *
     * @return 0 when every configuration passed, 1 otherwise
     * @throws IOException if the report cannot be written
     */
    @Override
    public Integer call() throws IOException {
        if (scale) {
            Path dir = spec.commandLine().getParseResult().hasMatchedOption("--out") ? out : Path.of("scale-report");
            return dev.reclaim.bench.scale.ScaleCommand.run(dir, threads, parseDuration("--duration", duration, 3000),
                    seed, spec.commandLine().getOut());
        }
        Plan plan = plan();
        List<String> forkArgs = forkJvmArgs();
        PrintWriter o = spec.commandLine().getOut();
        String reproduce = reproduceCommand(spec.commandLine().getParseResult().originalArgs());
        o.printf(Locale.ROOT, "reclaim bench: %d configurations (%s), each in its own JVM; %s runs of %d ms after a"
                        + " %d ms warm-up%n", plan.configs().size(),
                String.join(",", plan.workloads().stream().map(Workload::id).toList()),
                runs, plan.configs().getFirst().durationMs(), plan.configs().getFirst().warmupMs());
        o.flush();
        Path dir = out.toAbsolutePath();
        Forker forker = new Forker(dir, forkArgs);
        List<Result> results = new CopyOnWriteArrayList<>(); // read by the shutdown hook
        long t0 = System.nanoTime();
        ReportOnExit onExit = new ReportOnExit(forker, partial -> new Report(dir, plan, List.copyOf(results),
                reproduce, (System.nanoTime() - t0) / 1e9).partial(partial).jvmArgs(forkArgs));
        Progress progress = new Progress(Long.MAX_VALUE);
        int i = 0;
        for (Config c : plan.configs()) {
            i++;
            Result r = forker.run(c);
            if (forker.stopped()) {
                break;
            }
            results.add(r);
            o.printf(Locale.ROOT, "  [%2d/%d] %-40s %s  (%.1f s; %s)%n", i, plan.configs().size(), c.name(),
                    r.ok() ? Report.humanOps(r.opsMedian()) + " ops/s" : r.status(), r.seconds(),
                    progress.line(i, plan.configs().size()));
            o.flush();
        }
        double total = (System.nanoTime() - t0) / 1e9;
        Report report = onExit.finish();
        if (report == null) {
            return 1; // terminated: the shutdown hook wrote a partial report
        }
        o.println();
        o.print(report.consoleTable());
        o.printf(Locale.ROOT, "%ntotal %.0f s. Report: %s%n", total, dir.resolve("index.html"));
        long failed = results.stream().filter(r -> !r.ok()).count();
        if (failed > 0) {
            spec.commandLine().getErr().printf("reclaim bench: %d of %d configurations failed; see %s%n", failed,
                    results.size(), dir.resolve("logs"));
            return 1;
        }
        return 0;
    }
}
