package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The end of a map churn run, shared by the map cases: wait for everyone, then compare with the models. */
final class ChurnChecks {

    private ChurnChecks() {
    }

    /**
     * Joins the workers, sampling the reclaimer's pending garbage and the allocator's live blocks every few
     * milliseconds meanwhile.
     *
     * @return the largest pending count sampled and the most live blocks sampled
     */
    static long[] joinSamplingPeaks(List<Thread> workers, Reclaimer reclaimer, SlabAllocator memory)
            throws InterruptedException {
        long peak = 0;
        long live = 0;
        for (Thread w : workers) {
            while (w.isAlive()) {
                w.join(5);
                peak = Math.max(peak, reclaimer.stats().pending());
                live = Math.max(live, memory.stats().liveBlocks());
            }
        }
        return new long[] {peak, live};
    }

    /**
     * Joins the workers, stops and joins the concurrent iterator, and rethrows the first worker failure.
     *
     * @throws AssertionError naming the first failure of a worker or of the iterator
     */
    static void finish(List<Thread> workers, AtomicBoolean done, Thread iterator, AtomicReference<Throwable> error)
            throws InterruptedException {
        for (Thread w : workers) {
            w.join();
        }
        done.set(true);
        iterator.join();
        if (error.get() != null) {
            throw new AssertionError("a worker failed: " + error.get(), error.get());
        }
    }

    /**
     * Checks that the map's final contents equal the union of the workers' models.
     *
     * @throws AssertionError with both sizes when they differ
     */
    static <K, V> void sameContents(Map<K, V> expected, Map<K, V> actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError("final contents differ from the workers' models: " + expected.size()
                    + " expected entries, " + actual.size() + " present");
        }
    }
}
