package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CondvarTest {

    @Test
    void awaitWithoutHoldingTheMutexThrows() {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        assertThrows(IllegalStateException.class, () -> c.await(m));
    }

    @Test
    void awaitWithASecondMutexThrows() throws Exception {
        Condvar c = new Condvar();
        Mutex m1 = new Mutex();
        Mutex m2 = new Mutex();
        try (MutexGuard g = m1.lock()) {
            assertFalse(c.await(m1, 1, TimeUnit.MILLISECONDS));
        }
        try (MutexGuard g = m2.lock()) {
            assertThrows(IllegalArgumentException.class, () -> c.await(m2));
        }
    }

    @Test
    void timedAwaitReturnsFalseAndHoldsTheMutexAgain() throws Exception {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        try (MutexGuard g = m.lock()) {
            assertFalse(c.await(m, 10, TimeUnit.MILLISECONDS));
            assertTrue(m.isHeldByCurrentThread());
        }
        assertEquals(0, c.waiters());
    }

    @Test
    void notifyWithoutWaitersIsANoOp() {
        Condvar c = new Condvar();
        c.notifyOne();
        c.notifyAllWaiters();
        assertEquals(0, c.waiters());
    }

    @Test
    void notifyOneWakesExactlyOneWaiter() throws Exception {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> ts = startWaiters(c, m, 3, woken);
        SyncTesting.awaitTrue("3 waiting", () -> ParkingLot.countWaiters(c) == 3);
        try (MutexGuard g = m.lock()) {
            c.notifyOne();
        }
        SyncTesting.awaitTrue("one woken", () -> woken.get() == 1);
        Thread.sleep(20);
        assertEquals(1, woken.get(), "notifyOne woke more than one");
        try (MutexGuard g = m.lock()) {
            c.notifyAllWaiters();
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(3, woken.get());
    }

    /** notifyAll while holding the mutex requeues the waiters onto it: none is woken until the notifier unlocks. */
    @Test
    void notifyAllUnderTheMutexRequeuesInsteadOfWakingAHerd() throws Exception {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> ts = startWaiters(c, m, 4, woken);
        SyncTesting.awaitTrue("4 waiting", () -> ParkingLot.countWaiters(c) == 4);
        try (MutexGuard g = m.lock()) {
            c.notifyAllWaiters();
            assertEquals(0, ParkingLot.countWaiters(c));
            assertEquals(4, ParkingLot.countWaiters(m), "all 4 moved onto the mutex");
        }
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(4, woken.get());
    }

    /** notifyAll by a thread that does not hold the (free) mutex falls back to waking every waiter. */
    @Test
    void notifyAllWithoutTheMutexWakesEveryWaiter() throws Exception {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> ts = startWaiters(c, m, 3, woken);
        SyncTesting.awaitTrue("3 waiting", () -> ParkingLot.countWaiters(c) == 3);
        c.notifyAllWaiters();
        assertEquals(0, ParkingLot.countWaiters(c));
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(3, woken.get());
        assertFalse(m.isLocked());
    }

    @Test
    void interruptedAwaitThrowsWithTheMutexHeld() throws Exception {
        Condvar c = new Condvar();
        Mutex m = new Mutex();
        AtomicReference<String> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try (MutexGuard g = m.lock()) {
                try {
                    c.await(m);
                    outcome.set("returned");
                } catch (InterruptedException e) {
                    outcome.set("interrupted, held=" + m.isHeldByCurrentThread());
                }
            }
        });
        SyncTesting.awaitTrue("waiting", () -> ParkingLot.countWaiters(c) == 1);
        t.interrupt();
        t.join();
        assertEquals("interrupted, held=true", outcome.get());
    }

    /** A bounded buffer of 1 between producers and consumers, on the mutex and two condvars. */
    @Test
    void producersAndConsumersHandOffEveryItem() throws Exception {
        Mutex m = new Mutex();
        Condvar notEmpty = new Condvar();
        Condvar notFull = new Condvar();
        long[] slot = {-1};
        AtomicInteger consumedSum = new AtomicInteger();
        int perProducer = 10_000;
        SyncTesting.runThreads(4, i -> {
            for (int k = 0; k < perProducer; k++) {
                if (i < 2) {
                    try (MutexGuard g = m.lock()) {
                        while (slot[0] != -1) {
                            notFull.await(m);
                        }
                        slot[0] = 1;
                        notEmpty.notifyOne();
                    }
                } else {
                    try (MutexGuard g = m.lock()) {
                        while (slot[0] == -1) {
                            notEmpty.await(m);
                        }
                        consumedSum.addAndGet((int) slot[0]);
                        slot[0] = -1;
                        notFull.notifyOne();
                    }
                }
            }
        });
        assertEquals(2 * perProducer, consumedSum.get());
    }

    private static List<Thread> startWaiters(Condvar c, Mutex m, int n, AtomicInteger woken) {
        AtomicInteger released = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try (MutexGuard g = m.lock()) {
                    c.awaitUninterruptibly(m);
                    woken.incrementAndGet();
                    released.incrementAndGet();
                }
            }));
        }
        return ts;
    }
}
