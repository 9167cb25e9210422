import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The least garbage any epoch-based scheme could hold in a thread-per-task burst: the `vthreads` shape (N tasks
 * on a virtual-thread-per-task executor; each enters a guard, reads the shared node, sleeps 1-3 ms inside the
 * guard, swaps in its node and retires the old one; nobody flushes), with every task's enter, retire and close
 * time recorded. A pin protects everything reachable when it starts, so a node retired at r may be freed only
 * once every guard open at r has closed: at time t at least #{retires in (e, t]} are pending, e being the
 * earliest enter among the guards still open at t. Prints that bound's peak next to the scheme's sampled peak
 * pending (the scheme under test only shapes the schedule; the bound is the schedule's).
 *
 * <p>Usage: {@code java --enable-native-access=ALL-UNNAMED -cp reclaim.jar EbrBound.java SCHEME TASKS}
 */
public class EbrBound {
    public static void main(String[] a) throws Exception {
        Scheme scheme = Scheme.fromId(a[0]);
        int tasks = Integer.parseInt(a[1]);
        long[] enter = new long[tasks];
        long[] retire = new long[tasks];
        long[] close = new long[tasks];
        try (SlabAllocator mem = SlabAllocator.create(); Reclaimer r = scheme.create()) {
            long cell = mem.allocateZeroed(8);
            Memory.putLongRelease(cell, mem.allocate(24)); // release: publishes the first node
            AtomicLong maxPending = new AtomicLong();
            long t0 = System.nanoTime();
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxPending.accumulateAndGet(r.stats().pending(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < tasks; i++) {
                    final int id = i;
                    ex.submit(() -> {
                        long mine = mem.allocate(24);
                        Guard g = r.enter();
                        enter[id] = System.nanoTime();
                        long cur = g.protect(0, cell);
                        Memory.getLong(cur); // plain: the node is protected
                        Thread.sleep(1 + (id % 3));
                        long old = Memory.getAndSetLong(cell, mine); // volatile: publishes mine
                        retire[id] = System.nanoTime();
                        g.retire(old, mem);
                        close[id] = System.nanoTime(); // before close: the guard counts as open until here
                        g.close();
                        return null;
                    });
                }
            }
            sampler.interrupt();
            ReclaimerStats s = r.stats();
            mem.free(Memory.getLongAcquire(cell)); // acquire: pairs with the last task's getAndSet
            mem.free(cell);
            double secs = (System.nanoTime() - t0) / 1e9;
            long bound = bound(enter, retire, close);
            System.out.printf("%s tasks=%d time=%.1fs retired=%d sampled peak pending=%d (%.1f%%); EBR lower bound"
                    + " peak=%d (%.1f%%)%n", scheme.id(), tasks, secs, s.retired(), maxPending.get(),
                    100.0 * maxPending.get() / tasks, bound, 100.0 * bound / tasks);
        }
    }

    /** The peak over time of #{retires in (oldest open enter, t]}, evaluated at every close. */
    static long bound(long[] enter, long[] retire, long[] close) {
        int n = enter.length;
        long[] retires = retire.clone();
        Arrays.sort(retires);
        Integer[] byEnter = new Integer[n];
        for (int i = 0; i < n; i++) {
            byEnter[i] = i;
        }
        Arrays.sort(byEnter, (x, y) -> Long.compare(enter[x], enter[y]));
        long[] times = close.clone(); // the pending count only grows between closes: the peak is just before one
        Arrays.sort(times);
        PriorityQueue<Integer> open = new PriorityQueue<>((x, y) -> Long.compare(enter[x], enter[y]));
        int next = 0;
        long peak = 0;
        for (long t : times) {
            long just = t - 1;
            while (next < n && enter[byEnter[next]] <= just) {
                open.add(byEnter[next++]);
            }
            while (!open.isEmpty() && close[open.peek()] <= just) {
                open.poll();
            }
            if (open.isEmpty()) {
                continue;
            }
            long oldest = enter[open.peek()];
            long count = upTo(retires, just) - upTo(retires, oldest);
            peak = Math.max(peak, count);
        }
        return peak;
    }

    /** The number of values in the sorted {@code a} that are at most {@code v}. */
    static int upTo(long[] a, long v) {
        int i = Arrays.binarySearch(a, v);
        if (i < 0) {
            return -i - 1;
        }
        while (i + 1 < a.length && a[i + 1] == v) {
            i++;
        }
        return i + 1;
    }
}
