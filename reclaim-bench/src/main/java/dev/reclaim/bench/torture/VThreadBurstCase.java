package dev.reclaim.bench.torture;

import dev.reclaim.Guard;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thread-per-task burst under the sanitizer: tasks on {@link Executors#newVirtualThreadPerTaskExecutor()},
 * each allocating a node, entering a guard, reading the shared node, sleeping 1-3 ms inside the guard (the
 * virtual thread unmounts; its guard stays open on no carrier), reading the node again, swapping its own node
 * in and retiring the old one. Nobody flushes while the burst runs. Checks: no access to a freed node (the
 * sanitizer fails the task), the node read before the sleep is the same node after it, every retired node is
 * freed exactly once after {@code synchronize}, nothing leaks after close. The summary reports how much was
 * freed while the burst ran (by the reclaimer's own triggers) and the most guards open at once.
 */
final class VThreadBurstCase implements TortureCase {

    private final Scheme scheme;
    private final int tasks;
    private final boolean unprotected;

    /**
     * A burst case.
     *
     * @param scheme      the scheme under test
     * @param tasks       tasks in the burst
     * @param unprotected the negative control: a task frees the node it swapped out at once instead of retiring
     *                    it, so readers still sleeping on it touch freed memory and the case must fail
     */
    VThreadBurstCase(Scheme scheme, int tasks, boolean unprotected) {
        this.scheme = scheme;
        this.tasks = tasks;
        this.unprotected = unprotected;
    }

    @Override
    public String name() {
        return "vthreads-burst " + scheme.id();
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        try (CellFixture f = new CellFixture(scheme, "vthreads", m -> node(m, -1))) {
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            AtomicLong peakGuards = new AtomicLong();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < tasks; i++) {
                    long id = i;
                    long sleepMs = 1 + Math.floorMod(seed * 31 + id * 0x9E3779B97F4A7C15L >>> 17, 3L);
                    ex.execute(() -> {
                        try {
                            long mine = node(f.memory, id);
                            try (Guard g = f.reclaimer.enter()) {
                                long cur = g.protect(0, f.cell);
                                long seen = Memory.getLong(cur); // plain: written before the node was published
                                Thread.sleep(sleepMs);
                                if (Memory.getLong(cur) != seen) { // plain: as above; the sanitizer checks the access
                                    errors.add("task " + id + ": the node it read changed under its guard");
                                }
                                long old = Memory.getAndSetLong(f.cell, mine); // volatile: publishes mine; pairs with protect
                                if (unprotected) {
                                    f.memory.free(old);
                                    f.deleted.incrementAndGet();
                                } else {
                                    g.retire(old, f.counting);
                                }
                            }
                            if ((id & 255) == 0) {
                                peakGuards.accumulateAndGet(f.reclaimer.stats().openGuards(), Math::max);
                            }
                        } catch (Throwable e) {
                            errors.add("task " + id + ": " + e);
                        }
                    });
                }
            }
            ReclaimerStats end = f.reclaimer.stats();
            long freedRunning = f.deleted.get();
            if (!errors.isEmpty()) {
                throw new AssertionError(errors.size() + " task(s) failed, first: " + errors.peek());
            }
            if (!f.reclaimer.synchronize(Duration.ofSeconds(20))) {
                throw new AssertionError("synchronize() did not complete within 20 s of the burst's end with no guard"
                        + " open (oldest guard: " + f.reclaimer.stats().oldestGuard() + ")");
            }
            if (f.deleted.get() != tasks) {
                throw new AssertionError("after synchronize " + f.deleted.get() + " of " + tasks + " retired nodes were"
                        + " freed");
            }
            if (f.failures.count() != 0) {
                throw new AssertionError("the reclaimer reported failures: " + f.failures.sample());
            }
            f.finish(tasks);
            return String.format("%,d virtual-thread tasks, guards open across 1-3 ms sleeps (peak %,d open), freed"
                    + " while running %,d of %,d retired, all freed once", tasks, peakGuards.get(), freedRunning,
                    end.retired());
        }
    }

    /** A fresh 16-byte node holding {@code id}. */
    private static long node(SlabAllocator memory, long id) {
        long n = memory.allocate(16);
        Memory.putLong(n, id); // plain: published by the release or getAndSet that stores n in the cell
        return n;
    }
}
