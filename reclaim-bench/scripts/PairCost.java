import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.Backoff;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * Where a one-thread Treiber push+pop pair's time goes: the pair itself and its parts, each as thread CPU
 * nanoseconds per operation, the minimum over repetitions after 3 warm-up repetitions. CPU time, unlike wall
 * time, is not inflated when the machine is time-sliced between processes, so the parts can be compared on a
 * loaded machine (a core shared with another hardware thread still slows every figure alike).
 * <ul>
 *   <li>{@code pair}: {@code push(i); pop()} on a {@code TreiberStack} without back-off.</li>
 *   <li>{@code batched}: the same pairs in batches of 64 under one guard ({@code pop(Guard, long)}).</li>
 *   <li>{@code cas2}: the floor of a pair: one preallocated off-heap node pushed and popped with the stack's two
 *       CASes and loads, no allocation, no guard, no retire.</li>
 *   <li>{@code pin}: {@code try (Guard g = r.enter()) {}}.</li>
 *   <li>{@code allocbatch}: 64 {@code allocate(32)} then one {@code deleteAll} of them (what a reclaimer's
 *       batch free costs per block, plus the allocation).</li>
 *   <li>{@code retire}: pin + {@code retire} with a deleter that frees nothing and reports no size (the
 *       reclaimer's own bookkeeping, collection included).</li>
 *   <li>{@code sizeof}: pin + retire with the allocator as the deleter, of blocks never really freed (a
 *       deleter that only asks {@code sizeOf}): what the allocator's size lookup adds per retire.</li>
 * </ul>
 *
 * <pre>
 * ./reclaim build
 * java --enable-native-access=ALL-UNNAMED -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/PairCost.java ebr|hp|robust [REPS=8] [OPS=5000000]
 * (-DotherThread=true: a second, idle thread holds a cache of the allocator, as when another thread made the
 * structure)
 * </pre>
 */
public class PairCost {
    static long sink;

    public static void main(String[] a) throws InterruptedException {
        Scheme scheme = Scheme.fromId(a[0]);
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 8;
        long n = a.length > 2 ? Long.parseLong(a[2]) : 5_000_000;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (SlabAllocator al = SlabAllocator.builder().name("pair-cost").sanitize(false).build();
             Reclaimer r = scheme.create(); // closed before the allocator: its pending frees go back first
             TreiberStack st = TreiberStack.builder(r, al).backoff(Backoff.none()).build()) {
            for (int i = 0; i < 1024; i++) {
                st.push(i);
            }
            if (Boolean.getBoolean("otherThread")) { // a second thread holding a cache of this allocator
                CountDownLatch registered = new CountDownLatch(1);
                Thread.ofPlatform().daemon().name("pair-cost-other").start(() -> {
                    al.free(al.allocate(16));
                    registered.countDown();
                    LockSupport.park();
                });
                registered.await();
            }
            Deleter noop = p -> { };
            Deleter sizeOnly = new Deleter() {
                @Override
                public void delete(long p) {
                }

                @Override
                public long sizeOf(long p) {
                    return al.sizeOf(p);
                }
            };
            long block = al.allocate(32);
            for (String part : new String[] {"pair", "batched", "cas2", "pin", "allocbatch", "retire", "sizeof"}) {
                double best = Double.MAX_VALUE;
                for (int rep = 0; rep < reps; rep++) {
                    long t0 = mx.getCurrentThreadCpuTime();
                    switch (part) {
                        case "pair" -> pair(st, n);
                        case "batched" -> batched(st, r, n);
                        case "cas2" -> cas2(al, block, n);
                        case "pin" -> pin(r, n);
                        case "allocbatch" -> allocBatch(al, n);
                        case "retire" -> retire(r, n, noop, 16, 16);
                        default -> retire(r, n, sizeOnly, block, 0);
                    }
                    double ns = (mx.getCurrentThreadCpuTime() - t0) / (double) n;
                    if (rep >= 3) {
                        best = Math.min(best, ns);
                    }
                }
                System.out.printf("%s %-10s %6.2f CPU ns/op%n", scheme.id(), part, best);
            }
            al.free(block);
            while (st.pop(-1) != -1) {
                sink++;
            }
        }
    }

    static void pair(TreiberStack st, long n) {
        long s = 0;
        for (long i = 0; i < n; i++) {
            st.push(i);
            s += st.pop(-1);
        }
        sink += s;
    }

    static void batched(TreiberStack st, Reclaimer r, long n) {
        long s = 0;
        for (long i = 0; i < n; ) {
            try (Guard g = r.enter()) {
                for (long end = Math.min(n, i + 64); i < end; i++) {
                    st.push(i);
                    s += st.pop(g, -1);
                }
            }
        }
        sink += s;
    }

    /** Push and pop of {@code node} on a head word of their own: the stack's loads and CASes, nothing else. */
    static void cas2(SlabAllocator al, long node, long n) {
        long head = al.allocateZeroed(64);
        long s = 0;
        for (long i = 0; i < n; i++) {
            Memory.putLong(node + 8, i); // plain: published by the CAS below
            long h = Memory.getLongOpaque(head); // opaque: as TreiberStack.push
            Memory.putLong(node, h); // plain: published by the CAS below
            Memory.compareAndExchangeLong(head, h, node); // CAS: single-threaded here, always succeeds
            long t = Memory.getLongAcquire(head); // acquire: as TreiberStack.pop's protect
            Memory.compareAndExchangeLong(head, t, Memory.getLong(t)); // CAS; plain read of next: our own write
            s += Memory.getLong(t + 8); // plain: our own write
        }
        al.free(head);
        sink += s;
    }

    static void pin(Reclaimer r, long n) {
        for (long i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                sink += g.isOpen() ? 0 : 1;
            }
        }
    }

    static final long[] BATCH = new long[64];

    static void allocBatch(SlabAllocator al, long n) {
        for (long i = 0; i < n; i += 64) {
            for (int j = 0; j < 64; j++) {
                BATCH[j] = al.allocate(32);
            }
            al.deleteAll(BATCH, 0, 64);
        }
    }

    /** pin + retire of {@code pointer + i * stride} (never freed: the deleter does nothing). */
    static void retire(Reclaimer r, long n, Deleter d, long pointer, long stride) {
        for (long i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                g.retire(pointer + i * stride, 0L, d);
            }
        }
    }
}
