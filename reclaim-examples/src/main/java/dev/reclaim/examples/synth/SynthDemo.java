package dev.reclaim.examples.synth;

import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code reclaim demo synth}: the realtime synth ({@link Synth}) run once per release model, printing the
 * callback-duration percentiles (HdrHistogram) with the collector, with releases on the callback thread, and
 * with the tracking model, then the line {@code callback thread allocated: N B}: the bytes the callback thread
 * allocated after warm-up, summed over the collector models run (collector, tracking); it must be 0. The
 * {@code direct} baseline's own allocation is shown in its row and counts only when it is the only model run:
 * releasing on the callback runs the allocator's free path there, whose first C2 compilation may allocate (see
 * {@code docs/limitations.md}).
 *
 * <p>Exit codes: 0 success; 1 a check failed (the callback thread allocated, a table was not destroyed, a
 * table was destroyed off the collector thread in a collector model, the run threw); 2 bad options.
 */
@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The realtime synth: an audio callback (48 kHz, 64 frames) plays tables a UI thread replaces;"
                + " compares destroying replaced tables on a collector thread, on the callback, and by tracking.")
public final class SynthDemo implements Callable<Integer> {

    @Option(names = "--scheme", paramLabel = "S", defaultValue = "all",
            description = "release model: collector, direct (release on the callback thread), tracking, or all"
                    + " (default: ${DEFAULT-VALUE})")
    String scheme;

    @Option(names = "--callbacks", paramLabel = "N", defaultValue = "50000",
            description = "callbacks per model, warm-up included (default: ${DEFAULT-VALUE})")
    int callbacks;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "10000",
            description = "warm-up callbacks, not measured (default: ${DEFAULT-VALUE}; capped at N/2)")
    int warmup;

    @Option(names = "--period-us", paramLabel = "P", defaultValue = "100",
            description = "callback period in microseconds; 1333 is real time, 0 back to back (default:"
                    + " ${DEFAULT-VALUE})")
    double periodMicros;

    @Option(names = "--send-every", paramLabel = "K", defaultValue = "4",
            description = "the UI thread sends a new table about every K callbacks (default: ${DEFAULT-VALUE})")
    int sendEvery;

    @Option(names = "--table", paramLabel = "F", defaultValue = "32768",
            description = "floats per table, a power of two (default: ${DEFAULT-VALUE})")
    int tableFloats;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final List<Synth.Result> results = new ArrayList<>();

    /** Creates the command with its default options (picocli fills them in). */
    public SynthDemo() {
    }

    /**
     * Runs the demo stand-alone.
     *
     * @param args the options; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new SynthDemo()).execute(args));
    }

    /**
     * The results of the last {@link #call()}, one per model run, for tests.
     *
     * @return the results
     */
    public List<Synth.Result> results() {
        return List.copyOf(results);
    }

    /**
     * Runs the chosen models and prints the table.
     *
     * @return the exit code: 0 success, 1 a check failed, 2 bad options
     * @throws InterruptedException if interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Synth.Model> models = new ArrayList<>();
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "all" -> models.addAll(List.of(Synth.Model.values()));
            case "collector" -> models.add(Synth.Model.COLLECTOR);
            case "direct" -> models.add(Synth.Model.DIRECT);
            case "tracking", "tracker" -> models.add(Synth.Model.TRACKING);
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--scheme: unknown release model '"
                    + scheme + "'; valid: collector, direct, tracking, all (the synth compares release models, not"
                    + " reclamation schemes)");
        }
        Synth.Config config;
        try {
            config = new Synth.Config(callbacks, Math.min(warmup, callbacks / 2), Math.round(periodMicros * 1000),
                    sendEvery, tableFloats);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        out.printf(Locale.ROOT, "synth: %d Hz, %d frames per callback, period %.1f us (%s), %,d callbacks per model"
                        + " (%,d warm-up), a new table every %d callbacks (%,d floats, heap + off-heap)%n",
                Synth.SAMPLE_RATE, Synth.FRAMES, config.periodNanos() / 1000.0,
                config.periodNanos() == 0 ? "back to back"
                        : String.format(Locale.ROOT, "%.0fx real time",
                        (double) Synth.REAL_TIME_PERIOD_NANOS / config.periodNanos()),
                config.callbacks(), config.warmup(), config.sendEvery(), config.tableFloats());
        out.printf(Locale.ROOT, "%-10s %9s %7s %8s %8s %9s %10s %8s %10s %24s%n", "model", "measured", "tables",
                "p50 ns", "p99 ns", "p99.9 ns", "max ns", "alloc B", "destroyed", "drop->destroy p50/p99/max us");
        out.flush();
        List<String> failures = new ArrayList<>();
        long allocated = 0;
        for (Synth.Model m : models) {
            Synth.Result r = Synth.run(m, config);
            results.add(r);
            Histogram h = r.durations();
            Histogram lat = r.destroyLatency();
            out.printf(Locale.ROOT, "%-10s %9d %7d %8d %8d %9d %10d %8d %10d %24s%n", m.id(), r.callbacks(),
                    r.tablesSent(), h.getValueAtPercentile(50), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getMaxValue(), r.allocatedBytes(), r.tablesDestroyed(),
                    m == Synth.Model.DIRECT ? "- (on the callback)" : String.format(Locale.ROOT, "%.0f / %.0f / %.0f",
                            lat.getValueAtPercentile(50) / 1000.0, lat.getValueAtPercentile(99) / 1000.0,
                            lat.getMaxValue() / 1000.0));
            out.flush();
            if (m != Synth.Model.DIRECT || models.size() == 1) {
                allocated += r.allocatedBytes();
            }
            long expected = 2 * (r.tablesSent() + 1);
            if (r.failure() != null) {
                failures.add(m.id() + ": the run failed: " + r.failure());
            }
            if (r.tablesDestroyed() != expected) {
                failures.add(m.id() + ": " + r.tablesDestroyed() + " tables destroyed, expected " + expected);
            }
            if (r.destroyedOffThread() != 0) {
                failures.add(m.id() + ": " + r.destroyedOffThread() + " tables destroyed off the collector thread");
            }
            if (!r.closeReport().clean() || r.allocatorLiveBlocks() != 0) {
                failures.add(m.id() + ": left behind after close: " + r.closeReport() + ", live off-heap blocks "
                        + r.allocatorLiveBlocks());
            }
        }
        out.println("callback thread allocated: " + allocated + " B");
        if (allocated != 0) {
            failures.add("the callback thread allocated " + allocated + " B after warm-up (must be 0)");
        }
        if (!failures.isEmpty()) {
            out.flush();
            failures.forEach(f -> err.println("synth: FAILED: " + f));
            err.flush();
            return 1;
        }
        out.println("OK: no allocation on the callback thread after warm-up; every table destroyed"
                + (models.contains(Synth.Model.DIRECT) && models.size() == 1 ? "" : " (on the collector thread in"
                + " the collector models)") + "; nothing left after close.");
        out.flush();
        return 0;
    }
}
