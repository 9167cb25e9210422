import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The cost of moving one cache line between two cores, right now: two platform threads pass a counter back and
 * forth through one padded word (each waits with acquire loads for the other's release store), and the median
 * nanoseconds per round trip of several runs is printed. A round trip is two line transfers.
 *
 * <p>Why it exists: on the 2-vCPU cloud machines this project is measured on, the host moves the two vCPUs
 * between placements whose transfer cost differs about threefold (seen: ~110-190 ns against ~430-510 ns per round
 * trip, switching between one JVM and the next). Every multi-threaded figure follows it (the Michael-Scott queue
 * at 8 threads runs ~17-20 or ~5-8 Mops/s, the heap queue too), so a comparison is only fair between runs made in
 * the same placement: print this before and after a series ({@code peer-table} does) and compare within one.
 *
 * <p>Run it with nothing else busy (both threads spin; with more runnable threads than cores it measures the
 * scheduler instead).
 *
 * <pre>
 * java reclaim-bench/scripts/CoreLatency.java [ROUND_TRIPS=200000] [RUNS=5]     (after one untimed run)
 * </pre>
 * Output: {@code CORE_LATENCY <median ns per round trip> (runs: ...)}.
 */
public class CoreLatency {
    /** The shared word sits at index 16 of 32 longs: 128 bytes of padding on each side. */
    private static final int AT = 16;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    public static void main(String[] a) throws Exception {
        int trips = a.length > 0 ? Integer.parseInt(a[0]) : 200_000;
        int runs = a.length > 1 ? Integer.parseInt(a[1]) : 5;
        run(trips); // warm-up: the loops get compiled
        double[] ns = new double[runs];
        for (int r = 0; r < runs; r++) {
            ns[r] = run(trips);
        }
        double[] sorted = ns.clone();
        Arrays.sort(sorted);
        StringBuilder all = new StringBuilder();
        for (double x : ns) {
            all.append(all.isEmpty() ? "" : " ").append(String.format("%.0f", x));
        }
        System.out.printf("CORE_LATENCY %.0f (runs: %s ns per round trip)%n", sorted[runs / 2], all);
    }

    private static double run(int trips) throws InterruptedException {
        long[] line = new long[2 * AT];
        Thread echo = Thread.ofPlatform().start(() -> {
            for (long i = 0; i < trips; i++) {
                while ((long) WORD.getAcquire(line, AT) != 2 * i + 1) { // acquire: pairs with main's release
                    Thread.onSpinWait();
                }
                WORD.setRelease(line, AT, 2 * i + 2); // release: pairs with main's acquire load
            }
        });
        long t0 = System.nanoTime();
        for (long i = 0; i < trips; i++) {
            WORD.setRelease(line, AT, 2 * i + 1); // release: pairs with the echo thread's acquire load
            while ((long) WORD.getAcquire(line, AT) != 2 * i + 2) { // acquire: pairs with the echo's release
                Thread.onSpinWait();
            }
        }
        long t1 = System.nanoTime();
        echo.join();
        return (t1 - t0) / (double) trips;
    }
}
