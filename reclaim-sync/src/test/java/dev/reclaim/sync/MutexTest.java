package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.testing.HeapAllocation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Mutex, SpinLock, QueueLock and ByteLock: unit behaviour, misuse, interrupts, timeouts, allocation. */
class MutexTest {

    @Test
    void unlockByNonOwnerThrowsAndKeepsTheLock() throws Exception {
        Mutex m = new Mutex();
        m.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                m.unlock();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertTrue(thrown.get() instanceof IllegalStateException, "got " + thrown.get());
        assertTrue(m.isLocked());
        m.unlock();
        assertFalse(m.isLocked());
    }

    @Test
    void doubleCloseOfTheGuardThrows() {
        Mutex m = new Mutex();
        MutexGuard g = m.lock();
        g.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
        assertTrue(e.getMessage().contains("not locked: its guard was closed twice"), e.getMessage());
    }

    @Test
    void tryLockFailsWhileHeldAndGuardIsShared() {
        Mutex m = new Mutex();
        assertTrue(m.tryLock());
        assertFalse(m.tryLock());
        assertSame(m.guard(), m.guard());
        m.guard().close();
        assertTrue(m.tryLock());
        m.unlock();
    }

    @Test
    void timedTryLockTimesOutWhileAnotherThreadHoldsIt() throws Exception {
        Mutex m = new Mutex();
        Thread holder = Thread.ofPlatform().start(m::lock); // locks and dies holding it
        holder.join();
        assertFalse(m.tryLock(20, TimeUnit.MILLISECONDS));
    }

    /** A timeout near Long.MAX_VALUE must wait, not overflow its deadline into an immediate time-out. */
    @Test
    void hugeTimeoutWaitsInsteadOfOverflowing() throws Exception {
        Semaphore s = new Semaphore(0);
        Thread releaser = Thread.ofPlatform().start(() -> {
            SyncTesting.awaitTrue("acquirer parked", () -> ParkingLot.hasWaiters(s));
            s.release();
        });
        assertTrue(s.tryAcquire(Long.MAX_VALUE - 1, TimeUnit.NANOSECONDS));
        releaser.join();

        Mutex m = new Mutex();
        Thread holder = Thread.ofPlatform().start(() -> {
            try (MutexGuard g = m.lock()) {
                SyncTesting.awaitTrue("main parked", () -> ParkingLot.hasWaiters(m));
            }
        });
        SyncTesting.awaitTrue("holder has it", m::isLocked);
        assertTrue(m.tryLock(Long.MAX_VALUE - 1, TimeUnit.NANOSECONDS));
        m.unlock();
        holder.join();
    }

    @Test
    void lockInterruptiblyThrowsOnInterruptAndTheLockStaysUsable() throws Exception {
        Mutex m = new Mutex();
        m.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                m.lockInterruptibly();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        SyncTesting.awaitTrue("contender parked", () -> ParkingLot.hasWaiters(m));
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException, "got " + thrown.get());
        m.unlock();
        assertTrue(m.tryLock(1, TimeUnit.SECONDS));
        m.unlock();
    }

    @Test
    void lockIgnoresInterruptsAndRestoresTheStatus() throws Exception {
        Mutex m = new Mutex();
        m.lock();
        AtomicBoolean statusAfter = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            try (MutexGuard g = m.lock()) {
                statusAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        SyncTesting.awaitTrue("contender parked", () -> ParkingLot.hasWaiters(m));
        t.interrupt();
        Thread.sleep(20);
        assertTrue(t.isAlive(), "lock() must keep waiting through an interrupt");
        m.unlock();
        t.join();
        assertTrue(statusAfter.get());
    }

    @Test
    void uncontendedLockUnlockAllocatesNothing() {
        Mutex m = new Mutex();
        Runnable loop = () -> {
            for (int i = 0; i < 100_000; i++) {
                try (MutexGuard g = m.lock()) {
                    assert g != null;
                }
            }
        };
        loop.run();
        assertTrue(HeapAllocation.fewestBytes(loop) < 512, "uncontended Mutex allocates");
    }

    @Test
    void spinLockUnlockOfUnlockedThrows() {
        SpinLock s = new SpinLock();
        assertThrows(IllegalStateException.class, s::unlock);
        assertTrue(s.tryLock());
        assertFalse(s.tryLock());
        s.unlock();
        Runnable loop = () -> {
            for (int i = 0; i < 100_000; i++) {
                try (SpinLockGuard g = s.lock()) {
                    assert g != null;
                }
            }
        };
        loop.run();
        assertTrue(HeapAllocation.fewestBytes(loop) < 512, "SpinLock allocates");
    }

    @Test
    void queueLockGrantsInArrivalOrder() throws Exception {
        QueueLock q = new QueueLock();
        QueueLockGuard held = q.lock();
        StringBuffer order = new StringBuffer();
        Thread[] ts = new Thread[3];
        for (int i = 0; i < 3; i++) {
            int id = i;
            ts[i] = Thread.ofPlatform().start(() -> {
                try (QueueLockGuard g = q.lock()) {
                    order.append(id);
                }
            });
            SyncTesting.awaitParked(ts[i]); // queued (spins 64 times, then parks) before the next arrives
        }
        held.close();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals("012", order.toString());
        assertFalse(q.isLocked());
    }

    @Test
    void queueLockGuardClosedTwiceOrElsewhereThrows() throws Exception {
        QueueLock q = new QueueLock();
        QueueLockGuard g = q.lock();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                g.close();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.join();
        assertTrue(thrown.get() instanceof IllegalStateException);
        g.close();
        assertThrows(IllegalStateException.class, g::close);
        assertTrue(q.tryLock() != null);
    }

    @Test
    void byteLockLivesInOneByteAndLeavesItsNeighboursAlone() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rec = arena.allocate(16, 8);
            rec.fill((byte) 0x5A);
            rec.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 5, (byte) 0); // the lock byte, unlocked
            assertTrue(ByteLock.tryLock(rec, 5));
            assertFalse(ByteLock.tryLock(rec, 5));
            assertEquals(1, rec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5));
            for (int i = 0; i < 16; i++) {
                if (i != 5) {
                    assertEquals(0x5A, rec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "byte " + i);
                }
            }
            ByteLock.unlock(rec, 5);
            assertEquals(0, rec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 5));
            assertThrows(IllegalStateException.class, () -> ByteLock.unlock(rec, 5));
            assertThrows(IllegalArgumentException.class, () -> ByteLock.lock(rec, 16));
            assertThrows(IllegalArgumentException.class,
                    () -> ByteLock.lock(MemorySegment.ofArray(new byte[16]), 0));
        }
    }

    @Test
    void byteLockContendedWaiterParksAndIsWoken() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment rec = arena.allocate(8, 8);
            ByteLock lock = ByteLock.at(rec, 2);
            lock.lock();
            AtomicBoolean got = new AtomicBoolean();
            Thread t = Thread.ofPlatform().start(() -> {
                try (ByteLockGuard g = lock.lock()) {
                    got.set(true);
                }
            });
            SyncTesting.awaitParked(t);
            assertEquals(2, rec.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2), "contended state is 2");
            lock.unlock();
            t.join();
            assertTrue(got.get());
            assertFalse(ByteLock.isLocked(rec, 2));
        }
    }
}
