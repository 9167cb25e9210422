package dev.reclaim.examples.birdcage;

import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code reclaim demo birdcage}: runs the {@link BirdCage} with several threads and checks that the reclaimer
 * neither freed a canary too early (no reader saw a dead canary) nor lost one (after closing, every allocated
 * canary was freed and the allocator holds no block).
 *
 * <p>Each of {@code --threads} threads loops {@code --iterations} times: access a random slot, then replace a
 * random slot with a fresh canary. The demo prints the throughput (accesses plus replacements per second),
 * the canaries allocated, freed and pending at the end of the run, then closes the cage and the reclaimer
 * (which runs every pending deleter) and prints the counts again.
 *
 * <p>Exit codes: 0 success; 1 a check failed (dead canary read, canary never freed, live allocator blocks,
 * a worker thread threw); 2 bad options. With {@code --scheme leak} canaries are never freed by design: the
 * equality check is skipped (the allocator is still closed, which returns all memory).
 */
@Command(name = "birdcage", mixinStandardHelpOptions = true, sortOptions = false,
        description = "The crossbeam-epoch BirdCage, off-heap: threads read canaries while others replace and"
                + " retire them. Checks that no reader sees a dead canary and that every canary is freed.")
public final class BirdCageDemo implements Callable<Integer> {

    @Option(names = "--scheme", paramLabel = "ID", defaultValue = "ebr",
            completionCandidates = SchemeIds.class,
            description = "reclamation scheme: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    String scheme;

    /** The scheme ids, for the help text. */
    static final class SchemeIds extends java.util.ArrayList<String> {
        private static final long serialVersionUID = 1L;

        SchemeIds() {
            for (Scheme s : Scheme.values()) {
                add(s.id());
            }
        }
    }

    @Option(names = "--threads", paramLabel = "T", defaultValue = "4",
            description = "worker threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--slots", paramLabel = "N", defaultValue = "64",
            description = "slots in the cage (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--iterations", paramLabel = "I", defaultValue = "1000000",
            description = "access+replace rounds per thread (default: ${DEFAULT-VALUE})")
    long iterations;

    @Option(names = "--sanitize",
            description = "sanitizer mode: every off-heap access is checked; a use after free throws")
    boolean sanitize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "seed of the slot choices (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private Report report;

    /**
     * What one run found; the demo's exit code follows from it.
     *
     * @param scheme            the scheme id
     * @param operations        accesses plus replacements performed
     * @param seconds           wall time of the threaded run
     * @param allocatedAtEnd    canaries allocated when the threads finished
     * @param freedAtEnd        canaries freed when the threads finished
     * @param allocatedAfterClose canaries allocated, after closing cage and reclaimer
     * @param freedAfterClose   canaries freed, after closing cage and reclaimer
     * @param liveBlocksAfterClose allocator blocks still live after closing cage and reclaimer (before closing
     *                          the allocator)
     * @param deadReads         accesses that saw a dead or torn canary
     * @param failure           why the run failed, or null when it succeeded
     */
    public record Report(String scheme, long operations, double seconds, long allocatedAtEnd, long freedAtEnd,
                         long allocatedAfterClose, long freedAfterClose, long liveBlocksAfterClose,
                         long deadReads, String failure) {

        /**
         * Throughput of the run.
         *
         * @return operations per second
         */
        public double opsPerSecond() {
            return seconds > 0 ? operations / seconds : 0;
        }
    }

    /** Creates the command with its default options (picocli fills them in). */
    public BirdCageDemo() {
    }

    /**
     * Runs the demo stand-alone.
     *
     * @param args the options; see {@code --help}
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BirdCageDemo()).execute(args));
    }

    /**
     * The report of the last {@link #call()}, for tests.
     *
     * @return the report, or null before the first run or when the options were rejected
     */
    public Report report() {
        return report;
    }

    /**
     * Runs the demo with the parsed options and prints the results.
     *
     * @return the exit code: 0 success, 1 a check failed, 2 bad options
     */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Scheme chosen;
        try {
            chosen = Scheme.fromId(scheme);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--scheme: " + e.getMessage());
        }
        if (threads < 1 || slots < 1 || iterations < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads and --slots must be at least 1 and --iterations at least 0; got --threads "
                            + threads + " --slots " + slots + " --iterations " + iterations);
        }
        boolean leak = chosen == Scheme.LEAK;
        out.printf(Locale.ROOT, "birdcage: scheme=%s threads=%d slots=%d iterations=%d/thread mode=%s%n",
                chosen.id(), threads, slots, iterations, sanitize ? "sanitizer" : "fast");
        out.flush();

        SlabAllocator.Builder allocatorBuilder = SlabAllocator.builder().name("birdcage").sanitize(sanitize);
        if (leak) { // the leak scheme never frees canaries by design: closing with live blocks is expected
            allocatorBuilder.onLeak(SlabAllocator.OnLeak.IGNORE);
        }
        SlabAllocator allocator = allocatorBuilder.build();
        Reclaimer reclaimer = chosen.create();
        BirdCage cage = null;
        AtomicReference<Throwable> workerError = new AtomicReference<>();
        long operations = 0;
        double seconds = 0;
        long allocatedAtEnd = 0;
        long freedAtEnd = 0;
        long deadReads = 0;
        String failure = null;
        try {
            cage = new BirdCage(reclaimer, allocator, slots);
            seconds = runThreads(cage, workerError);
            operations = 2 * (long) threads * iterations;
            allocatedAtEnd = cage.allocated();
            freedAtEnd = cage.freed();
            deadReads = cage.deadReads();
            ReclaimerStats rs = reclaimer.stats();
            out.printf(Locale.ROOT, "  throughput: %,d ops (access + replace) in %.3f s = %,.0f ops/s%n",
                    operations, seconds, seconds > 0 ? operations / seconds : 0.0);
            out.printf(Locale.ROOT, "  canaries:   allocated %,d  freed %,d  pending %,d (%d in the cage, %,d retired"
                    + " and not yet freed)%n", allocatedAtEnd, freedAtEnd, allocatedAtEnd - freedAtEnd, slots,
                    allocatedAtEnd - freedAtEnd - slots);
            out.printf(Locale.ROOT, "  reclaimer:  retired %,d  reclaimed %,d  pending %,d  peak pending %,d%n",
                    rs.retired(), rs.reclaimed(), rs.pending(), rs.peakPending());
            out.printf(Locale.ROOT, "  dead reads: %d%n", deadReads);
        } catch (RuntimeException | Error e) {
            workerError.compareAndSet(null, e);
        }

        out.println("closing the cage and the reclaimer (runs every pending deleter) ...");
        long allocatedAfter = -1;
        long freedAfter = -1;
        long liveAfter = -1;
        try {
            if (cage != null) {
                cage.close();
            }
            reclaimer.close();
            if (cage != null) {
                allocatedAfter = cage.allocated();
                freedAfter = cage.freed();
            }
            liveAfter = allocator.stats().liveBlocks();
            out.printf(Locale.ROOT, "  after close: allocated %,d  freed %,d  allocator live blocks %,d%n",
                    allocatedAfter, freedAfter, liveAfter);
        } catch (RuntimeException e) {
            failure = "closing the cage or the reclaimer failed: " + e;
        } finally {
            try {
                allocator.close();
            } catch (RuntimeException e) {
                if (!leak && failure == null) {
                    failure = "closing the allocator failed: " + e;
                }
            }
        }

        Throwable t = workerError.get();
        if (t != null) {
            failure = "a worker thread failed: " + t;
            t.printStackTrace(err);
        } else if (deadReads != 0) {
            failure = deadReads + " accesses read a dead or torn canary: the reclaimer freed a canary that a"
                    + " reader still had protected";
        } else if (failure == null && !leak && (allocatedAfter != freedAfter || liveAfter != 0)) {
            failure = "not every canary was freed: allocated " + allocatedAfter + ", freed " + freedAfter
                    + ", allocator live blocks " + liveAfter + " (a deleter was dropped or never run)";
        }
        report = new Report(chosen.id(), operations, seconds, allocatedAtEnd, freedAtEnd, allocatedAfter, freedAfter,
                liveAfter, deadReads, failure);
        if (failure != null) {
            err.println("birdcage: FAILED: " + failure);
            err.flush();
            out.flush();
            return 1;
        }
        if (leak) {
            out.printf(Locale.ROOT, "OK: no dead canary read. The leak scheme never frees canaries by design"
                    + " (%,d not freed); closing the allocator returned their memory.%n", allocatedAfter - freedAfter);
        } else {
            out.println("OK: no dead canary read, and every canary was freed (allocated == freed, 0 live blocks).");
        }
        out.flush();
        return 0;
    }

    /** Runs the worker threads; returns the wall time in seconds from start signal to the last join. */
    private double runThreads(BirdCage cage, AtomicReference<Throwable> error) {
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch start = new CountDownLatch(1);
        Thread[] workers = new Thread[threads];
        long[] sinks = new long[threads];
        for (int t = 0; t < threads; t++) {
            int index = t;
            SplittableRandom random = new SplittableRandom(seed + 0x51ED * t);
            workers[t] = Thread.ofPlatform().name("birdcage-" + t).unstarted(() -> {
                ready.countDown();
                try {
                    start.await();
                    long sink = 0;
                    int n = cage.slots();
                    for (long k = 0; k < iterations; k++) {
                        sink ^= cage.access(random.nextInt(n));
                        cage.replace(random.nextInt(n));
                        if ((k & 0x3FF) == 0 && error.get() != null) {
                            break; // another worker failed: stop early
                        }
                    }
                    sinks[index] = sink;
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            workers[t].start();
        }
        boolean interrupted = false;
        long t0 = 0;
        try {
            ready.await();
            t0 = System.nanoTime();
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            error.compareAndSet(null, e);
            start.countDown();
            for (Thread w : workers) {
                w.interrupt();
                while (w.isAlive()) { // the cage must not be closed under a running worker
                    try {
                        w.join();
                    } catch (InterruptedException again) {
                        // keep joining; the interrupt is restored below
                    }
                }
            }
        }
        long t1 = System.nanoTime();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return (t1 - t0) / 1e9;
    }
}
