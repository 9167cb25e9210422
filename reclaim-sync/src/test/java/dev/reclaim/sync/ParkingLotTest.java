package dev.reclaim.sync;

import static dev.reclaim.sync.SyncTesting.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.sync.ParkingLot.ParkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParkingLotTest {

    @Test
    void failedValidationReturnsInvalidWithoutParking() {
        Object key = new Object();
        assertEquals(ParkResult.INVALID, ParkingLot.park(key, () -> false, ParkingLot.NO_TIMEOUT));
        assertEquals(0, ParkingLot.countWaiters(key));
    }

    @Test
    void timeoutReturnsTimedOutAndLeavesNoWaiterBehind() {
        Object key = new Object();
        long t0 = System.nanoTime();
        assertEquals(ParkResult.TIMED_OUT, ParkingLot.park(key, () -> true, TimeUnit.MILLISECONDS.toNanos(20)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals(0, ParkingLot.countWaiters(key));
        assertFalse(ParkingLot.wakeOne(key), "a timed-out waiter must not be found by a later wake");
        assertEquals(ParkResult.TIMED_OUT, ParkingLot.park(key, () -> true, 0));
    }

    @Test
    void wakeOneWakesWaitersInArrivalOrder() throws Exception {
        Object key = new Object();
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            Thread t = Thread.ofPlatform().start(() -> {
                assertEquals(ParkResult.UNPARKED, ParkingLot.park(key, () -> true, ParkingLot.NO_TIMEOUT));
                order.add(id);
            });
            threads.add(t);
            int expected = i + 1;
            awaitTrue("waiter " + i + " queued", () -> ParkingLot.countWaiters(key) == expected);
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(ParkingLot.wakeOne(key));
            int done = i + 1;
            awaitTrue("waiter woken", () -> order.size() == done);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(0, 1, 2), List.copyOf(order));
        assertFalse(ParkingLot.wakeOne(key));
    }

    @Test
    void wakeAllWakesEveryWaiterOfTheKeyOnly() throws Exception {
        Object key = new Object();
        Object other = new Object();
        CountDownLatch woken = new CountDownLatch(4);
        for (int i = 0; i < 4; i++) {
            Thread.ofVirtual().start(() -> {
                ParkingLot.park(key, () -> true, ParkingLot.NO_TIMEOUT);
                woken.countDown();
            });
        }
        Thread otherWaiter = Thread.ofPlatform().start(() -> ParkingLot.park(other, () -> true, ParkingLot.NO_TIMEOUT));
        awaitTrue("4 queued", () -> ParkingLot.countWaiters(key) == 4);
        awaitTrue("other queued", () -> ParkingLot.countWaiters(other) == 1);
        assertEquals(4, ParkingLot.wakeAll(key));
        assertTrue(woken.await(10, TimeUnit.SECONDS));
        assertEquals(1, ParkingLot.countWaiters(other), "waking one key must not wake another");
        assertEquals(1, ParkingLot.wakeAll(other));
        otherWaiter.join();
    }

    @Test
    void addressKeysMatchByValue() throws Exception {
        long address = 0x7f00_1234_5678L;
        AtomicReference<ParkResult> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() ->
                result.set(ParkingLot.parkAddress(address, () -> true, ParkingLot.NO_TIMEOUT)));
        SyncTesting.awaitParked(t);
        assertFalse(ParkingLot.wakeOneAddress(address + 8));
        assertTrue(ParkingLot.wakeOneAddress(address));
        t.join();
        assertEquals(ParkResult.UNPARKED, result.get());
    }

    @Test
    void interruptWhileParkedReturnsInterruptedWithStatusSet() throws Exception {
        Object key = new Object();
        AtomicReference<ParkResult> result = new AtomicReference<>();
        AtomicReference<Boolean> status = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            result.set(ParkingLot.park(key, () -> true, ParkingLot.NO_TIMEOUT));
            status.set(Thread.currentThread().isInterrupted());
        });
        awaitTrue("queued", () -> ParkingLot.countWaiters(key) == 1);
        t.interrupt();
        t.join();
        assertEquals(ParkResult.INTERRUPTED, result.get());
        assertTrue(status.get(), "the interrupt status is left set");
        assertEquals(0, ParkingLot.countWaiters(key));
    }

    @Test
    void alreadyInterruptedThreadDoesNotPark() {
        Thread.currentThread().interrupt();
        try {
            assertEquals(ParkResult.INTERRUPTED, ParkingLot.park(new Object(), () -> true, ParkingLot.NO_TIMEOUT));
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void uninterruptibleParkKeepsWaitingAndRestoresTheStatus() throws Exception {
        Object key = new Object();
        AtomicReference<ParkResult> result = new AtomicReference<>();
        AtomicReference<Boolean> status = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            result.set(ParkingLot.parkUninterruptibly(key, () -> true, ParkingLot.NO_TIMEOUT));
            status.set(Thread.currentThread().isInterrupted());
        });
        awaitTrue("queued", () -> ParkingLot.countWaiters(key) == 1);
        t.interrupt();
        Thread.sleep(20);
        assertEquals(1, ParkingLot.countWaiters(key), "still parked after the interrupt");
        assertTrue(ParkingLot.wakeOne(key));
        t.join();
        assertEquals(ParkResult.UNPARKED, result.get());
        assertTrue(status.get(), "the interrupt status is restored");
    }

    /**
     * No lost wake-up when a wake races an interrupt or a timeout: every wakeOne that reports it woke a thread is
     * matched by a park that returned UNPARKED, and every park that did not return UNPARKED was not counted by a
     * wake.
     */
    @Test
    void wakeRacingInterruptsAndTimeoutsIsNeverLost() throws Exception {
        for (int round = 0; round < 300; round++) {
            Object key = new Object();
            AtomicReference<ParkResult> result = new AtomicReference<>();
            long timeout = TimeUnit.MICROSECONDS.toNanos(round % 3 * 50 + 1);
            Thread t = Thread.ofPlatform().start(() -> result.set(ParkingLot.park(key, () -> true, timeout)));
            if (round % 2 == 0) {
                t.interrupt();
            }
            boolean woke = false;
            while (t.isAlive() && !woke) {
                woke = ParkingLot.wakeOne(key);
            }
            t.join();
            assertEquals(woke, result.get() == ParkResult.UNPARKED,
                    "round " + round + ": wakeOne returned " + woke + " but park returned " + result.get());
        }
    }

    /** Two threads hand a token back and forth 20,000 times with park/wake: a lost wake-up would hang. */
    @Test
    void pingPongNeverLosesAWakeUp() throws Exception {
        Object key = new Object();
        AtomicInteger turn = new AtomicInteger();
        int rounds = 20_000;
        SyncTesting.runThreads(2, me -> {
            for (int i = 0; i < rounds; i++) {
                while (true) {
                    int seen = turn.get(); // read once: the check and the park validation use the same value
                    if (seen % 2 == me) {
                        break;
                    }
                    ParkingLot.park(key, () -> turn.get() == seen, ParkingLot.NO_TIMEOUT);
                }
                turn.incrementAndGet();
                ParkingLot.wakeAll(key);
            }
        });
        assertEquals(2 * rounds, turn.get());
    }

    @Test
    void thousandsOfVirtualThreadsParkAndWake() throws Exception {
        Object key = new Object();
        AtomicInteger gate = new AtomicInteger();
        int n = 2_000;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (gate.get() == 0) {
                    ParkingLot.park(key, () -> gate.get() == 0, ParkingLot.NO_TIMEOUT);
                }
            }));
        }
        awaitTrue("all parked", () -> ParkingLot.countWaiters(key) == n);
        gate.set(1);
        assertEquals(n, ParkingLot.wakeAll(key));
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void requeueMovesWaitersToTheTargetKey() throws Exception {
        Object from = new Object();
        Object to = new Object();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().start(() -> ParkingLot.park(from, () -> true, ParkingLot.NO_TIMEOUT)));
        }
        awaitTrue("3 queued", () -> ParkingLot.countWaiters(from) == 3);
        assertEquals(3, ParkingLot.requeue(from, to, () -> ParkingLot.RequeueOp.WAKE_ONE_REQUEUE_REST));
        awaitTrue("one woken", () -> threads.stream().filter(Thread::isAlive).count() == 2);
        assertEquals(0, ParkingLot.countWaiters(from));
        assertEquals(2, ParkingLot.countWaiters(to));
        assertFalse(ParkingLot.wakeOne(from));
        assertEquals(2, ParkingLot.wakeAll(to));
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void requeuedWaiterCanStillTimeOut() throws Exception {
        Object from = new Object();
        Object to = new Object();
        AtomicReference<ParkResult> result = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() ->
                result.set(ParkingLot.park(from, () -> true, TimeUnit.MILLISECONDS.toNanos(200))));
        awaitTrue("queued", () -> ParkingLot.countWaiters(from) == 1);
        ParkingLot.requeue(from, to, () -> ParkingLot.RequeueOp.REQUEUE_ALL);
        t.join();
        assertEquals(ParkResult.TIMED_OUT, result.get());
        assertEquals(0, ParkingLot.countWaiters(to), "the timed-out waiter removed itself from the new bucket");
    }

    @Test
    void unparkCallbackReportsWhetherMoreWaitersRemain() throws Exception {
        Object key = new Object();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            threads.add(Thread.ofPlatform().start(() -> ParkingLot.park(key, () -> true, ParkingLot.NO_TIMEOUT)));
        }
        awaitTrue("2 queued", () -> ParkingLot.countWaiters(key) == 2);
        List<String> seen = new ArrayList<>();
        ParkingLot.wakeOne(key, (woke, more) -> seen.add(woke + "/" + more));
        ParkingLot.wakeOne(key, (woke, more) -> seen.add(woke + "/" + more));
        ParkingLot.wakeOne(key, (woke, more) -> seen.add(woke + "/" + more));
        assertEquals(List.of("true/true", "true/false", "false/false"), seen);
        for (Thread t : threads) {
            t.join();
        }
    }
}
