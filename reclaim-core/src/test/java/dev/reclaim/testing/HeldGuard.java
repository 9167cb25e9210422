package dev.reclaim.testing;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;

import java.util.concurrent.CountDownLatch;

/**
 * A guard held open by another thread until {@link #close()}: the stalled reader of the tests that check what
 * an open guard holds back. {@code try (HeldGuard g = HeldGuard.open(r, "reader", 0)) { ... }}.
 */
public final class HeldGuard implements AutoCloseable {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Thread thread;
    private volatile long protectedPointer;
    private volatile Throwable failure;

    private HeldGuard(Reclaimer r, String threadName, long protectWord) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        thread = Thread.ofPlatform().name(threadName).start(() -> {
            try (Guard g = r.enter()) {
                if (protectWord != 0) {
                    protectedPointer = g.protect(0, protectWord);
                }
                entered.countDown();
                release.await();
            } catch (Throwable e) {
                failure = e;
                entered.countDown();
            }
        });
        entered.await();
    }

    /**
     * Starts a thread that enters a guard of {@code r}, protects the pointer stored at {@code protectWord}
     * (unless 0) in protection slot 0, and holds the guard until {@link #close()}; returns once it is open.
     *
     * @param r           the reclaimer
     * @param threadName  the holder thread's name
     * @param protectWord the off-heap word to protect, or 0
     * @return the held guard
     * @throws InterruptedException if interrupted while waiting for the guard to open
     */
    public static HeldGuard open(Reclaimer r, String threadName, long protectWord) throws InterruptedException {
        return new HeldGuard(r, threadName, protectWord);
    }

    /**
     * What the guard's protect returned.
     *
     * @return the protected pointer, or 0 when nothing was protected
     */
    public long protectedPointer() {
        return protectedPointer;
    }

    /** Closes the guard on its thread and joins it; rethrows what the thread threw. */
    @Override
    public void close() throws InterruptedException {
        release.countDown();
        thread.join();
        if (failure != null) {
            throw new AssertionError("the guard holder failed", failure);
        }
    }
}
