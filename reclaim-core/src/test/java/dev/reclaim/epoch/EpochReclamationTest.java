package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.epoch.EpochTesting.CountingDeleter;
import dev.reclaim.epoch.EpochTesting.RecordingHandler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When deleters run: grace periods, synchronize, close, failures, threads that move, unmount or die. */
class EpochReclamationTest {

    @Test
    void pinHoldsBackReclamation() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            Guard reader = r.enter(); // opened before the retire
            Thread writer = Thread.ofPlatform().start(() -> {
                r.retire(1, d);
                for (int i = 0; i < 10; i++) {
                    r.flush();
                }
            });
            writer.join();
            for (int i = 0; i < 10; i++) {
                r.flush();
            }
            assertEquals(0, d.count(1), "a guard open since before the retire must hold the deleter back");
            assertEquals(1, r.stats().pending());
            reader.close();
            r.synchronize();
            assertEquals(1, d.count(1));
        }
    }

    @Test
    void garbageSealedWhileAGuardStallsIsReclaimedByOrdinaryRetiresOnceItCloses() throws Exception {
        // Regression test for maintain()'s skip (no collection while the epoch has not moved): the bags
        // sealed during the stall must still be collected by later seals, without flush() or synchronize().
        int n = 200;
        CountingDeleter d = new CountingDeleter(2 * n + 2);
        try (EpochReclaimer r = EpochReclaimer.builder().bagCapacity(4).advanceEvery(1).build()) {
            Guard stalled = r.enter();
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= n + 1; i++) { // the retire of n + 1 seals the bag holding n
                    try (Guard g = r.enter()) {
                        g.retire(i, d);
                    }
                }
            });
            writer.join();
            for (int i = 1; i <= n; i++) {
                assertEquals(0, d.count(i), "the stalled guard must hold back pointer " + i);
            }
            stalled.close();
            for (int i = n + 2; i <= 2 * n + 1; i++) {
                try (Guard g = r.enter()) {
                    g.retire(i, d);
                }
            }
            for (int i = 1; i <= n; i++) {
                assertEquals(1, d.count(i), "pointer " + i + ", retired during the stall, must be reclaimed by"
                        + " the seals that follow it");
            }
        }
    }

    @Test
    void synchronizeReclaimsEverythingRetiredBeforeByOtherThreadsInOneCall() throws Exception {
        int perThread = 1_000;
        int threads = 4;
        CountingDeleter d = new CountingDeleter(perThread * threads);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        try (Guard g = r.enter()) {
                            g.retire(base + i, d);
                        }
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            r.synchronize();
            d.assertEachOnce(perThread * threads);
            assertEquals(0, r.stats().pending());
        }
    }

    @Test
    void synchronizeWaitsForGuardsOpenOnOtherThreadsThenReclaims() throws Exception {
        CountingDeleter d = new CountingDeleter(2);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            CountDownLatch entered = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    g.retire(1, d);
                    entered.countDown();
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();
            r.retire(2, d);
            r.synchronize(); // one call, while the reader is still inside its guard
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(2));
            reader.join();
        }
    }

    @Test
    void synchronizeCompletesAndCoversEarlierRetiresWhileReadersReenterAtOnce() throws Exception {
        int workers = 2;
        int maxPerWorker = 2_000_000;
        CountingDeleter d = new CountingDeleter(workers * maxPerWorker);
        AtomicLongArray done = new AtomicLongArray(workers); // last id whose retire() returned, per worker
        AtomicBoolean stop = new AtomicBoolean();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            List<Thread> ts = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                int worker = w;
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= maxPerWorker && !stop.get(); i++) {
                        try (Guard g = r.enter()) { // re-entered at once: the slot is almost never free
                            long id = (long) worker * maxPerWorker + i;
                            g.retire(id, d);
                            done.set(worker, id);
                            LockSupport.parkNanos(100_000); // long inside, nanoseconds outside
                        }
                    }
                }));
            }
            for (int round = 0; round < 20; round++) {
                long[] snapshot = new long[workers];
                for (int w = 0; w < workers; w++) {
                    snapshot[w] = done.get(w);
                }
                assertTrue(r.synchronize(Duration.ofSeconds(20)), "synchronize starved by re-entering readers");
                for (int w = 0; w < workers; w++) {
                    for (long id = (long) w * maxPerWorker + 1; id <= snapshot[w]; id++) {
                        assertEquals(1, d.count(id), "id " + id + " retired before synchronize() was not reclaimed");
                    }
                }
            }
            stop.set(true);
            for (Thread t : ts) {
                t.join();
            }
        }
    }

    @Test
    void closeRunsEveryPendingDeleter() {
        int n = 1_000;
        CountingDeleter d = new CountingDeleter(n, 8);
        EpochReclaimer r = EpochReclaimer.create();
        for (int i = 1; i <= n; i++) {
            r.retire(i, d);
        }
        assertTrue(r.stats().pending() > 0);
        r.close();
        d.assertEachOnce(n);
        ReclaimerStats s = r.stats();
        assertEquals(n, s.retired());
        assertEquals(n, s.reclaimed());
        assertEquals(0, s.pending());
        assertEquals(0, s.pendingBytes());
    }

    @Test
    void enterRacingWithCloseEitherFailsOrIsWaitedForAndNothingIsLost() throws Exception {
        for (int rep = 0; rep < 5; rep++) {
            int threads = 3;
            int max = 1_000_000;
            CountingDeleter d = new CountingDeleter(threads * max);
            AtomicLongArray retiredCount = new AtomicLongArray(threads);
            EpochReclaimer r = EpochReclaimer.builder().bagCapacity(8).build();
            CountDownLatch started = new CountDownLatch(threads);
            List<Thread> ts = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int worker = w;
                ts.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    for (int i = 1; i <= max; i++) {
                        Guard g;
                        try {
                            g = r.enter();
                        } catch (IllegalStateException closed) {
                            return;
                        }
                        g.retire((long) worker * max + i, d);
                        retiredCount.incrementAndGet(worker);
                        g.close();
                    }
                }));
            }
            started.await();
            Thread.sleep(5);
            r.close();
            for (Thread t : ts) {
                t.join();
            }
            long retired = 0;
            for (int w = 0; w < threads; w++) {
                retired += retiredCount.get(w);
            }
            assertEquals(retired, d.total(), "every retire made before close() returned ran exactly once");
            assertEquals(retired, r.stats().reclaimed());
            assertEquals(0, r.stats().pending());
        }
    }

    @Test
    void closeLetsDeletersRetireMoreAndRunsThoseToo() {
        CountingDeleter d = new CountingDeleter(2);
        EpochReclaimer r = EpochReclaimer.create();
        r.retire(1, p -> {
            d.delete(p);
            r.retire(2, d);
        });
        r.close();
        d.assertEachOnce(2);
    }

    @Test
    void closeWithAGuardOpenOnAnotherThreadTimesOutNamingThatThread() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        EpochReclaimer r = EpochReclaimer.builder().name("closing").closeTimeout(Duration.ofMillis(100)).build();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("stuck-reader").start(() -> {
            try (Guard g = r.enter()) {
                g.retire(1, d);
                entered.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        entered.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::close);
        String m = e.getMessage();
        assertTrue(m.contains("stuck-reader") && m.contains("alive") && m.contains("CountDownLatch.await"), m);
        assertTrue(r.isClosed(), "the reclaimer stays closing");
        assertThrows(IllegalStateException.class, r::enter);
        assertEquals(0, d.count(1));
        release.countDown();
        holder.join();
        r.close(); // a second close retries and succeeds
        assertEquals(1, d.count(1));
        assertThrows(IllegalStateException.class, r::close);
    }

    @Test
    void deleterThatThrowsIsReportedAndTheOthersRun() {
        RecordingHandler h = new RecordingHandler();
        CountingDeleter d = new CountingDeleter(3);
        try (EpochReclaimer r = EpochReclaimer.builder().failureHandler(h).build()) {
            r.retire(1, d);
            r.retire(2, p -> {
                throw new IllegalStateException("boom " + p);
            });
            r.retire(3, d);
            r.synchronize();
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(3));
            assertEquals(1, h.errors.size());
            assertEquals("boom 2", h.errors.get(0).getMessage());
            assertTrue(h.messages.get(0).contains("0x2"), h.messages.get(0));
            ReclaimerStats s = r.stats();
            assertEquals(1, s.failures());
            assertEquals(3, s.reclaimed());
        }
    }

    @Test
    void consecutiveRetiresWithOneDeleterRunAsOneBatch() {
        List<long[]> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        Deleter batching = new Deleter() {
            @Override
            public void delete(long pointer) {
                batches.add(new long[] {pointer});
            }

            @Override
            public void deleteAll(long[] pointers, int from, int to) {
                batches.add(java.util.Arrays.copyOfRange(pointers, from, to));
            }
        };
        CountingDeleter other = new CountingDeleter(10);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            r.retire(1, batching);
            r.retire(2, batching);
            r.retire(3, batching);
            r.retire(4, other);
            r.retire(5, batching);
            r.synchronize();
            assertEquals(2, batches.size());
            assertArrayEquals(new long[] {1, 2, 3}, batches.get(0));
            assertArrayEquals(new long[] {5}, batches.get(1));
            assertEquals(1, other.count(4));
            assertEquals(5, r.stats().reclaimed());
        }
    }

    @Test
    void batchWhoseDeletersThrowIsReportedOnceAndCountsEveryFailure() {
        RecordingHandler h = new RecordingHandler();
        CountingDeleter d = new CountingDeleter(6);
        Deleter flaky = p -> {
            if (p % 2 == 0) {
                throw new IllegalStateException("boom " + p);
            }
            d.delete(p);
        };
        try (EpochReclaimer r = EpochReclaimer.builder().failureHandler(h).build()) {
            for (long p = 1; p <= 5; p++) {
                r.retire(p, flaky);
            }
            r.synchronize();
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(3));
            assertEquals(1, d.count(5)); // the ones after a failure still ran
            assertEquals(1, h.errors.size());
            assertEquals("boom 2", h.errors.get(0).getMessage());
            assertEquals("boom 4", h.errors.get(0).getSuppressed()[0].getMessage());
            assertTrue(h.messages.get(0).contains("5 pointers (0x1 .. 0x5)"), h.messages.get(0));
            assertEquals(2, r.stats().failures());
            assertEquals(5, r.stats().reclaimed());
        }
    }

    @Test
    void handlerThatThrowsDoesNotStopReclamation() {
        CountingDeleter d = new CountingDeleter(2);
        try (EpochReclaimer r = EpochReclaimer.builder().failureHandler((n, w, e) -> {
            throw new RuntimeException("bad handler");
        }).build()) {
            r.retire(1, p -> {
                throw new RuntimeException("boom");
            });
            r.retire(2, d);
            r.synchronize();
            assertEquals(1, d.count(2));
        }
    }

    @Test
    void guardHandedToAnotherThreadIsUsedAndClosedThere() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            Guard g = r.enter();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    assertEquals("v", g.protect(0, new AtomicReference<>("v")));
                    g.retire(1, d);
                    g.close();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.join();
            assertNull(failure.get());
            assertFalse(g.isOpen());
            assertEquals(0, r.stats().openGuards());
            r.synchronize(); // the main thread no longer holds a guard
            assertEquals(1, d.count(1));
        }
    }

    @Test
    void virtualThreadThatUnmountsInsideAGuardStaysProtected() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            AtomicReference<Long> shared = new AtomicReference<>(1L);
            CountDownLatch loaded = new CountDownLatch(1);
            AtomicBoolean freedWhileOpen = new AtomicBoolean();
            Thread v = Thread.ofVirtual().start(() -> {
                try (Guard g = r.enter()) {
                    long p = g.protect(0, shared);
                    loaded.countDown();
                    for (int i = 0; i < 5; i++) {
                        Thread.sleep(10); // unmounts; may resume on another carrier
                        if (d.count(p) != 0) {
                            freedWhileOpen.set(true);
                        }
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            loaded.await();
            shared.set(null);
            r.retire(1, d);
            for (int i = 0; i < 20; i++) {
                r.flush();
                Thread.sleep(1);
            }
            v.join();
            assertFalse(freedWhileOpen.get());
            r.synchronize();
            assertEquals(1, d.count(1));
        }
    }

    @Test
    void tenThousandVirtualThreadsAndTwoRetirersEndWithNothingPending() throws Exception {
        int perRetirer = 20_000;
        CountingDeleter d = new CountingDeleter(2 * perRetirer);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            AtomicReference<String> shared = new AtomicReference<>("x");
            AtomicInteger entered = new AtomicInteger();
            List<Thread> retirers = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int base = t * perRetirer;
                retirers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= perRetirer; i++) {
                        try (Guard g = r.enter()) {
                            g.retire(base + i, d);
                        }
                    }
                }));
            }
            List<Thread> vs = new ArrayList<>(10_000);
            for (int i = 0; i < 10_000; i++) {
                vs.add(Thread.ofVirtual().start(() -> {
                    for (int k = 0; k < 5; k++) {
                        try (Guard g = r.enter()) {
                            g.protect(0, shared);
                            entered.incrementAndGet();
                        }
                        Thread.yield();
                    }
                }));
            }
            for (Thread v : vs) {
                v.join();
            }
            for (Thread t : retirers) {
                t.join();
            }
            assertEquals(50_000, entered.get());
            r.synchronize();
            d.assertEachOnce(2 * perRetirer);
            ReclaimerStats s = r.stats();
            assertEquals(0, s.pending());
            assertEquals(0, s.openGuards());
        }
    }

    @Test
    void threadThatDiesWithAGuardOpenIsRecoveredAfterGc() throws Exception {
        RecordingHandler h = new RecordingHandler();
        CountingDeleter d = new CountingDeleter(2);
        try (EpochReclaimer r = EpochReclaimer.builder().failureHandler(h).build()) {
            Thread dying = Thread.ofPlatform().name("dies-in-guard").start(() -> {
                Guard g = r.enter();
                g.retire(1, d); // never closed
            });
            dying.join();
            r.retire(2, d);
            assertEquals(0, d.count(1), "the abandoned guard's garbage waits until the guard is found");
            boolean done = false;
            for (int i = 0; i < 50 && !done; i++) {
                System.gc();
                done = r.synchronize(Duration.ofMillis(100));
            }
            assertTrue(done, "synchronize completes once a GC has collected the abandoned guard");
            assertEquals(1, d.count(1), "garbage retired by the abandoned guard is not lost");
            assertEquals(1, d.count(2));
            assertEquals(1, h.messages.size(), h.messages.toString());
            assertTrue(h.messages.get(0).contains("dies-in-guard") && h.messages.get(0).contains("never closed"),
                    h.messages.get(0));
            ReclaimerStats s = r.stats();
            assertEquals(0, s.openGuards());
            assertEquals(1, s.failures());
            try (Guard g = r.enter()) { // every slot is usable again
                assertTrue(g.isOpen());
            }
        }
    }

    @Test
    void threadThatDiesAfterRetiringLosesNothing() throws Exception {
        int n = 10; // fewer than a bag: they stay in the slot's bag after the thread dies
        CountingDeleter d = new CountingDeleter(n);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            Thread t = Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    for (int i = 1; i <= n; i++) {
                        g.retire(i, d);
                    }
                }
            });
            t.join();
            assertFalse(t.isAlive());
            assertEquals(n, r.stats().pending());
            r.synchronize();
            d.assertEachOnce(n);
        }
    }

    @Test
    void deleterRunsOnlyOnceEvenWithConcurrentFlushes() throws Exception {
        int n = 5_000;
        CountingDeleter d = new CountingDeleter(n);
        try (EpochReclaimer r = EpochReclaimer.builder().bagCapacity(4).advanceEvery(2).build()) {
            Thread flusher = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    r.flush();
                }
            });
            for (int i = 1; i <= n; i++) {
                r.retire(i, d);
            }
            flusher.join();
            r.synchronize();
            d.assertEachOnce(n);
        }
    }

    @Test
    void deleterTypedAsRunnableToo() {
        // A Deleter that is also a Runnable is still called as a deleter with its pointer.
        final class Both implements Deleter, Runnable {
            long deleted;
            int ran;

            @Override
            public void delete(long pointer) {
                deleted = pointer;
            }

            @Override
            public void run() {
                ran++;
            }
        }
        Both b = new Both();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            r.retire(40, b);
            try (Guard g = r.enter()) {
                g.defer(b);
            }
            r.synchronize();
        }
        assertEquals(40, b.deleted);
        assertEquals(1, b.ran);
    }
}
