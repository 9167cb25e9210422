import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * Where the slowest puts of a growing {@code LongOpenHashMap} spend their time, by thread CPU time (which, unlike
 * wall time, is not inflated when the machine is time-sliced between processes).
 * <ul>
 *   <li>{@code alloc}: {@code allocateZeroed} of each table size a map grown from 16 entries passes through
 *       (2^20 .. 2^maxBits entries of 16 bytes), then {@code free}, CPU and wall microseconds each: the cost
 *       the put that starts a resize pays for its new table; then the CPU time of touching every page (the
 *       page faults a resize's copy spreads over its chunks) and of freeing the touched block (what the
 *       operation that reclaims a retired table pays).</li>
 *   <li>{@code fill}: one thread puts N keys into a map made with the default constructor (EBR), timing each
 *       put by thread CPU time and wall time; prints the percentiles of the smaller of the two per put (each is
 *       an upper bound: wall time includes descheduling, and thread CPU time is charged in scheduler-tick steps
 *       on some VMs) and the slowest puts, each with the table capacity and the completed resizes before and
 *       after it.</li>
 * </ul>
 *
 * <pre>
 * ./reclaim build
 * java --enable-native-access=ALL-UNNAMED -Xmx2g -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/ResizeProbe.java alloc|fill [N=10000000 | MAXBITS=28]
 * </pre>
 * Run it with an older jar on the class path for before/after figures.
 */
public class ResizeProbe {
    static long sink;

    public static void main(String[] a) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (a[0].equals("alloc")) {
            int maxBits = a.length > 1 ? Integer.parseInt(a[1]) : 26;
            try (SlabAllocator al = SlabAllocator.builder().name("probe").sanitize(false).build()) {
                for (int bits = 20; bits <= maxBits; bits++) {
                    long bytes = ((1L << bits) + 1) * 16 + 64;
                    long c0 = mx.getCurrentThreadCpuTime();
                    long w0 = System.nanoTime();
                    long b = al.allocateZeroed(bytes);
                    long w1 = System.nanoTime();
                    long c1 = mx.getCurrentThreadCpuTime();
                    for (long o = 0; o < bytes; o += 4096) {
                        dev.reclaim.memory.Memory.putLong(b + o, o); // plain: touches every page, as a table fills
                    }
                    long c2 = mx.getCurrentThreadCpuTime();
                    al.free(b);
                    long c3 = mx.getCurrentThreadCpuTime();
                    System.out.printf("alloc 2^%d entries (%d MiB): allocateZeroed %.1f CPU us (%.1f wall us),"
                            + " touching every page %.1f CPU us, free %.1f CPU us%n", bits, bytes >> 20,
                            (c1 - c0) / 1e3, (w1 - w0) / 1e3, (c2 - c1) / 1e3, (c3 - c2) / 1e3);
                }
            }
            return;
        }
        long n = a.length > 1 ? Long.parseLong(a[1]) : 10_000_000L;
        int[] cpu = new int[(int) n];
        int top = 24;
        long[][] slow = new long[top][]; // {min, cpu, wall ns, index, capacity and resizes before, after}
        try (SlabAllocator al = SlabAllocator.builder().name("probe").sanitize(false).build();
             Reclaimer r = Scheme.EBR.create();
             LongOpenHashMap map = new LongOpenHashMap(r, al)) {
            long min = 0;
            for (int i = 0; i < n; i++) {
                long k = mix(2L * i + 2);
                long cap0 = map.capacity();
                long rs0 = map.resizeCount();
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                map.put(k, i, -1);
                long w1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                // thread CPU time is charged in scheduler-tick steps on some VMs (a put of 4 wall us can read
                // 4 ms of CPU), and wall time includes descheduling: both are upper bounds, so take the smaller
                long c = Math.min(c1 - c0, w1 - w0);
                cpu[i] = (int) Math.min(Integer.MAX_VALUE, c);
                if (c > min) {
                    int at = 0;
                    for (int j = 0; j < top; j++) {
                        if (slow[j] == null) {
                            at = j;
                            break;
                        }
                        if (slow[j][0] < slow[at][0]) {
                            at = j;
                        }
                    }
                    slow[at] = new long[] {c, c1 - c0, w1 - w0, i, cap0, map.capacity(), rs0, map.resizeCount()};
                    min = Long.MAX_VALUE;
                    for (long[] s : slow) {
                        min = s == null ? 0 : Math.min(min, s[0]);
                    }
                }
            }
            sink += map.size();
        }
        Arrays.sort(cpu);
        System.out.printf("fill %d puts, min(CPU, wall) us: p50 %.2f p99 %.2f p99.9 %.2f p99.99 %.1f max %.1f%n", n,
                cpu[(int) (n * 0.5)] / 1e3, cpu[(int) (n * 0.99)] / 1e3, cpu[(int) (n * 0.999)] / 1e3,
                cpu[(int) (n * 0.9999)] / 1e3, cpu[(int) n - 1] / 1e3);
        Arrays.sort(slow, (x, y) -> Long.compare(y[0], x[0]));
        for (long[] s : slow) {
            System.out.printf("  put #%d: %.1f CPU us, %.1f wall us, capacity %d -> %d, resizes %d -> %d%n",
                    s[3], s[1] / 1e3, s[2] / 1e3, s[4], s[5], s[6], s[7]);
        }
    }

    /** A bijective scramble of the key index (xor-shift-multiply), so that keys land all over the table. */
    static long mix(long x) {
        x = (x ^ (x >>> 33)) * 0xff51afd7ed558ccdL;
        x = (x ^ (x >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return x ^ (x >>> 33);
    }
}
