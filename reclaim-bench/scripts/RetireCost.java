import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.epoch.EpochReclaimer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The EBR retire path alone, at a chosen bag capacity and advance cadence: thread CPU nanoseconds per operation,
 * the minimum over repetitions after 3 warm-up repetitions (valid on a loaded machine, like PairCost). Large
 * values of both knobs (4096 and 100000000) leave the per-retire cost; the defaults (64 and 128) add the
 * per-bag work (seal, advance attempt, collection). The difference between the two is what the per-bag work
 * costs per retire.
 * <ul>
 *   <li>{@code pin}: {@code try (Guard g = r.enter()) {}}.</li>
 *   <li>{@code retire}: pin + retire with one deleter that frees nothing and reports no size.</li>
 *   <li>{@code retiresz}: the same with a deleter that reports a size (the slot's byte counter moves).</li>
 *   <li>{@code retire2}: two deleters alternating (every entry starts a new run of the batch free).</li>
 * </ul>
 * Compare two library builds by putting each in front of the class path in alternating runs (the figures
 * depend on how the JIT compiled the loop: compare within one program, never across programs).
 *
 * <pre>
 * ./reclaim build
 * java -cp reclaim-bench/target/reclaim.jar reclaim-bench/scripts/RetireCost.java [BAG=64] [ADVANCE=128]
 * </pre>
 */
public class RetireCost {
    static long sink;

    public static void main(String[] a) {
        int bag = a.length > 0 ? Integer.parseInt(a[0]) : 64;
        int advance = a.length > 1 ? Integer.parseInt(a[1]) : 128;
        int reps = 10;
        long n = 5_000_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (Reclaimer r = EpochReclaimer.builder().bagCapacity(bag).advanceEvery(advance).build()) {
            Deleter noop = p -> { };
            Deleter sized = new Sized();
            for (String part : new String[] {"pin", "retire", "retiresz", "retire2"}) {
                double best = Double.MAX_VALUE;
                for (int rep = 0; rep < reps; rep++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    switch (part) {
                        case "pin" -> pin(r, n);
                        case "retire" -> retire(r, n, noop, noop);
                        case "retiresz" -> retire(r, n, sized, sized);
                        default -> retire(r, n, noop, sized);
                    }
                    double ns = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
                    if (rep >= 3) {
                        best = Math.min(best, ns);
                    }
                }
                System.out.printf("bag %d advance %d %-9s %6.2f CPU ns/op%n", bag, advance, part, best);
            }
        }
    }

    /** Frees nothing, reports 16 bytes per pointer. */
    static final class Sized implements Deleter {
        @Override
        public void delete(long p) {
        }

        @Override
        public long sizeOf(long p) {
            return 16;
        }
    }

    static void pin(Reclaimer r, long n) {
        for (long i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                sink += g.isOpen() ? 0 : 1;
            }
        }
    }

    /** pin + retire of distinct never-freed pointers, deleters {@code d} and {@code e} alternating. */
    static void retire(Reclaimer r, long n, Deleter d, Deleter e) {
        for (long i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                g.retire(16 + i * 16, 0L, (i & 1) == 0 ? d : e);
            }
        }
    }
}
