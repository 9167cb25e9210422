package dev.reclaim.bench.torture;

import dev.reclaim.bench.Progress;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./reclaim torture}: every scheme x structure under the sanitizer with randomized operations, plus
 * fault injection (stalled readers, threads dying inside guards, allocator exhaustion, throwing deleters).
 *
 * <p>Runs rounds of every case, each case in its own thread under a watchdog, with a seed derived from
 * {@code --seed} and the round: one round by default, or as many as fit in {@code --minutes}. The time limit is
 * a bound on wall time: when it is reached, the case in progress is cut short (reported as {@code CUT}, neither
 * passed nor failed), the rest of the round is not run, and the round is reported as incomplete. It prints one
 * line per case run, a progress line with an ETA every few cases, and ends with {@code N passed, M failed}; a
 * failure line carries the seed that reproduces it ({@code --seed S --rounds 1 --only NAME}). Exit code 0 when
 * nothing failed, 1 otherwise, 2 on bad options.
 */
@Command(name = "torture", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs every scheme x structure under the use-after-free sanitizer with randomized"
                + " operations, plus fault injection: stalled readers, threads dying inside guards, interrupts,"
                + " allocator exhaustion and throwing deleters. Each case checks its own results (every value out"
                + " exactly once, no leak, garbage within the scheme's bound) under a watchdog.",
                "",
                "Prints one line per case (PASS, FAIL with the command that reproduces it, or CUT when the time"
                + " limit stopped it), a progress line with an ETA, and ends with 'N passed, M failed'."
                + " Exit code: 0 nothing failed, 1 a case failed or hung, 2 bad options.",
                ""})
public final class TortureCommand implements Callable<Integer> {

    @Option(names = "--minutes", paramLabel = "M",
            description = "run rounds for at most M minutes of wall time (fractions allowed); the case running"
                    + " at the limit is cut short and reported (default: one whole round, no limit)")
    double minutes = 0;

    @Option(names = "--threads", paramLabel = "T", description = "worker threads per case (default: ${DEFAULT-VALUE})")
    int threads = 4;

    @Option(names = "--seed", paramLabel = "S", description = "master seed (default: random, printed)")
    Long seed;

    @Option(names = "--rounds", paramLabel = "N",
            description = "stop after N rounds (default: 1, or as many as --minutes allows)")
    Integer rounds;

    @Option(names = "--only", paramLabel = "TEXT", description = "run only the cases whose name contains TEXT")
    String only;

    @Option(names = "--watchdog-seconds", paramLabel = "S",
            description = "a case running longer is a hang, reported as a failure (default: ${DEFAULT-VALUE})")
    int watchdogSeconds = 180;

    /** A progress line is printed after this many cases, and at the end of each round. */
    static final int PROGRESS_EVERY = 10;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public TortureCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1 || minutes < 0 || (rounds != null && rounds < 1) || watchdogSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads, --rounds and --watchdog-seconds must be at least 1 and --minutes at least 0");
        }
        long master = seed != null ? seed : new Random().nextLong();
        List<TortureCase> cases = TortureCases.all().stream()
                .filter(c -> only == null || c.name().contains(only)).toList();
        if (cases.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no case name contains '" + only + "'");
        }
        int maxRounds = rounds != null ? rounds : minutes > 0 ? Integer.MAX_VALUE : 1;
        long deadline = minutes > 0 ? System.nanoTime() + (long) (minutes * 60e9) : Long.MAX_VALUE;
        out.printf("torture: %d cases, %d threads, seed %d, %s; %s%n", cases.size(), threads, master,
                minutes > 0 ? "at most " + minutes + " minutes" : maxRounds + (maxRounds == 1 ? " round" : " rounds"),
                memoryLine());
        out.flush();
        Progress progress = new Progress(deadline);
        int passed = 0;
        int failed = 0;
        int done = 0;
        // With a time limit the total is unknown: the estimate runs to the deadline.
        int planned = maxRounds == Integer.MAX_VALUE ? Integer.MAX_VALUE : maxRounds * cases.size();
        boolean timeUp = false;
        for (int round = 0; round < maxRounds && !timeUp; round++) {
            long roundSeed = master + round * 0x9E3779B97F4A7C15L;
            int ranInRound = 0;
            for (TortureCase c : cases) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    timeUp = true;
                    break;
                }
                long t0 = System.nanoTime();
                Outcome outcome = runWatched(c, roundSeed, threads, watchdogSeconds, remaining);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                ranInRound++;
                done++;
                switch (outcome.kind()) {
                    case PASS -> {
                        passed++;
                        out.printf("PASS %-32s %6d ms  %s%n", c.name(), ms, outcome.text());
                    }
                    case FAIL -> {
                        failed++;
                        out.printf("FAIL %-32s %6d ms  %s%n     reproduce: ./reclaim torture --seed %d --threads %d"
                                        + " --rounds 1 --only '%s'  (round %d)%n",
                                c.name(), ms, outcome.text(), roundSeed, threads, c.name(), round + 1);
                    }
                    case CUT -> {
                        timeUp = true;
                        out.printf("CUT  %-32s %6d ms  the --minutes limit was reached while it ran; not counted%n",
                                c.name(), ms);
                    }
                }
                if (timeUp) {
                    break;
                }
                if (done % PROGRESS_EVERY == 0 && ranInRound < cases.size()) {
                    out.printf("torture: round %d, %d/%d cases; %s%n", round + 1, ranInRound, cases.size(),
                            progress.line(done, planned));
                }
                out.flush();
            }
            if (ranInRound == cases.size() && !timeUp) {
                out.printf("torture: round %d complete; %s%n", round + 1, progress.line(done, planned));
            } else if (ranInRound > 0) {
                out.printf("torture: round %d cut short by the --minutes limit after %d of %d cases; %s elapsed%n",
                        round + 1, ranInRound, cases.size(), Progress.duration(progress.elapsedNanos()));
            }
            out.flush();
        }
        System.gc();
        out.printf("torture: end; %s%n", memoryLine());
        out.printf("%d passed, %d failed%n", passed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** How a case ended: {@code text} is the summary (PASS), the failure (FAIL) or empty (CUT). */
    record Outcome(Kind kind, String text) {
        enum Kind { PASS, FAIL, CUT }
    }

    /**
     * Runs one case in its own thread, for at most the watchdog's time and at most {@code remainingNanos} (the
     * time left before the --minutes limit). A case still running at the watchdog is a hang (FAIL); one still
     * running at the limit is interrupted and abandoned (CUT): its thread is a daemon and the command ends next.
     */
    private static Outcome runWatched(TortureCase c, long seed, int threads, int watchdogSeconds,
                                      long remainingNanos) {
        AtomicReference<String> summary = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().name("torture-case").daemon(true).start(() -> {
            try {
                summary.set(c.run(seed, threads));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        long watchdogNanos = watchdogSeconds * 1_000_000_000L;
        boolean limitFirst = remainingNanos < watchdogNanos;
        try {
            runner.join(Duration.ofNanos(Math.min(watchdogNanos, remainingNanos)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Outcome.Kind.FAIL, "interrupted");
        }
        if (runner.isAlive()) {
            if (limitFirst) {
                runner.interrupt();
                return new Outcome(Outcome.Kind.CUT, "");
            }
            return new Outcome(Outcome.Kind.FAIL, "HANG: still running after " + watchdogSeconds + " s" + stacks());
        }
        Throwable e = failure.get();
        if (e != null) {
            String where = e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "";
            return new Outcome(Outcome.Kind.FAIL,
                    e + where + (e.getCause() != null && e.getCause() != e ? " caused by " + e.getCause() : ""));
        }
        return new Outcome(Outcome.Kind.PASS, summary.get());
    }

    /** The process's resident set now and at its peak (Linux), and the Java heap in use. */
    static String memoryLine() {
        String rss = "?";
        String hwm = "?";
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = line.substring(6).strip();
                } else if (line.startsWith("VmHWM:")) {
                    hwm = line.substring(6).strip();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux: report what the JVM knows only
        }
        Runtime rt = Runtime.getRuntime();
        return "RSS " + rss + " (peak " + hwm + "), heap used " + (rt.totalMemory() - rt.freeMemory()) / (1 << 20) + " MB";
    }

    private static String stacks() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey().getName().startsWith("torture")) {
                sb.append("\n       ").append(e.getKey().getName()).append(':');
                for (int i = 0; i < Math.min(8, e.getValue().length); i++) {
                    sb.append("\n         at ").append(e.getValue()[i]);
                }
            }
        }
        return sb.toString();
    }
}
