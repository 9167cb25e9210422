package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Randomized inserts and removes by every worker on one structure whose nodes live in a sanitizing allocator
 * (any touch of a freed node throws in the worker), optionally with a reader stalled inside a guard for the
 * whole run. Checks: no worker failed, every inserted value came out exactly once (workers' removes plus the
 * final drain), the reclaimer reported no failure, the pending garbage stayed within the scheme's bound when
 * it has one, and closing the structure and the reclaimer left no block allocated.
 */
final class ChurnCase implements TortureCase {

    private final Scheme scheme;
    private final LongContainer.Kind kind;
    private final int opsPerThread;
    private final boolean stall;

    ChurnCase(Scheme scheme, LongContainer.Kind kind, int opsPerThread, boolean stall) {
        this.scheme = scheme;
        this.kind = kind;
        this.opsPerThread = opsPerThread;
        this.stall = stall;
    }

    @Override
    public String name() {
        return (stall ? "stall " : "churn ") + kind.id() + "/" + scheme.id();
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-" + kind.id()).sanitize(true).build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-" + scheme.id(), failures);
        LongContainer box = kind.factory().apply(reclaimer, memory);
        try {
            long[][] removed = new long[threads][opsPerThread];
            int[] removedCount = new int[threads];
            int[] insertedCount = new int[threads];
            int[] maxNet = new int[threads]; // per worker: the most (its inserts - its removes) reached
            AtomicReference<Throwable> error = new AtomicReference<>();
            StalledReader staller = stall ? StalledReader.start(reclaimer, error) : null;
            long liveAtStall = memory.stats().liveBlocks();
            long peak;
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                workers.add(Thread.ofPlatform().name("torture-worker-" + t).start(() -> {
                    Random random = new Random(seed * 31 + id);
                    long[] mine = removed[id];
                    int ins = 0;
                    int rem = 0;
                    int most = 0;
                    try {
                        for (int i = 0; i < opsPerThread && error.get() == null; i++) {
                            if (random.nextInt(100) < 55) {
                                box.insert(((long) id << 32) | ins);
                                ins++;
                                most = Math.max(most, ins - rem);
                            } else {
                                long v = box.remove();
                                if (v != LongContainer.EMPTY) {
                                    mine[rem++] = v;
                                }
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    } finally {
                        insertedCount[id] = ins;
                        removedCount[id] = rem;
                        maxNet[id] = most;
                    }
                }));
            }
            peak = ChurnChecks.joinSamplingPeaks(workers, reclaimer, memory)[0];
            // The robust scheme's bound counts every guard that may be open at once (any worker descheduled inside
            // an operation is a stalled reader for that time) and the most nodes the structure held meanwhile.
            // The sum of each worker's own maximum of (inserts - removes) bounds the maximum of the sum; plus one
            // insert in flight per worker and the blocks present before the workers started.
            long maxLive = liveAtStall + threads;
            for (int t = 0; t < threads; t++) {
                maxLive += maxNet[t];
            }
            int guards = threads + (stall ? 1 : 0);
            OptionalLong bound = Reclaimers.garbageBound(reclaimer, guards, maxLive);
            if (staller != null) {
                staller.release();
            }
            if (error.get() != null) {
                throw new AssertionError("a worker failed: " + error.get(), error.get());
            }
            long total = checkConservation(box, threads, removed, removedCount, insertedCount);
            box.close();
            reclaimer.close();
            if (failures.count() > 0) {
                throw new AssertionError("the reclaimer reported " + failures.count() + " failures: " + failures.sample());
            }
            if (bound.isPresent() && peak > bound.getAsLong()) {
                throw new AssertionError("pending garbage peaked at " + peak + (stall ? " with" : " without")
                        + " a stalled reader, above the documented bound " + bound.getAsLong());
            }
            long live = memory.stats().liveBlocks();
            if (live != 0) {
                throw new AssertionError(live + " blocks still allocated after closing structure and reclaimer: "
                        + memory.liveBlocks().stream().limit(3).toList());
            }
            memory.close(); // sanitizer: throws MemoryLeakException if anything is still live
            return String.format("%,d ops by %d threads, %,d values conserved, peak pending %,d%s", (long) threads * opsPerThread,
                    threads, total, peak, bound.isPresent() ? " (bound " + bound.getAsLong() + ")" : "");
        } finally {
            Cleanup.closeQuietly(memory); // a failed run must not leave a sanitizing allocator open
        }
    }

    /** Every value inserted by thread t with sequence s < inserted[t] must have come out exactly once. */
    private static long checkConservation(LongContainer box, int threads, long[][] removed, int[] removedCount,
                                          int[] insertedCount) {
        boolean[][] seen = new boolean[threads][];
        for (int t = 0; t < threads; t++) {
            seen[t] = new boolean[insertedCount[t]];
        }
        long total = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < removedCount[t]; i++) {
                mark(seen, removed[t][i]);
                total++;
            }
        }
        for (long v = box.remove(); v != LongContainer.EMPTY; v = box.remove()) {
            mark(seen, v);
            total++;
        }
        for (int t = 0; t < threads; t++) {
            for (int s = 0; s < seen[t].length; s++) {
                if (!seen[t][s]) {
                    throw new AssertionError("lost value: thread " + t + " inserted #" + s + " and it never came out");
                }
            }
        }
        return total;
    }

    private static void mark(boolean[][] seen, long v) {
        int t = (int) (v >>> 32);
        int s = (int) v;
        if (t < 0 || t >= seen.length || s < 0 || s >= seen[t].length) {
            throw new AssertionError("a value that was never inserted came out: " + Long.toHexString(v));
        }
        if (seen[t][s]) {
            throw new AssertionError("value came out twice: thread " + t + " #" + s);
        }
        seen[t][s] = true;
    }
}
