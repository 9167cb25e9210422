import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a scheme's garbage does when threads outnumber cores: the peer protocol's pairs ({@code push(i); pop()} on
 * a Treiber stack, or {@code offer(i); poll()} on a Michael-Scott queue; 20M operations per round, a guard per
 * removal, or batches of K pairs under one guard) with a sampler that
 * reads {@code stats().pending()} every millisecond. Prints, per round: Mops/s, how often the epoch (or era)
 * advanced, the largest pending count sampled and the slab memory reserved at the end. Run it with more threads
 * than cores (8 on 2) to see a preempted guard holder's effect, and with as many to compare.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/OversubscribedBacklog.java SCHEME THREADS [PAIRS_PER_GUARD=1] [ROUNDS=4] \
 *     [treiber|msqueue]
 * </pre>
 */
public class OversubscribedBacklog {
    public static void main(String[] a) throws Exception {
        String scheme = a[0];
        int threads = Integer.parseInt(a[1]);
        int every = a.length > 2 ? Integer.parseInt(a[2]) : 1;
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 4;
        boolean queue = a.length > 4 && a[4].equals("msqueue");
        long ops = 20_000_000;
        long pairs = ops / threads / 2;
        try (SlabAllocator mem = SlabAllocator.builder().name("backlog").sanitize(false).build();
             Reclaimer r = Scheme.fromId(scheme).create();
             TreiberStack s = queue ? null : new TreiberStack(r, mem);
             MichaelScottQueue q = queue ? new MichaelScottQueue(r, mem) : null) {
            for (int round = 0; round < rounds; round++) {
                ReclaimerStats before = r.stats();
                CyclicBarrier start = new CyclicBarrier(threads + 1);
                Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    long base = t * pairs;
                    workers[t] = Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        for (long i = 0; i < pairs; ) {
                            if (every == 1) {
                                if (queue) {
                                    q.offer(base + i++);
                                    q.poll(-1);
                                } else {
                                    s.push(base + i++);
                                    s.pop(-1);
                                }
                            } else {
                                long end = Math.min(pairs, i + every);
                                try (Guard g = r.enter()) {
                                    for (; i < end; i++) {
                                        if (queue) {
                                            q.offer(base + i);
                                            q.poll(g, -1);
                                        } else {
                                            s.push(base + i);
                                            s.pop(g, -1);
                                        }
                                    }
                                }
                            }
                        }
                    });
                }
                AtomicLong peak = new AtomicLong();
                Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(r.stats().pending(), Math::max);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                start.await();
                long t0 = System.nanoTime();
                for (Thread w : workers) {
                    w.join();
                }
                long nanos = System.nanoTime() - t0;
                sampler.interrupt();
                sampler.join();
                ReclaimerStats after = r.stats();
                System.out.printf("RESULT %s threads=%d every=%d round %d: %.1f Mops/s, advances %d, peak pending %d,"
                        + " reserved %d MB%n", scheme, threads, every, round, ops / (nanos / 1e3),
                        after.epoch() - before.epoch(), peak.get(), mem.stats().reservedBytes() >> 20);
            }
        }
    }
}
