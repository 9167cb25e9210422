import dev.reclaim.arc.*;
import java.util.Arrays;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * Burst-timed cost of {@code ArcSwap.load()} + {@code get()} + close from many virtual-thread readers against the
 * same reads on platform threads, without the thread starts and yields that make up most of
 * {@code ArcSwapVirtualBench}'s figure (and most of its noise). Each reader does 64 reads in runs of 16 between
 * yields (virtual threads: {@code Thread.yield()} after each run, outside the guard) and times every run with
 * {@code System.nanoTime()}; runs slower than 20 µs (preemption) are dropped. The same with
 * {@code AtomicReference.get()} is subtracted, so a figure is ns per load + close over a plain read. Each round runs
 * the four variants (virtual/platform x load/plain) in turn; printed per round and as medians.
 *
 * <pre>
 * ./reclaim build
 * java --enable-native-access=ALL-UNNAMED -Xmx2g -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/ArcSwapBurst.java [ROUNDS=6] [READERS=100000]
 * </pre>
 */
public class ArcSwapBurst {
    static final int OPS = 64, RUN = 16;
    static ArcSwap<long[]> swap = ArcSwap.of(Arc.of(new long[] {1}, v -> { }));
    static final AtomicReference<long[]> REF = new AtomicReference<>(new long[] {1});
    static volatile long sink;

    /** One reader: its timed runs' total ns and count added to the accumulators. */
    static void reader(boolean load, boolean virtual, LongAdder ns, LongAdder runs) {
        long s = 0;
        for (int r = 0; r < OPS / RUN; r++) {
            long t0 = System.nanoTime();
            if (load) {
                for (int j = 0; j < RUN; j++) {
                    try (ArcGuard<long[]> g = swap.load()) {
                        s += g.get()[0];
                    }
                }
            } else {
                for (int j = 0; j < RUN; j++) {
                    s += REF.get()[0];
                }
            }
            long d = System.nanoTime() - t0;
            if (d < 20_000) {
                ns.add(d);
                runs.increment();
            }
            if (virtual) {
                Thread.yield();
            }
        }
        sink += s;
    }

    /** ns per read of one variant. */
    static double run(boolean load, boolean virtual, int readers) throws Exception {
        LongAdder ns = new LongAdder(), runs = new LongAdder();
        if (virtual) {
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < readers; i++) {
                    ex.submit(() -> reader(load, true, ns, runs));
                }
            }
        } else {
            int n = Runtime.getRuntime().availableProcessors();
            Thread[] ts = new Thread[n];
            for (int t = 0; t < n; t++) {
                int share = readers / n;
                ts[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < share; i++) {
                        reader(load, false, ns, runs);
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        return (double) ns.sum() / (runs.sum() * RUN);
    }

    public static void main(String[] a) throws Exception {
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 6;
        int readers = a.length > 1 ? Integer.parseInt(a[1]) : 100_000;
        for (int w = 0; w < 2; w++) { // warm-up
            run(true, true, readers); run(false, true, readers); run(true, false, readers); run(false, false, readers);
        }
        double[] v = new double[rounds], p = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            double vl = run(true, true, readers), vp = run(false, true, readers);
            double pl = run(true, false, readers), pp = run(false, false, readers);
            v[r] = vl - vp;
            p[r] = pl - pp;
            System.out.printf("round %d: virtual %.1f - %.1f = %.1f, platform %.1f - %.1f = %.1f ns, ratio %.2f%n",
                    r, vl, vp, v[r], pl, pp, p[r], v[r] / p[r]);
        }
        Arrays.sort(v);
        Arrays.sort(p);
        System.out.printf("median: virtual %.1f, platform %.1f ns per load + close over a plain read, ratio %.2f%n",
                v[rounds / 2], p[rounds / 2], v[rounds / 2] / p[rounds / 2]);
        swap.close();
    }
}
