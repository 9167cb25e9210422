package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SemaphoreTest {

    @Test
    void permitsAreCountedAndBounded() {
        Semaphore s = new Semaphore(2);
        assertTrue(s.tryAcquire());
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire());
        s.release(2);
        assertEquals(2, s.availablePermits());
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> s.release(0));
        Semaphore full = new Semaphore(Semaphore.MAX_PERMITS);
        assertThrows(IllegalStateException.class, full::release);
    }

    @Test
    void timedAcquireTimesOutAndInterruptThrows() throws Exception {
        Semaphore s = new Semaphore(0);
        assertFalse(s.tryAcquire(10, TimeUnit.MILLISECONDS));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                s.acquire();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        SyncTesting.awaitTrue("parked", () -> ParkingLot.hasWaiters(s));
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException);
        s.release(); // the stale waiter bit is cleared by a useless wake
        assertTrue(s.tryAcquire());
    }

    @Test
    void releaseWakesAParkedAcquirer() throws Exception {
        Semaphore s = new Semaphore(0);
        Thread t = Thread.ofVirtual().start(s::acquireUninterruptibly);
        SyncTesting.awaitTrue("parked", () -> ParkingLot.hasWaiters(s));
        s.release();
        t.join();
        assertEquals(0, s.availablePermits());
    }

    @Test
    void neverMoreHoldersThanPermits() throws Exception {
        Semaphore s = new Semaphore(3);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        SyncTesting.runThreads(8, true, i -> {
            for (int k = 0; k < 5_000; k++) {
                s.acquire();
                try {
                    int h = holders.incrementAndGet();
                    max.accumulateAndGet(h, Math::max);
                    assertTrue(h <= 3, h + " holders of 3 permits");
                    if (k % 50 == 0) {
                        Thread.yield();
                    }
                    holders.decrementAndGet();
                } finally {
                    s.release();
                }
            }
        });
        assertEquals(3, s.availablePermits());
        assertFalse(ParkingLot.hasWaiters(s));
    }
}
