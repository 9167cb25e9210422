package dev.reclaim.bench.torture;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./reclaim torture}: every scheme x structure under the sanitizer with randomized operations, plus
 * fault injection (stalled readers, threads dying inside guards, allocator exhaustion, throwing deleters).
 *
 * <p>Runs rounds of every case until {@code --minutes} is used up (at least one round), each case in its own
 * thread under a watchdog, with a seed derived from {@code --seed} and the round. It prints one line per case
 * run and ends with {@code N passed, M failed}; a failure line carries the seed that reproduces it
 * ({@code --seed S --rounds 1 --only NAME}). Exit code 0 when nothing failed, 1 otherwise, 2 on bad options.
 */
@Command(name = "torture", mixinStandardHelpOptions = true,
        description = {"Every scheme x structure under the use-after-free sanitizer with randomized operations,",
                "plus fault injection. Prints one line per case and ends with 'N passed, M failed'."})
public final class TortureCommand implements Callable<Integer> {

    @Option(names = "--minutes", description = "run rounds until this many minutes have passed (default: one round)")
    double minutes = 0;

    @Option(names = "--threads", description = "worker threads per case (default: ${DEFAULT-VALUE})")
    int threads = 4;

    @Option(names = "--seed", description = "master seed (default: random, printed)")
    Long seed;

    @Option(names = "--rounds", description = "stop after this many rounds (default: as many as --minutes allows)")
    int rounds = Integer.MAX_VALUE;

    @Option(names = "--only", description = "run only the cases whose name contains this text")
    String only;

    @Option(names = "--watchdog-seconds", description = "a case running longer is a hang (default: ${DEFAULT-VALUE})")
    int watchdogSeconds = 180;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public TortureCommand() {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1 || minutes < 0 || rounds < 1 || watchdogSeconds < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads, --rounds and --watchdog-seconds must be at least 1 and --minutes at least 0");
        }
        long master = seed != null ? seed : new Random().nextLong();
        List<TortureCase> cases = TortureCases.all().stream()
                .filter(c -> only == null || c.name().contains(only)).toList();
        if (cases.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no case name contains '" + only + "'");
        }
        out.printf("torture: %d cases, %d threads, seed %d, %s; %s%n", cases.size(), threads, master,
                minutes > 0 ? minutes + " minutes" : "one round", memoryLine());
        out.flush();
        long deadline = System.nanoTime() + (long) (minutes * 60e9);
        int passed = 0;
        int failed = 0;
        for (int round = 0; round < rounds; round++) {
            long roundSeed = master + round * 0x9E3779B97F4A7C15L;
            for (TortureCase c : cases) {
                long t0 = System.nanoTime();
                String[] outcome = runWatched(c, roundSeed, threads, watchdogSeconds);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                boolean ok = outcome[0] == null;
                if (ok) {
                    passed++;
                    out.printf("PASS %-32s %6d ms  %s%n", c.name(), ms, outcome[1]);
                } else {
                    failed++;
                    out.printf("FAIL %-32s %6d ms  %s%n     reproduce: ./reclaim torture --seed %d --threads %d"
                                    + " --rounds 1 --only '%s'  (round %d)%n",
                            c.name(), ms, outcome[0], roundSeed, threads, c.name(), round);
                }
                out.flush();
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
        }
        System.gc();
        out.printf("torture: end; %s%n", memoryLine());
        out.printf("%d passed, %d failed%n", passed, failed);
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    /** Runs one case in its own thread; returns {failure message or null, summary}. */
    private static String[] runWatched(TortureCase c, long seed, int threads, int watchdogSeconds) {
        AtomicReference<String> summary = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().name("torture-case").daemon(true).start(() -> {
            try {
                summary.set(c.run(seed, threads));
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        try {
            runner.join(watchdogSeconds * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new String[]{"interrupted", null};
        }
        if (runner.isAlive()) {
            return new String[]{"HANG: still running after " + watchdogSeconds + " s" + stacks(), null};
        }
        Throwable e = failure.get();
        if (e != null) {
            String where = e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : "";
            return new String[]{e + where + (e.getCause() != null && e.getCause() != e ? " caused by " + e.getCause() : ""),
                    null};
        }
        return new String[]{null, summary.get()};
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
