package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Lost wake-ups in {@link Mutex}'s slow path (both protocols: the default run uses the asymmetric one, the
 * {@code symmetric-fences} surefire run the 3-state one). Each round hands the mutex from a holder to a
 * contender that arrives at a random moment before the unlock (while the holder still holds it: spinning,
 * announcing itself, fencing, parking); the holder then waits, without touching the mutex, until the contender
 * reports that it got in. A lost wake-up leaves the contender parked on a free mutex, and the round never ends.
 */
class MutexWakeupStressTest {

    private static final long ROUND_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Test
    void everyParkedContenderIsWokenByTheUnlock() throws Exception {
        handOffRounds(new Mutex(), false, 3_000);
    }

    @Test
    void everyContenderThatParksAtOnceIsWokenByTheUnlock() throws Exception {
        handOffRounds(new Mutex(0), false, 3_000);
    }

    @Test
    void everyParkedVirtualContenderIsWokenByTheUnlock() throws Exception {
        handOffRounds(new Mutex(), true, 1_000);
    }

    private static void handOffRounds(Mutex mutex, boolean virtual, int rounds) throws Exception {
        AtomicInteger held = new AtomicInteger(-1);     // round whose lock the holder took
        AtomicInteger acquired = new AtomicInteger(-1); // round whose lock the contender took
        AtomicInteger arriving = new AtomicInteger(-1); // round in which the contender is about to lock
        SyncTesting.runThreads(2, virtual, index -> {
            Random random = new Random(42 + index);
            for (int r = 0; r < rounds; r++) {
                if (index == 0) { // holder
                    mutex.lock();
                    held.set(r);
                    awaitValue(arriving, r, "contender arriving", r);
                    busyNanos(random.nextInt(4) == 0 ? 0 : random.nextInt(30_000)); // 0..30 us: spin, fence, park
                    mutex.unlock();
                    awaitValue(acquired, r, "contender acquiring a free mutex (lost wake-up)", r);
                } else { // contender
                    awaitValue(held, r, "holder locking", r);
                    arriving.set(r);
                    mutex.lock();
                    acquired.set(r);
                    mutex.unlock();
                }
            }
        });
        assertFalse(mutex.isLocked());
        assertEquals(0, mutex.waitersForTest() & ~(1 << 30), "counted waiters left behind");
    }

    /**
     * Four threads mix {@code lock()} with short {@code tryLock(timeout)}s (a woken thread that gives up must pass
     * its wake on) and random hold times; the last thread standing must not be left parked on a free mutex.
     */
    @Test
    void contendersThatGiveUpNeverStrandTheOthers() throws Exception {
        for (Mutex mutex : new Mutex[] {new Mutex(), new Mutex(0)}) {
            AtomicInteger acquisitions = new AtomicInteger();
            long[] counter = new long[1]; // guarded by mutex
            SyncTesting.runThreads(4, index -> {
                Random random = new Random(7 + index);
                for (int k = 0; k < 2_000; k++) {
                    boolean got;
                    if (random.nextInt(3) == 0) {
                        got = mutex.tryLock(random.nextInt(50_000), TimeUnit.NANOSECONDS);
                    } else {
                        mutex.lock();
                        got = true;
                    }
                    if (got) {
                        counter[0]++;
                        busyNanos(random.nextInt(5_000));
                        mutex.unlock();
                        acquisitions.incrementAndGet();
                    }
                }
            });
            assertEquals(acquisitions.get(), counter[0]);
            mutex.lock();
            mutex.unlock();
            assertEquals(0, mutex.waitersForTest() & ~(1 << 30), "counted waiters or a wake token left behind");
        }
    }

    /**
     * Two threads hammer one mutex that parks at once; a watchdog fails the test if one of them stops making
     * progress for 2 s while the other goes on (found a wake token that a woken thread could miss, before
     * ParkingLot ran the wake callback before marking the thread woken).
     */
    @Test
    void hammeringThreadsNeverStrandEachOther() throws Exception {
        Mutex mutex = new Mutex(0);
        java.util.concurrent.atomic.AtomicLongArray progress = new java.util.concurrent.atomic.AtomicLongArray(2);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        long[] counter = new long[1]; // guarded by mutex
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int index = i;
            threads[i] = Thread.ofPlatform().daemon().start(() -> {
                for (long k = 1; !stop.get(); k++) {
                    mutex.lock();
                    counter[0]++;
                    mutex.unlock();
                    progress.lazySet(index, k); // release-ish: read by the watchdog only
                }
            });
        }
        long[] last = new long[2];
        int[] idle = new int[2];
        try {
            for (int tick = 0; tick < 30; tick++) { // 3 s
                Thread.sleep(100);
                for (int i = 0; i < 2; i++) {
                    long p = progress.get(i);
                    idle[i] = p == last[i] ? idle[i] + 1 : 0;
                    last[i] = p;
                    if (idle[i] >= 20 && progress.get(1 - i) != last[1 - i]) {
                        fail("thread " + i + " made no progress for 2 s while the other did: lost wake-up (waiters=0x"
                                + Integer.toHexString(mutex.waitersForTest()) + ", parked="
                                + ParkingLot.countWaiters(mutex) + ")");
                    }
                }
            }
        } finally {
            stop.set(true);
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    @Test
    void timedOutAndInterruptedContendersLeaveNoCountBehind() throws Exception {
        Mutex mutex = new Mutex();
        mutex.lock();
        Thread timed = Thread.ofPlatform().start(() -> {
            try {
                assertFalse(mutex.tryLock(30, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        timed.join();
        Thread interrupted = Thread.ofPlatform().start(() -> {
            try {
                mutex.lockInterruptibly();
                fail("acquired a held mutex");
            } catch (InterruptedException expected) {
                // the documented outcome
            }
        });
        SyncTesting.awaitParked(interrupted);
        interrupted.interrupt();
        interrupted.join();
        assertEquals(0, mutex.waitersForTest(), "counted waiters left behind");
        mutex.unlock();
        assertFalse(mutex.isLocked());
    }

    @Test
    void requeuedCondvarWaitersAreWokenOneByOneAndTheFlagClears() throws Exception {
        Mutex mutex = new Mutex();
        Condvar condvar = new Condvar();
        boolean[] go = new boolean[1]; // guarded by mutex
        AtomicInteger done = new AtomicInteger();
        Thread[] waiters = new Thread[3];
        for (int i = 0; i < waiters.length; i++) {
            waiters[i] = Thread.ofPlatform().start(() -> {
                try (MutexGuard g = mutex.lock()) {
                    while (!go[0]) {
                        condvar.awaitUninterruptibly(mutex);
                    }
                    done.incrementAndGet();
                }
            });
        }
        SyncTesting.awaitTrue("3 condvar waiters", () -> condvar.waiters() == 3 && ParkingLot.countWaiters(condvar) == 3);
        try (MutexGuard g = mutex.lock()) {
            go[0] = true;
            condvar.notifyAllWaiters(); // held: requeued onto the mutex, woken by the unlocks one at a time
        }
        for (Thread t : waiters) {
            t.join(ROUND_DEADLINE_NANOS / 1_000_000);
            if (t.isAlive()) {
                fail("a requeued waiter was never woken (lost wake-up): " + t);
            }
        }
        assertEquals(3, done.get());
        mutex.lock();
        mutex.unlock(); // a wake with nobody parked clears a REQUEUED flag left by the last requeued waiter
        assertEquals(0, mutex.waitersForTest(), "waiter word not clean");
    }

    private static void awaitValue(AtomicInteger cell, int value, String what, int round) {
        long deadline = System.nanoTime() + ROUND_DEADLINE_NANOS;
        while (cell.get() != value) { // volatile: the partner's set
            if (System.nanoTime() - deadline > 0) {
                fail("round " + round + ": no progress after 10 s waiting for the " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void busyNanos(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }
}
