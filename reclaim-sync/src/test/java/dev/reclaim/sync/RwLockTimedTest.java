package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** RwLock's timed and interruptible acquires: time-outs, interrupts, withdrawal of a waiting writer, stress. */
class RwLockTimedTest {

    /** A bound on liveness only (a thread that should get in must do so eventually), never on speed. */
    private static final long LIVENESS_MS = 10_000;

    @Test
    void timedWriteTimesOutUnderAReaderAndWithdrawsItsClaim() throws Exception {
        RwLock l = new RwLock();
        assertTrue(l.tryRead());
        assertFalse(l.tryWrite(20, TimeUnit.MILLISECONDS), "a reader holds the lock");
        assertEquals(1, l.readers());
        assertFalse(l.isWriteLocked());
        assertTrue(l.tryRead(), "the timed-out writer must not keep blocking new readers");
        l.unlockRead();
        l.unlockRead();
        assertTrue(l.tryWrite(0, TimeUnit.SECONDS), "a free lock is taken even with a zero timeout");
        l.writeGuard().close();
        assertTrue(l.tryRead(1, TimeUnit.MILLISECONDS));
        l.readGuard().close();
        assertEquals(0, l.readers());
    }

    @Test
    void timedReadTimesOutUnderAWriterAndLeavesNoTrace() throws Exception {
        RwLock l = new RwLock();
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            try (RwLockWriteGuard g = l.write()) {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        SyncTesting.awaitTrue("write-locked", l::isWriteLocked);
        assertFalse(l.tryRead(20, TimeUnit.MILLISECONDS));
        assertFalse(l.tryRead(0, TimeUnit.MILLISECONDS));
        assertFalse(l.tryWrite(5, TimeUnit.MILLISECONDS));
        assertTrue(l.isWriteLocked());
        assertEquals(0, l.readers());
        release.countDown();
        holder.join();
        assertTrue(l.tryRead(1, TimeUnit.SECONDS));
        l.unlockRead();
        assertTrue(l.tryWrite(1, TimeUnit.SECONDS));
        l.unlockWrite();
    }

    @Test
    void interruptedOnEntryThrowsAndClearsTheStatusEvenWhenFree() {
        RwLock l = new RwLock();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, l::readInterruptibly);
        assertFalse(Thread.interrupted(), "status cleared");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, l::writeInterruptibly);
        assertFalse(Thread.interrupted());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> l.tryRead(1, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted());
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> l.tryWrite(1, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted());
        assertEquals(0, l.readers());
        assertFalse(l.isWriteLocked());
    }

    @Test
    void plainAcquiresIgnoreInterruptsAndKeepTheStatus() {
        RwLock l = new RwLock();
        Thread.currentThread().interrupt();
        l.read().close();
        l.write().close();
        assertTrue(Thread.interrupted(), "read()/write() keep the interrupt status");
    }

    @Test
    void interruptedWaitingWriterThrowsAndTheLockStaysUsable() throws Exception {
        RwLock l = new RwLock();
        assertTrue(l.tryRead());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread w = Thread.ofPlatform().start(() -> {
            try {
                l.writeInterruptibly();
                outcome.set("acquired");
            } catch (InterruptedException e) {
                outcome.set(Thread.currentThread().isInterrupted() ? "status still set" : e);
            }
        });
        SyncTesting.awaitParked(w);
        assertFalse(l.tryRead(), "the parked writer blocks new readers");
        w.interrupt();
        w.join(LIVENESS_MS);
        assertFalse(w.isAlive(), "the interrupted writer must leave");
        assertTrue(outcome.get() instanceof InterruptedException, "got " + outcome.get());
        assertTrue(l.tryRead(), "the interrupted writer must withdraw its claim");
        l.unlockRead();
        l.unlockRead();
        assertTrue(l.tryWrite());
        l.unlockWrite();
    }

    @Test
    void interruptedWaitingReaderThrowsAndTheLockStaysUsable() throws Exception {
        RwLock l = new RwLock();
        assertTrue(l.tryWrite());
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread r = Thread.ofPlatform().start(() -> {
            try {
                l.tryRead(1, TimeUnit.HOURS);
                outcome.set("acquired");
            } catch (InterruptedException e) {
                outcome.set(Thread.currentThread().isInterrupted() ? "status still set" : e);
            }
        });
        SyncTesting.awaitParked(r);
        r.interrupt();
        r.join(LIVENESS_MS);
        assertFalse(r.isAlive());
        assertTrue(outcome.get() instanceof InterruptedException, "got " + outcome.get());
        assertEquals(0, l.readers());
        l.unlockWrite();
        assertSame(l.readGuard(), l.readInterruptibly());
        l.unlockRead();
        assertSame(l.writeGuard(), l.writeInterruptibly());
        l.unlockWrite();
    }

    /**
     * Reader 1 holds the lock; a timed writer waits, so reader 2 parks behind it; the writer times out. Reader 2
     * must get in while reader 1 still holds the lock: nothing else will ever wake it (reader 1's unlock does
     * not wake readers), so this fails if the writer's withdrawal does not wake the readers it held back.
     */
    @Test
    void timedOutWriterDoesNotStrandReadersQueuedBehindIt() throws Exception {
        checkReaderNotStranded(l -> assertFalse(l.tryWrite(1, TimeUnit.SECONDS)), false);
    }

    /** As {@link #timedOutWriterDoesNotStrandReadersQueuedBehindIt()}, with an interrupted writer. */
    @Test
    void interruptedWriterDoesNotStrandReadersQueuedBehindIt() throws Exception {
        checkReaderNotStranded(l -> assertThrows(InterruptedException.class, l::writeInterruptibly), true);
    }

    private interface WriterAttempt {
        void run(RwLock l) throws Exception;
    }

    private static void checkReaderNotStranded(WriterAttempt attempt, boolean interrupt) throws Exception {
        RwLock l = new RwLock();
        assertTrue(l.tryRead()); // reader 1, held throughout
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread w = Thread.ofPlatform().start(() -> {
            try {
                attempt.run(l);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        SyncTesting.awaitParked(w);
        assertFalse(l.tryRead(), "the parked writer blocks new readers");
        AtomicBoolean reader2In = new AtomicBoolean();
        Thread r2 = Thread.ofPlatform().start(() -> {
            try (RwLockReadGuard g = l.read()) {
                reader2In.set(true);
            }
        });
        SyncTesting.awaitTrue("reader 2 parked", () -> ParkingLot.hasWaiters(l));
        assumeTrue(w.isAlive(), "inconclusive on this (loaded) machine: the writer gave up before reader 2 parked");
        if (interrupt) {
            w.interrupt();
        }
        w.join(LIVENESS_MS);
        r2.join(LIVENESS_MS);
        boolean stranded = r2.isAlive();
        l.unlockRead(); // reader 1 leaves only now
        if (stranded) { // unstick reader 2 so that the test ends: a write unlock wakes parked readers
            l.write().close();
            r2.join();
        }
        assertNull(failure.get(), () -> "writer: " + failure.get());
        assertFalse(stranded, "reader 2 stayed parked after the writer gave up, although only a reader held the lock");
        assertTrue(reader2In.get());
        assertEquals(0, l.readers());
    }

    /**
     * A plain writer is parked behind a reader when a second, timed writer gives up: the bit is still the first
     * writer's claim, so new readers stay out, and the first writer gets in when the reader leaves.
     */
    @Test
    void timedOutWriterLeavesTheClaimOfAnotherParkedWriter() throws Exception {
        RwLock l = new RwLock();
        assertTrue(l.tryRead());
        AtomicBoolean wrote = new AtomicBoolean();
        Thread w1 = Thread.ofPlatform().start(() -> {
            try (RwLockWriteGuard g = l.write()) {
                wrote.set(true);
            }
        });
        SyncTesting.awaitParked(w1);
        AtomicReference<Object> w2Result = new AtomicReference<>();
        Thread w2 = Thread.ofPlatform().start(() -> {
            try {
                w2Result.set(l.tryWrite(30, TimeUnit.MILLISECONDS));
            } catch (Throwable e) {
                w2Result.set(e);
            }
        });
        w2.join(LIVENESS_MS);
        assertEquals(Boolean.FALSE, w2Result.get());
        assertFalse(l.tryRead(), "writer 1 still waits: new readers must stay out");
        l.unlockRead();
        w1.join(LIVENESS_MS);
        assertFalse(w1.isAlive(), "writer 1 must get in once the reader left");
        assertTrue(wrote.get());
        assertTrue(l.tryRead());
        l.unlockRead();
    }

    /**
     * Six threads mix plain, interruptible and timed acquires of both kinds, while an interrupter pokes them; the
     * invariant "no reader inside while a writer is inside, one writer at most" is checked on every entry, and at
     * the end every thread has finished (no stranded waiter) and the lock is free.
     */
    @Test
    void mixedTimedInterruptibleAndPlainAcquiresKeepTheInvariant() throws Exception {
        RwLock l = new RwLock();
        AtomicInteger inside = new AtomicInteger(); // readers + 1000 per writer
        long[] pair = new long[2];
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        AtomicLong timeouts = new AtomicLong();
        AtomicLong interrupts = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread[] workers = new Thread[6];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int t = 0; t < workers.length; t++) {
            int seed = 31 * t + 7;
            workers[t] = Thread.ofPlatform().daemon().unstarted(() -> {
                Random rnd = new Random(seed);
                try {
                    for (int k = 0; k < 4_000; k++) {
                        int op = rnd.nextInt(10);
                        long timeoutMicros = rnd.nextInt(100);
                        boolean isWrite = op >= 7;
                        boolean got;
                        try {
                            got = switch (op % 3) {
                                case 0 -> {
                                    if (isWrite) {
                                        l.write();
                                    } else {
                                        l.read();
                                    }
                                    Thread.interrupted(); // a plain acquire keeps the status: drop it
                                    yield true;
                                }
                                case 1 -> {
                                    if (isWrite) {
                                        l.writeInterruptibly();
                                    } else {
                                        l.readInterruptibly();
                                    }
                                    yield true;
                                }
                                default -> isWrite ? l.tryWrite(timeoutMicros, TimeUnit.MICROSECONDS)
                                        : l.tryRead(timeoutMicros, TimeUnit.MICROSECONDS);
                            };
                        } catch (InterruptedException e) {
                            // (the status is not checked here: the interrupter may have struck again)
                            interrupts.incrementAndGet();
                            continue;
                        }
                        Thread.interrupted(); // an interrupt that raced with the hand-over: drop it
                        if (!got) {
                            timeouts.incrementAndGet();
                            continue;
                        }
                        int stay = rnd.nextInt(isWrite ? 200 : 50); // hold the lock a little, so that others wait
                        if (isWrite) {
                            assertEquals(0, inside.getAndAdd(1000), "a writer found someone inside");
                            pair[0]++;
                            for (int i = 0; i < stay; i++) {
                                Thread.onSpinWait();
                            }
                            if ((stay & 3) == 0) {
                                Thread.yield(); // let a waiter run into the held lock (2 cores, 7 threads)
                            }
                            pair[1]++;
                            inside.addAndGet(-1000);
                            writes.incrementAndGet();
                            l.unlockWrite();
                        } else {
                            int now = inside.incrementAndGet();
                            assertTrue(now < 1000, "a reader found a writer inside");
                            for (int i = 0; i < stay; i++) {
                                Thread.onSpinWait();
                            }
                            if ((stay & 3) == 0) {
                                Thread.yield(); // let a waiter run into the held lock (2 cores, 7 threads)
                            }
                            assertEquals(pair[0], pair[1], "a reader saw a half-done write");
                            inside.decrementAndGet();
                            reads.incrementAndGet();
                            l.unlockRead();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        Thread interrupter = Thread.ofPlatform().start(() -> {
            Random rnd = new Random(99);
            while (!done.get()) {
                workers[rnd.nextInt(workers.length)].interrupt();
                LockSupport.parkNanos(20_000);
            }
        });
        for (Thread t : workers) {
            t.start();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Thread t : workers) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        done.set(true);
        interrupter.join();
        for (Thread t : workers) {
            assertFalse(t.isAlive(), "a worker is still waiting after 60 s: deadlock or lost wake-up");
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
        assertEquals(writes.get(), pair[0]);
        assertEquals(0, l.readers());
        assertFalse(l.isWriteLocked());
        assertTrue(l.tryWrite(), "the lock must be free at the end (no stale waiting bit)");
        l.unlockWrite();
        assertTrue(l.tryRead(), "no stale waiting bit");
        l.unlockRead();
        assertTrue(reads.get() > 0 && writes.get() > 0, "reads " + reads + ", writes " + writes);
        System.out.printf("RwLock mixed stress: %d reads, %d writes, %d time-outs, %d interrupts%n",
                reads.get(), writes.get(), timeouts.get(), interrupts.get());
    }
}
