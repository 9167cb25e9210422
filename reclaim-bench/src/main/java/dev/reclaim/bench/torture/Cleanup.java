package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.atomic.AtomicReference;

/** The end of a case: checked closing after a pass, and cleanup after a failure so it does not change the next. */
final class Cleanup {

    private Cleanup() {
    }

    /**
     * The end of a passing exhaustion case: joins the workers and rethrows the first failure of one.
     *
     * @throws AssertionError naming the failure (anything but the allocator's refusal counts)
     */
    static void joinWorkers(Thread[] workers, AtomicReference<Throwable> error) throws InterruptedException {
        for (Thread w : workers) {
            w.join();
        }
        if (error.get() != null) {
            throw new AssertionError("a worker failed with something other than OffHeapExhaustedException: "
                    + error.get(), error.get());
        }
    }

    /**
     * Closes the reclaimer, then the allocator, after the case closed its structure: nothing may have been
     * reported and no block may be left.
     *
     * @throws AssertionError naming the failures reported, or the blocks leaked
     */
    static void closeChecked(Reclaimer reclaimer, Failures failures, SlabAllocator memory) {
        reclaimer.close();
        if (failures.count() > 0) {
            throw new AssertionError("the reclaimer reported failures: " + failures.sample());
        }
        long live = memory.stats().liveBlocks();
        memory.close();
        if (live != 0) {
            throw new AssertionError(live + " blocks leaked after exhaustion");
        }
    }

    /**
     * Closes {@code memory} if the case did not (it failed before its own close), ignoring what closing
     * reports: the case already failed with the real cause. While a sanitizing allocator is open, every
     * {@code Memory} access in the JVM goes through the sanitizer's checks, so leaving one open would slow
     * every later case (and make it allocate).
     *
     * @param memory the case's allocator
     */
    static void closeQuietly(SlabAllocator memory) {
        if (!memory.isClosed()) {
            try {
                memory.close();
            } catch (RuntimeException ignored) {
                // a leak report after a failure: the failure is what gets reported
            }
        }
    }
}
