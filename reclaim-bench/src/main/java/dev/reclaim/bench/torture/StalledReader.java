package dev.reclaim.bench.torture;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A reader stalled inside a guard for as long as a case runs: the fault that makes EBR keep every retirement
 * pending and that the bounded schemes (HP, robust) must survive within their garbage bound.
 */
final class StalledReader {

    private final CountDownLatch release;
    private final Thread thread;

    private StalledReader(CountDownLatch release, Thread thread) {
        this.release = release;
        this.thread = thread;
    }

    /**
     * Starts a thread that enters a guard and holds it until {@link #release()}; returns once the guard is open.
     *
     * @param reclaimer the reclaimer whose guard it holds
     * @param error     where a failure of the thread goes
     * @return the stalled reader
     */
    static StalledReader start(Reclaimer reclaimer, AtomicReference<Throwable> error) throws InterruptedException {
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("torture-stalled-reader").start(() -> {
            try (Guard g = reclaimer.enter()) {
                stalled.countDown();
                release.await();
            } catch (Throwable e) {
                error.compareAndSet(null, e);
                stalled.countDown();
            }
        });
        stalled.await();
        return new StalledReader(release, t);
    }

    /** Lets the reader close its guard and waits for its thread to end. */
    void release() throws InterruptedException {
        release.countDown();
        thread.join();
    }
}
