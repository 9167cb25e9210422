package dev.reclaim.bench.soak;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./reclaim soak --hours H}: a steady, throttled mixed workload over every freeing scheme and every
 * structure (stack, queue, ordered list, both long maps, bytes map, raw retirement), an {@code ArcSwap} and the
 * realtime collector, for hours; it samples the footprint, writes {@code soak.csv} and {@code soak.png}, and
 * fails when any series trends upward ({@link TrendCheck}) or when closing finds something lost.
 *
 * <p>The negative control is the system property {@value #LEAK_PROPERTY}: {@code true} (or a number N) makes
 * the raw retirement's deleter skip the free of one block in 16 (or in N); the trend check must then fail on
 * the allocator's live bytes and blocks.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a steady, throttled mixed workload over every scheme and structure, the ArcSwap and"
                + " the realtime collector for a long time, samples the process's RSS, the heap after a System.gc(),"
                + " pending garbage, the allocators' live bytes and blocks and the on-heap values not yet released,"
                + " and fails if any of them trends upward over the second half of the run.",
                "",
                "Writes DIR/soak.csv (one line per sample) and DIR/soak.png (one chart per series with the fitted"
                + " trend). Exit code: 0 every series flat and nothing lost, 1 a series trends upward or closing"
                + " found lost blocks or values, 2 bad options.",
                ""})
public final class SoakCommand implements Callable<Integer> {

    /** The system property that turns on the leaking negative control. */
    public static final String LEAK_PROPERTY = "reclaim.soak.leak";
    /** One block in this many is never freed when {@value #LEAK_PROPERTY} is {@code true}. */
    static final int DEFAULT_LEAK_EVERY = 16;

    @Option(names = "--hours", paramLabel = "H", description = "run for H hours (fractions allowed)")
    Double hours;

    @Option(names = "--minutes", paramLabel = "M", description = "run for M minutes instead (fractions allowed)")
    Double minutes;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads (default: ${DEFAULT-VALUE})")
    int threads = 2;

    @Option(names = "--duty", paramLabel = "F",
            description = "busy fraction of each worker; it sleeps the rest (default: ${DEFAULT-VALUE})")
    double duty = 0.25;

    @Option(names = "--sample-seconds", paramLabel = "S",
            description = "seconds between samples (default: the run's length / 360, at least 1)")
    Double sampleSeconds;

    @Option(names = "--tolerance", paramLabel = "R",
            description = "relative growth allowed over the second half, on top of each series' absolute floor"
                    + " (default: ${DEFAULT-VALUE})")
    double tolerance = 0.10;

    @Option(names = "--out", paramLabel = "DIR", description = "where soak.csv and soak.png go (default: ${DEFAULT-VALUE})")
    Path out = Path.of("soak-results");

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public SoakCommand() {
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter o = spec.commandLine().getOut();
        if ((hours == null) == (minutes == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give the run's length with exactly one of --hours H or --minutes M");
        }
        double seconds = hours != null ? hours * 3600 : minutes * 60;
        double period = sampleSeconds != null ? sampleSeconds : Math.max(1, seconds / 360);
        if (seconds <= 0 || period <= 0 || threads < 1 || duty <= 0 || duty > 1 || tolerance < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--hours/--minutes and --sample-seconds must"
                    + " be positive, --threads at least 1, --duty in (0, 1] and --tolerance at least 0");
        }
        int leakEvery = leakEvery(System.getProperty(LEAK_PROPERTY));
        Files.createDirectories(out);
        Path csv = out.resolve("soak.csv");
        Path png = out.resolve("soak.png");
        o.printf(Locale.ROOT, "soak: %.2f h (%.0f s), %d threads at duty %.2f, a sample every %.1f s; load average %s;"
                + " writing %s%n", seconds / 3600, seconds, threads, duty, period, SoakRun.loadAverage(), csv);
        if (leakEvery > 0) {
            o.printf("soak: NEGATIVE CONTROL (-D%s): one raw block in %d is never freed; the trend check must fail%n",
                    LEAK_PROPERTY, leakEvery);
        }
        o.println(SoakRun.csvHeader());
        o.flush();
        SoakRun run = new SoakRun(threads, duty, leakEvery);
        List<String> lines = new ArrayList<>();
        lines.add(SoakRun.csvHeader());
        SoakRun.Closing closing;
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv))) {
            w.println(SoakRun.csvHeader());
            closing = run.run((long) (seconds * 1e9), (long) (period * 1e9), line -> {
                w.println(line);
                w.flush();
                o.println(line);
                o.flush();
            });
        }
        double[] t = run.times();
        List<TrendCheck> checks = new ArrayList<>();
        List<TrendCheck.Verdict> verdicts = new ArrayList<>();
        double[][] series = new double[SoakRun.SERIES.size()][];
        boolean flat = true;
        for (int k = 0; k < SoakRun.SERIES.size(); k++) {
            TrendCheck c = new TrendCheck(SoakRun.SERIES.get(k).name(), SoakRun.SERIES.get(k).floor(), tolerance);
            series[k] = run.series(k);
            TrendCheck.Verdict v = c.check(t, series[k]);
            checks.add(c);
            verdicts.add(v);
            flat &= v.ok();
            o.println("soak: " + v.text());
        }
        double elapsed = t.length == 0 ? 0 : t[t.length - 1];
        String load = SoakRun.loadAverage();
        String title = String.format(Locale.ROOT, "reclaim soak: %.2f h, %d threads at duty %.2f, %,d ops, load average"
                + " at the end %s%s", elapsed / 3600, threads, duty, run.ops(), load,
                leakEvery > 0 ? " (LEAKING CONTROL)" : "");
        SoakPlot.write(png, title, t, series, checks, verdicts);
        o.printf(Locale.ROOT, "soak: %,d ops in %.0f s (%,.0f ops/s), load average %s; plot %s%n", run.ops(), elapsed,
                elapsed > 0 ? run.ops() / elapsed : 0, load, png);
        o.printf("soak: closing: %d blocks left in the allocators, %d reclaimer failures, %d value errors, %d values"
                + " never released%s%n", closing.blocksLeft(), closing.failures(), closing.valueErrors(),
                closing.unreleased(), closing.workerError() == null ? "" : ", a worker failed: " + closing.workerError());
        if (closing.workerError() != null) {
            closing.workerError().printStackTrace(o);
        }
        boolean ok = flat && closing.clean();
        o.println(ok ? "soak: PASS: every series flat, nothing lost"
                : "soak: FAIL: " + (flat ? "" : "a series trends upward (see the TRENDS UPWARD lines)")
                + (!flat && !closing.clean() ? "; " : "") + (closing.clean() ? "" : "closing found lost memory or errors"));
        o.flush();
        return ok ? 0 : 1;
    }

    /** The leak control's period from the property: off when absent or false, 16 for true, else the number. */
    static int leakEvery(String property) {
        if (property == null || property.isBlank() || property.equalsIgnoreCase("false")) {
            return 0;
        }
        if (property.equalsIgnoreCase("true")) {
            return DEFAULT_LEAK_EVERY;
        }
        try {
            return Math.max(0, Integer.parseInt(property.strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + LEAK_PROPERTY + "=" + property + ": expected true, false or a"
                    + " number N (one block in N is never freed)");
        }
    }
}
