package dev.reclaim.bench.suite;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code vthreads}: a thread-per-task server's burst. {@code --tasks} tasks are submitted to
 * {@link Executors#newVirtualThreadPerTaskExecutor()}; each allocates a 24-byte off-heap node, enters a guard,
 * reads the shared node, sleeps 1-3 ms inside the guard (the virtual thread unmounts), checks the node it read
 * is still the same live node, swaps its own node in and retires the old one with its birth era (read inside the
 * guard before the node is published; schemes without eras ignore it). Nobody calls {@code flush()} or
 * {@code synchronize()}: whatever is freed before the last task finishes was freed by the reclaimer's own
 * triggers.
 *
 * <p>Measured per burst ({@link BurstRun}): pending garbage, open guards, the slot table's length
 * ({@link ReclaimerStats#guardSlots()}) and heap over time (a sampler thread reads {@link Reclaimer#stats()});
 * freed while running as a percentage of what was retired when the last 10,000 tasks started; peak pending; heap.
 *
 * <p>Checks: a node read inside a guard is still alive and still the same node after the sleep (a freed node
 * has its magic overwritten by the deleter before it is freed; a reused one has another id); every block is
 * freed once the reclaimer is closed. In sanitizer mode a use after free fails the task at the access.
 */
final class VThreadsWorkload implements BurstWorkload {

    /** Node layout: magic, id, id ^ CHECK; 24 bytes. */
    static final long NODE_SIZE = 24;
    static final long ALIVE = 0xA11FE_C0FFEEL;
    static final long DEAD = 0xDEAD_DEAD_DEADL;
    static final long CHECK = 0x5DEECE66DL;

    @Override
    public String id() {
        return "vthreads";
    }

    @Override
    public String description() {
        return "one virtual-thread task: allocate a 24-byte node, enter a guard, read the shared node, sleep 1-3 ms"
                + " inside the guard, swap the node in and retire the old one (nobody flushes)";
    }

    @Override
    public List<String> baselines() {
        return List.of();
    }

    @Override
    public int defaultTasks(boolean quick) {
        return quick ? 10_000 : 100_000;
    }

    @Override
    public BurstRun burst(String scheme, Params p, int tasks) throws Exception {
        SlabAllocator mem = Trials.allocator("vthreads", p);
        Reclaimer reclaimer = Scheme.fromId(scheme).create();
        Deleter kill = new Kill(mem);
        long cell = mem.allocateZeroed(8);
        Memory.putLongRelease(cell, node(mem, -1)); // release: publishes the first node; pairs with protect
        int tail = BurstRun.tailOf(tasks);
        int tailStart = tasks - tail;
        AtomicLong retiredBeforeTail = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        long[] births = new long[tasks + 1]; // birth era of node id at [id + 1] (0 for the first node: unknown)
        AtomicReference<Throwable> failure = new AtomicReference<>();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = mx.getTotalThreadAllocatedBytes();
        long t0 = System.nanoTime();
        StatsSampler sampler = new StatsSampler(reclaimer, Math.max(10, tasks / 10_000), "bench-vthreads-sampler");
        sampler.start(t0);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < tasks; i++) {
                int id = i;
                ex.execute(() -> {
                    try {
                        if (id == tailStart) {
                            retiredBeforeTail.set(reclaimer.stats().retired());
                        }
                        task(reclaimer, mem, kill, cell, id, sleepMs(p.seed(), id), violations, births);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        ReclaimerStats end = reclaimer.stats();
        sampler.finish();
        long allocated = mx.getTotalThreadAllocatedBytes() - a0;
        mem.free(Memory.getLongAcquire(cell)); // acquire: pairs with the last task's getAndSet
        mem.free(cell);
        Throwable failed = failure.get();
        if (failed != null) {
            // A failed task (e.g. an OutOfMemoryError between allocating its node and retiring it) strands its
            // node, so the leak check below would fail too: report the task's failure first, the leak with it.
            IllegalStateException e = new IllegalStateException("a task failed: " + failed, failed);
            try {
                Trials.closeAndCheck(reclaimer, mem, "vthreads");
            } catch (RuntimeException leak) {
                e.addSuppressed(leak);
            }
            throw e;
        }
        Trials.closeAndCheck(reclaimer, mem, "vthreads");
        if (violations.get() != 0) {
            throw new IllegalStateException("vthreads: " + violations.get() + " reads found a node freed or reused"
                    + " while the reading task's guard was open");
        }
        return new BurstRun(tasks, seconds, end.retired(), end.reclaimed(), retiredBeforeTail.get(), tail,
                Math.max(sampler.peakPending, end.peakPending()), sampler.peakPendingBytes, sampler.peakGuards,
                sampler.peakHeap, (double) allocated / tasks, sampler.times(), sampler.pending(), sampler.openGuards(),
                sampler.heapMb(), sampler.slots());
    }

    /**
     * One task: read the shared node inside a guard across a sleep, then swap in a fresh node and retire the old,
     * with its birth era (as a structure does for a scheme with eras: the era is read before the node is
     * published, and kept beside the node in {@code births}, indexed by the node's id + 1).
     */
    static void task(Reclaimer reclaimer, SlabAllocator mem, Deleter kill, long cell, int id, long sleepMs,
                     AtomicLong violations, long[] births) throws InterruptedException {
        long mine = node(mem, id);
        try (Guard g = reclaimer.enter()) {
            long cur = g.protect(0, cell);
            long seen = Memory.getLong(cur + 8); // plain: the node's fields were published before the cell
            if (!alive(cur, seen)) {
                violations.incrementAndGet();
            }
            Thread.sleep(sleepMs); // unmounts: the guard stays open on no carrier
            if (!alive(cur, seen)) {
                violations.incrementAndGet();
            }
            births[id + 1] = g.birthEra(); // plain: published by the getAndSet below (the retirer's getAndSet reads it)
            long old = Memory.getAndSetLong(cell, mine); // volatile: publishes mine; pairs with protect's load
            long oldId = Memory.getLong(old + 8); // plain: old is ours since the getAndSet unlinked it
            g.retire(old, births[(int) oldId + 1], kill); // plain read: written before old's publication (above)

        }
    }

    /** A fresh node holding {@code id}. */
    static long node(SlabAllocator mem, long id) {
        long n = mem.allocate(NODE_SIZE);
        Memory.putLong(n, ALIVE); // plain: published by the release or getAndSet that stores n in the cell
        Memory.putLong(n + 8, id);
        Memory.putLong(n + 16, id ^ CHECK);
        return n;
    }

    /** Whether {@code node} is alive and still holds {@code id}. */
    static boolean alive(long node, long id) {
        return Memory.getLong(node) == ALIVE && Memory.getLong(node + 8) == id // plain: owner-written before publish
                && Memory.getLong(node + 16) == (id ^ CHECK);
    }

    /** The sleep of task {@code id} inside its guard: 1, 2 or 3 ms, from the seed. */
    static long sleepMs(long seed, int id) {
        long z = seed + id * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return 1 + Math.floorMod(z ^ (z >>> 31), 3L);
    }

    /** The deleter of a node: marks it dead, then frees it (so a reader that still sees it can tell). */
    record Kill(SlabAllocator mem) implements Deleter {
        @Override
        public void delete(long node) {
            Memory.putLong(node, DEAD); // plain: the node is unreachable; a reader that still sees it is the bug
            mem.free(node);
        }

        @Override
        public long sizeOf(long node) {
            return mem.sizeOf(node);
        }
    }
}
