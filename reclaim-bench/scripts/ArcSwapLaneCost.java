import dev.reclaim.arc.*;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where the time of one {@code ArcSwap.load()} + close goes on the lane path, on a platform thread and on a
 * virtual thread (which loads into its carrier's lane): each part in a loop of its own, ns per operation, the
 * minimum over repetitions (wall time of short repetitions: a preempted one is only slower, so the minimum is
 * what the code costs). One thread runs at a time and never yields, so this is the code's own cost, without the
 * cache effects of many threads taking turns ({@code ArcSwapBurst.java} measures those).
 * <ul>
 *   <li>{@code plain}: {@code AtomicReference.get()} and a read of the value: the floor.</li>
 *   <li>{@code carrier-id}: the carrier identity ({@code pthread_self}, a critical downcall).</li>
 *   <li>{@code lane-lookup}: finding a free slot of the caller's lane (what {@code load()} does before its debt
 *       store): on a virtual thread the carrier identity and the carrier index lookup.</li>
 *   <li>{@code load-close}: {@code load()}, {@code get()} and {@code close()}.</li>
 * </ul>
 * Package-private parts are reached by reflection (the jar is on the class path: its packages are open).
 *
 * <pre>
 * ./reclaim build
 * java --enable-native-access=ALL-UNNAMED -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/ArcSwapLaneCost.java [ROUNDS=3] [REPS=40] [OPS=200000]
 * </pre>
 */
public class ArcSwapLaneCost {
    static final ArcSwap<long[]> SWAP = ArcSwap.of(Arc.of(new long[] {1}, v -> { }));
    static final AtomicReference<long[]> REF = new AtomicReference<>(new long[] {1});
    static final MethodHandle CARRIER_ID;
    static final MethodHandle FREE_SLOT;
    static volatile long sink;

    static {
        try {
            Class<?> cid = Class.forName("dev.reclaim.arc.CarrierId");
            CARRIER_ID = MethodHandles.privateLookupIn(cid, MethodHandles.lookup())
                    .findStatic(cid, "current", MethodType.methodType(long.class));
            Class<?> lane = Class.forName("dev.reclaim.arc.DebtLane");
            Class<?> guard = Class.forName("dev.reclaim.arc.DebtGuard");
            FREE_SLOT = MethodHandles.privateLookupIn(lane, MethodHandles.lookup())
                    .findStatic(lane, "freeSlot", MethodType.methodType(guard, Thread.class))
                    .asType(MethodType.methodType(Object.class, Thread.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static long plain(int ops) {
        long s = 0;
        for (int i = 0; i < ops; i++) {
            s += REF.get()[0];
        }
        return s;
    }

    static long carrierId(int ops) throws Throwable {
        long s = 0;
        for (int i = 0; i < ops; i++) {
            s += (long) CARRIER_ID.invokeExact();
        }
        return s;
    }

    static long laneLookup(int ops) throws Throwable {
        long s = 0;
        Thread me = Thread.currentThread();
        for (int i = 0; i < ops; i++) {
            s += (Object) FREE_SLOT.invokeExact(me) == null ? 0 : 1;
        }
        return s;
    }

    static long loadClose(int ops) {
        long s = 0;
        for (int i = 0; i < ops; i++) {
            try (ArcGuard<long[]> g = SWAP.load()) {
                s += g.get()[0];
            }
        }
        return s;
    }

    interface Part {
        long run(int ops) throws Throwable;
    }

    /** Min ns per op of {@code part} over {@code reps} repetitions, on the calling thread. */
    static double min(Part part, int reps, int ops) throws Throwable {
        long best = Long.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            sink += part.run(ops);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return (double) best / ops;
    }

    /** Runs {@code body} on a new thread of the given kind and waits for it. */
    static double on(boolean virtual, Part part, int reps, int ops) throws Exception {
        double[] out = new double[1];
        Runnable r = () -> {
            try {
                out[0] = min(part, reps, ops);
            } catch (Throwable t) {
                throw new RuntimeException(t);
            }
        };
        Thread t = virtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().start(r);
        t.join();
        return out[0];
    }

    public static void main(String[] a) throws Exception {
        int rounds = a.length > 0 ? Integer.parseInt(a[0]) : 3;
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 40;
        int ops = a.length > 2 ? Integer.parseInt(a[2]) : 200_000;
        String[] names = {"plain", "carrier-id", "lane-lookup", "load-close"};
        Part[] parts = {ArcSwapLaneCost::plain, ArcSwapLaneCost::carrierId, ArcSwapLaneCost::laneLookup,
            ArcSwapLaneCost::loadClose};
        double[][] best = new double[2][parts.length];
        for (double[] b : best) {
            java.util.Arrays.fill(b, Double.MAX_VALUE);
        }
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < 2; k++) {
                boolean virtual = k == 1;
                StringBuilder line = new StringBuilder("round " + round + (virtual ? " virtual " : " platform"));
                for (int p = 0; p < parts.length; p++) {
                    double ns = on(virtual, parts[p], reps, ops);
                    best[k][p] = Math.min(best[k][p], ns);
                    line.append(String.format("  %s %.2f", names[p], ns));
                }
                System.out.println(line);
            }
        }
        for (int k = 0; k < 2; k++) {
            StringBuilder line = new StringBuilder(k == 1 ? "min virtual " : "min platform");
            for (int p = 0; p < parts.length; p++) {
                line.append(String.format("  %s %.2f", names[p], best[k][p]));
            }
            System.out.println(line + " ns/op");
        }
        SWAP.close();
    }
}
