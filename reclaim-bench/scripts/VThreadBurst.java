import dev.reclaim.*;
import dev.reclaim.memory.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;

/**
 * A thread-per-task burst against one reclaimer, with the slot-table length ({@code stats().guardSlots()}). N
 * tasks on a virtual-thread-per-task executor, each: allocate, enter, read the shared node, sleep 1-3 ms inside
 * the guard, swap in its node, retire the old one. Nobody flushes. With {@code birth} as the third argument each
 * node carries its birth era ({@code Guard.birthEra()} when it is published, passed back at retire), which lets
 * the robust scheme free a node no sleeping reader can have seen. Then a quiet phase (one platform thread, 20k enter/retire/close) and the table length after
 * it. Also reported: the guards open when the sampled pending count peaked ({@code stats().openGuards()}) and
 * the tasks started but not finished (and submitted but not finished) when the last 10k tasks were submitted; with a fourth argument at most
 * that many tasks are in flight (a Semaphore taken before each submission). The harness's {@code vthreads} workload measures the same shape per scheme with charts; this program adds
 * the table length.
 *
 * <pre>
 * ./reclaim build
 * java --enable-native-access=ALL-UNNAMED -Xmx3g -cp reclaim-bench/target/reclaim.jar \
 *     reclaim-bench/scripts/VThreadBurst.java ebr|hp|robust TASKS [birth|none] [MAX_IN_FLIGHT]
 * </pre>
 */
public class VThreadBurst {
    static int slotCount(Reclaimer r) {
        return r.stats().guardSlots();
    }

    public static void main(String[] a) throws Exception {
        Scheme scheme = Scheme.fromId(a[0]);
        int tasks = Integer.parseInt(a[1]);
        boolean births = a.length > 2 && a[2].equals("birth");
        // optional fourth argument: at most this many tasks in flight (a Semaphore taken before each submission)
        int limit = a.length > 3 ? Integer.parseInt(a[3]) : Integer.MAX_VALUE;
        Semaphore inFlight = new Semaphore(limit);
        try (SlabAllocator mem = SlabAllocator.create(); Reclaimer r = scheme.create()) {
            long cell = mem.allocateZeroed(8);
            long first = mem.allocateZeroed(24);
            Memory.putLongRelease(cell, first);
            int before = slotCount(r);
            AtomicLong maxPending = new AtomicLong();
            AtomicInteger maxSlots = new AtomicInteger(before);
            AtomicLong retiredBeforeTail = new AtomicLong(-1);
            AtomicInteger started = new AtomicInteger();
            AtomicInteger finished = new AtomicInteger();
            AtomicInteger openAtPeak = new AtomicInteger();
            AtomicInteger inFlightAtTail = new AtomicInteger(-1);
            AtomicInteger unfinishedAtTail = new AtomicInteger(-1);
            long t0 = System.nanoTime();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    ReclaimerStats s = r.stats();
                    if (s.pending() > maxPending.get()) {
                        maxPending.set(s.pending()); // this thread is the only writer while the burst runs
                        openAtPeak.set(s.openGuards());
                    }
                    maxSlots.accumulateAndGet(slotCount(r), Math::max);
                    try { Thread.sleep(50); } catch (InterruptedException e) { return; }
                }
            });
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < tasks; i++) {
                    if (i == tasks - 10_000) {
                        retiredBeforeTail.set(r.stats().retired());
                        inFlightAtTail.set(started.get() - finished.get());
                        unfinishedAtTail.set(i - finished.get());
                    }
                    inFlight.acquire();
                    final int id = i;
                    ex.submit(() -> {
                        started.incrementAndGet();
                        long mine = mem.allocate(24);
                        Memory.putLong(mine, id);
                        try (Guard g = r.enter()) {
                            long cur = g.protect(0, cell);
                            Memory.getLong(cur);
                            Thread.sleep(1 + (id % 3));
                            Memory.putLong(mine + 8, births ? g.birthEra() : 0); // published by the getAndSet
                            long old = Memory.getAndSetLong(cell, mine);
                            g.retire(old, Memory.getLong(old + 8), mem);
                        } finally {
                            finished.incrementAndGet();
                            inFlight.release();
                        }
                        return null;
                    });
                }
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            sampler.interrupt();
            sampler.join();
            ReclaimerStats s = r.stats();
            maxPending.accumulateAndGet(s.pending(), Math::max);
            maxSlots.accumulateAndGet(slotCount(r), Math::max);
            int atEnd = slotCount(r);
            long rbt = retiredBeforeTail.get();
            System.out.printf("%s%s tasks=%d limit=%s guardsOpenAtPeak=%d inFlightAtLast10k=%d (%.1f%% of tasks) submittedUnfinishedAtLast10k=%d (%.1f%%) time=%.1fs retired=%d reclaimed=%d pending=%d retiredBeforeTail=%d freed=%.2f%% maxPending=%d (%.2f%% of tasks) peakPendingStat=%d slots before=%d peak=%d end=%d heap=%dMB%n",
                scheme.id(), births ? "+birth" : "", tasks, limit == Integer.MAX_VALUE ? "none" : String.valueOf(limit),
                openAtPeak.get(), inFlightAtTail.get(), 100.0 * inFlightAtTail.get() / tasks,
                unfinishedAtTail.get(), 100.0 * unfinishedAtTail.get() / tasks, secs, s.retired(), s.reclaimed(), s.pending(), rbt, 100.0 * s.reclaimed() / Math.max(1, rbt),
                maxPending.get(), 100.0 * maxPending.get() / tasks, s.peakPending(), before, maxSlots.get(), atEnd,
                (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
            // quiet phase: one platform thread keeps a trickle of load
            for (int i = 0; i < 20_000; i++) {
                long mine = mem.allocate(24);
                try (Guard g = r.enter()) {
                    long old = Memory.getAndSetLong(cell, mine);
                    g.retire(old, mem);
                }
            }
            s = r.stats();
            System.out.printf("%s after quiet phase (20k enters, 1 thread): slots=%d (%.2fx before) retired=%d reclaimed=%d pending=%d%n",
                scheme.id(), slotCount(r), (double) slotCount(r) / before, s.retired(), s.reclaimed(), s.pending());
            mem.free(Memory.getLong(cell)); // the node still installed, then the cell: nothing left at close
            mem.free(cell);
        }
    }
}
