package dev.reclaim.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a concurrent test's workers: starts them, releases them together, waits for all of them and fails with
 * the first worker's exception (an assertion in a worker, or e.g. a {@code UseAfterFreeException} of a
 * sanitizing allocator), so that a failure in another thread is never lost.
 */
public final class Workers {

    /** The code one worker runs. */
    @FunctionalInterface
    public interface Body {
        /**
         * Runs worker {@code id}.
         *
         * @param id the worker's index, {@code 0 <= id < threads}
         * @throws Exception any failure; it fails the run
         */
        void run(int id) throws Exception;
    }

    private Workers() {
    }

    /**
     * Runs {@code body} on {@code threads} new threads made by {@code factory} (platform or virtual), all released
     * at once by a latch, and returns when every one has finished. Whatever a worker wrote before it finished is
     * visible to the caller afterwards (each thread's end happens-before the join that waits for it).
     *
     * @param threads how many workers
     * @param factory makes the worker threads
     * @param body    the work of one worker
     * @throws InterruptedException if interrupted while waiting
     * @throws AssertionError       if a worker threw (the first throwable is the cause)
     */
    public static void run(int threads, ThreadFactory factory, Body body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>(threads);
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(factory.newThread(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed: " + failure.get(), failure.get());
        }
    }
}
