import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the on-heap Treiber stack's 2-thread figure depends on what a thread does between its push and its pop: the
 * peer protocol's heap stack (push(i); pop(), no back-off) with one thing added per mode, so that the cost of
 * publishing a reader before the pop's read of the head (what every per-operation reclamation scheme must do) is
 * seen apart from everything else the off-heap stack does. Prints the median of 5 rounds in millions of pairs per
 * second and the failed CASes per pair.
 * <ul>
 *   <li>{@code heap}: the bare stack.</li>
 *   <li>{@code mark}: before each pop attempt an opaque store to a word of the thread's own (padded), after it a
 *       release store: the cheapest reader announcement there is (no fence; not even a correct EBR pin without
 *       an asymmetric fence).</li>
 *   <li>{@code markcas}: the announcement as a CAS on the thread's own word (a pin's claim), then a release store.</li>
 *   <li>{@code between:K} / {@code after:K}: K dependent multiply-adds (about 1.5 ns each here) between the push and
 *       the pop, or after the pop.</li>
 * </ul>
 *
 * <pre>
 * java reclaim-bench/scripts/TreiberWindow.java MODE THREADS [PAIRS_PER_THREAD=5000000]
 * for m in heap mark markcas between:8 after:8; do java reclaim-bench/scripts/TreiberWindow.java $m 2; done
 * </pre>
 */
public class TreiberWindow {
    static final class Node {
        final long value;
        Node next;

        Node(long value) {
            this.value = value;
        }
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int threads = Integer.parseInt(args[1]);
        long pairs = args.length > 2 ? Long.parseLong(args[2]) : 5_000_000L;
        String kind = mode.contains(":") ? mode.substring(0, mode.indexOf(':')) : mode;
        int k = mode.contains(":") ? Integer.parseInt(mode.substring(mode.indexOf(':') + 1)) : 0;
        double[] rate = new double[5];
        double failures = 0;
        for (int round = -1; round < rate.length; round++) {
            AtomicReference<Node> head = new AtomicReference<>();
            AtomicLongArray words = new AtomicLongArray(16 * (threads + 2)); // one 128-byte stretch per thread
            long[] fails = new long[16 * threads];
            long[] sums = new long[16 * threads];
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers[t] = Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    int word = 16 * (id + 1);
                    long sum = 0;
                    long x = id;
                    long failed = 0;
                    for (long i = 0; i < pairs; i++) {
                        Node n = new Node(i);
                        Node h;
                        do {
                            h = head.get();
                            n.next = h;
                        } while (!head.compareAndSet(h, n));
                        if (kind.equals("between")) {
                            x = work(x, k);
                        }
                        for (;;) {
                            if (kind.equals("mark")) {
                                words.setOpaque(word, i | 1);
                            } else if (kind.equals("markcas")) {
                                words.compareAndSet(word, 0, i | 1);
                            }
                            h = head.getAcquire();
                            boolean won = head.compareAndSet(h, h.next);
                            if (kind.startsWith("mark")) {
                                words.setRelease(word, 0);
                            }
                            if (won) {
                                sum += h.value;
                                break;
                            }
                            failed++;
                        }
                        if (kind.equals("after")) {
                            x = work(x, k);
                        }
                    }
                    sums[16 * id] = sum + (x == 42 ? 1 : 0);
                    fails[16 * id] = failed;
                });
            }
            start.await();
            long t0 = System.nanoTime();
            for (Thread w : workers) {
                w.join();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (round >= 0) {
                rate[round] = threads * pairs / seconds / 1e6;
                failures += Arrays.stream(fails).sum() / (double) (threads * pairs) / rate.length;
            }
        }
        double[] sorted = rate.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT %s threads=%d median %.2f Mpairs/s (rounds %s) failed CAS per pair %.3f%n", mode,
                threads, sorted[rate.length / 2], Arrays.toString(rate).replaceAll("(\\.\\d\\d)\\d*", "$1"), failures);
    }

    /** k dependent multiply-adds: local work the JIT cannot remove (the result is kept). */
    static long work(long x, int k) {
        for (int i = 0; i < k; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }
}
