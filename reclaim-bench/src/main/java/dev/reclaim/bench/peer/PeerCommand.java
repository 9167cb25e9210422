package dev.reclaim.bench.peer;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;

/**
 * {@code reclaim peer treiber|msqueue|pin}: one measurement under the protocol the native peers (crossbeam-epoch,
 * libcds, liburcu) are measured with, so that figures compare across libraries. Each of {@code --threads}
 * threads does {@code ops / threads / 2} pairs of add then remove ({@code push(i); pop()} on a stack,
 * {@code offer(i); poll()} on a queue) and sums what it removed ({@code --guard-every K}: in batches of K pairs
 * under one guard the thread holds, through the structures' guard-taking operations); the threads start at a
 * barrier; one untimed
 * warm-up round, then {@code --rounds} timed rounds; the median round is reported in Mops/s (operations, two
 * per pair). One JVM per measurement: {@code reclaim-bench/scripts/peer-table} runs the whole table.
 *
 * <p>{@code pin} is crossbeam's {@code drop(epoch::pin())} loop: each thread enters and closes a guard
 * {@code ops / threads} times ({@code --impl floor}: a bare CAS + release store on the thread's own word, the
 * atomic floor of such a pin); it reports the median round's time per pin on each thread, in ns.
 *
 * <p>The last line is machine-readable: {@code RESULT <workload> <impl> <threads> <median Mops/s>}
 * ({@code <median ns per pin>} for {@code pin}).
 */
@Command(name = "peer", mixinStandardHelpOptions = true, sortOptions = false,
        description = "One peer-protocol measurement: threads x (ops/threads/2) add+remove pairs, barrier start,"
                + " a warm-up round, timed rounds, median Mops/s.")
public final class PeerCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "WORKLOAD", description = "treiber (push+pop), msqueue (offer+poll) or pin"
            + " (enter+close)")
    String workload;

    @Option(names = "--impl", paramLabel = "I", description = "heap (on-heap baseline), ebr, hp, robust or leak"
            + " (default: ${DEFAULT-VALUE})")
    String impl = "ebr";

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--ops", paramLabel = "OPS", description = "operations per round, all threads together"
            + " (default: ${DEFAULT-VALUE})")
    long ops = 20_000_000L;

    @Option(names = "--rounds", paramLabel = "R", description = "timed rounds after the warm-up (default:"
            + " ${DEFAULT-VALUE})")
    int rounds = 3;

    @Option(names = "--backoff", paramLabel = "B", description = "default (the structure's), none, standard or"
            + " MIN:MAX, optionally +count (a stack that counts its size) (default: ${DEFAULT-VALUE})")
    String backoff = "default";

    @Option(names = "--guard-every", paramLabel = "K", description = "pairs per guard: 1 (default) lets every"
            + " operation enter its own guard; K > 1 runs batches of K pairs under one guard held by the thread"
            + " (pop(Guard, long), offer/poll(Guard, long)); ignored by heap")
    int guardEvery = 1;

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public PeerCommand() {
    }

    /**
     * Runs the command outside the {@code reclaim} launcher, e.g. with an older build of the library first on
     * the class path: {@code java -cp peer-classes:old-reclaim.jar dev.reclaim.bench.peer.PeerCommand ...}.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerCommand()).execute(args));
    }

    /**
     * Runs the warm-up and timed rounds and prints them.
     *
     * @return 0, 1 if a checksum was wrong, 2 for bad options
     * @throws Exception if a worker fails
     */
    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (threads < 1 || rounds < 1 || ops < 2L * threads || guardEvery < 1) {
            spec.commandLine().getErr().println("reclaim peer: need --threads >= 1, --rounds >= 1, --guard-every >= 1"
                    + " and --ops >= 2 x threads; got threads=" + threads + ", rounds=" + rounds + ", ops=" + ops
                    + ", guard-every=" + guardEvery);
            return CommandLine.ExitCode.USAGE;
        }
        if (workload.equals("pin")) {
            return pin(out);
        }
        long pairs = ops / threads / 2;
        double[] mops = new double[rounds];
        try (PeerTarget target = PeerTarget.open(workload, impl, backoff, guardEvery > 1)) {
            for (int r = -1; r < rounds; r++) {
                long nanos = round(target, pairs);
                if (nanos < 0) {
                    out.println("peer: checksum mismatch in round " + r + ": a value was lost or duplicated");
                    out.flush();
                    return 1;
                }
                if (r >= 0) {
                    mops[r] = 2.0 * pairs * threads / (nanos / 1e3);
                }
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("reclaim peer: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        double[] sorted = mops.clone();
        Arrays.sort(sorted);
        double median = sorted[rounds / 2];
        StringBuilder line = new StringBuilder();
        for (double m : mops) {
            line.append(String.format(" %.1f", m));
        }
        out.printf("peer %s impl=%s threads=%d ops=%d backoff=%s%s: rounds%s Mops/s, median %.2f%n",
                workload, impl, threads, 2 * pairs * threads, backoff,
                guardEvery > 1 ? " guard-every=" + guardEvery : "", line, median);
        out.printf("RESULT %s %s %d %.3f%n", workload, impl, threads, median);
        out.flush();
        return 0;
    }

    /** The pin workload: ops / threads enter+close per thread per round; prints the median ns per pin. */
    private int pin(PrintWriter out) throws Exception {
        long n = ops / threads;
        double[] ns = new double[rounds];
        try (PinLoop loop = PinLoop.open(impl)) {
            for (int r = -1; r < rounds; r++) {
                long[] sink = new long[threads];
                long nanos = timed("pin-", index -> sink[index] = loop.run(n));
                for (long s : sink) {
                    if (s != n) {
                        out.println("peer: a pin was not open inside its loop (" + s + " of " + n + ")");
                        out.flush();
                        return 1;
                    }
                }
                if (r >= 0) {
                    ns[r] = (double) nanos / n;
                }
            }
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("reclaim peer: " + e.getMessage());
            return CommandLine.ExitCode.USAGE;
        }
        double[] sorted = ns.clone();
        Arrays.sort(sorted);
        StringBuilder line = new StringBuilder();
        for (double v : ns) {
            line.append(String.format(" %.2f", v));
        }
        out.printf("peer pin impl=%s threads=%d pins/thread=%d: rounds%s ns/pin, median %.3f%n", impl, threads, n,
                line, sorted[rounds / 2]);
        out.printf("RESULT pin %s %d %.3f%n", impl, threads, sorted[rounds / 2]);
        out.flush();
        return 0;
    }

    /** One round: returns its wall time in ns from the barrier's release to the last worker's end, or -1. */
    private long round(PeerTarget target, long pairs) throws Exception {
        long[] sums = new long[threads];
        Reclaimer reclaimer = guardEvery > 1 ? target.reclaimer() : null;
        long nanos = timed("peer-", index -> {
            long base = index * pairs;
            long sum = 0;
            if (reclaimer == null) {
                for (long i = 0; i < pairs; i++) {
                    target.add(base + i);
                    sum += target.remove(-1);
                }
            } else {
                for (long i = 0; i < pairs; ) {
                    long end = Math.min(pairs, i + guardEvery);
                    try (Guard g = reclaimer.enter()) {
                        for (; i < end; i++) {
                            target.add(g, base + i);
                            sum += target.remove(g, -1);
                        }
                    }
                }
            }
            sums[index] = sum;
        });
        // Every value pushed is popped (each thread removes only after it added, so nothing is ever empty):
        // the sums together must equal the sum of 0 .. threads * pairs - 1.
        long total = 0;
        for (long s : sums) {
            total += s;
        }
        long n = (long) threads * pairs;
        return total == n * (n - 1) / 2 ? nanos : -1;
    }

    /** One worker's part of a timed round. */
    @FunctionalInterface
    private interface Work {
        void run(int index) throws Exception;
    }

    /**
     * Starts {@code --threads} platform threads named {@code name + index} that wait at a barrier and then do
     * {@code work}; returns the wall time in ns from the barrier's release to the last worker's end.
     *
     * @throws Exception the first failure of a worker, once all have ended
     */
    private long timed(String name, Work work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        Thread[] workers = new Thread[threads];
        Exception[] failure = new Exception[1];
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers[t] = Thread.ofPlatform().name(name + t).start(() -> {
                try {
                    start.await();
                    work.run(index);
                } catch (Exception e) {
                    synchronized (failure) {
                        if (failure[0] == null) {
                            failure[0] = e;
                        }
                    }
                }
            });
        }
        start.await();
        long t0 = System.nanoTime();
        for (Thread w : workers) {
            w.join();
        }
        long nanos = System.nanoTime() - t0;
        synchronized (failure) {
            if (failure[0] != null) {
                throw failure[0];
            }
        }
        return nanos;
    }
}
