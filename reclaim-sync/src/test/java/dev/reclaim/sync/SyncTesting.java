package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** Helpers shared by the sync tests: thread groups that rethrow failures, and bounded waits. */
final class SyncTesting {

    private SyncTesting() {
    }

    /** A task that may throw. */
    interface Task {
        void run() throws Exception;
    }

    /**
     * Runs {@code n} copies of {@code task} (given their index) on platform threads and joins them, failing the test
     * with the first exception any of them threw, or if they do not finish within 60 s.
     */
    static void runThreads(int n, IndexedTask task) throws InterruptedException {
        runThreads(n, false, task);
    }

    /** Like {@link #runThreads(int, IndexedTask)}, on virtual threads if {@code virtual}. */
    static void runThreads(int n, boolean virtual, IndexedTask task) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            Runnable r = () -> {
                try {
                    task.run(index);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            };
            threads.add(virtual ? Thread.ofVirtual().start(r) : Thread.ofPlatform().start(r));
        }
        for (Thread t : threads) {
            t.join(60_000);
            if (t.isAlive()) {
                fail("thread " + t + " did not finish within 60 s (deadlock or lost wake-up?)");
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker thread failed", failure.get());
        }
    }

    /** A task given its thread index. */
    interface IndexedTask {
        void run(int index) throws Exception;
    }

    /** Waits until {@code condition} holds, failing after 10 s. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after 10 s waiting for: " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until {@code t} is parked (WAITING/TIMED_WAITING), failing after 10 s. */
    static void awaitParked(Thread t) {
        awaitTrue(t + " parked", () -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
    }
}
