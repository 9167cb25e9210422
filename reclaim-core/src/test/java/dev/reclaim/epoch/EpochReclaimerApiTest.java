package dev.reclaim.epoch;

import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.epoch.EpochTesting.CountingDeleter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EpochReclaimer-specific API and misuse: builder, global instance, repin, flush, stats. What every scheme
 * shares (guards, pooling, misuse of closed guards) is tested once in {@code dev.reclaim.ReclaimerContractTest}.
 */
class EpochReclaimerApiTest {





    @Test
    void retireRunsTheDeleterOnlyAfterSynchronizeOrEnoughFlushes() {
        CountingDeleter d = new CountingDeleter(10, 16);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            try (Guard g = r.enter()) {
                g.retire(1, d);
                g.retire(2, d);
            }
            ReclaimerStats s = r.stats();
            assertEquals(2, s.retired());
            assertEquals(2, s.pending());
            assertEquals(32, s.pendingBytes());
            r.synchronize();
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(2));
            s = r.stats();
            assertEquals(2, s.reclaimed());
            assertEquals(0, s.pending());
            assertEquals(0, s.pendingBytes());
            assertTrue(s.peakPending() >= 2);
        }
    }

    @Test
    void flushAloneEventuallyReclaimsAPartialBag() {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            r.retire(1, d);
            for (int i = 0; i < 3; i++) {
                r.flush();
            }
            assertEquals(1, d.count(1), "three flushes seal, advance twice and collect");
        }
    }

    @Test
    void deferRunsTheActionAfterTheGracePeriod() {
        int[] ran = new int[1];
        try (EpochReclaimer r = EpochReclaimer.create()) {
            try (Guard g = r.enter()) {
                g.defer(() -> ran[0]++);
            }
            assertEquals(0, ran[0]);
            r.synchronize();
            assertEquals(1, ran[0]);
            assertEquals(1, r.stats().reclaimed());
        }
    }

    @Test
    void reclaimerRetireOutsideAGuardWorks() {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            r.retire(1, d);
            assertEquals(0, r.stats().openGuards());
            assertTrue(r.synchronize(Duration.ofSeconds(10)));
            assertEquals(1, d.count(1));
        }
    }





    @Test
    void protectLoadsTheOffHeapWordAndTheReference() {
        try (Arena arena = Arena.ofConfined(); EpochReclaimer r = EpochReclaimer.create(); Guard g = r.enter()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9AB0L | 5);
            assertEquals(0x1234_5678_9AB0L | 5, g.protect(1, word.address()), "tag bits are returned as loaded");
            AtomicReference<String> ref = new AtomicReference<>("value");
            assertEquals("value", g.protect(2, ref));
        }
    }

    @Test
    void repinLetsReclamationProceedWhileTheGuardStaysOpen() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            Guard g = r.enter();
            Thread t = Thread.ofPlatform().start(() -> r.retire(1, d));
            t.join();
            for (int i = 0; i < 5; i++) {
                r.flush();
            }
            assertEquals(0, d.count(1), "the open guard from before the retire holds it back");
            // A long reader repins between flushes: each repin lets the epoch move one step past its pin, and a
            // bag sealed at epoch S is freed once the epoch reaches S + 2. Where the retired pointer's bag was
            // sealed (before or after the first advance: the retiring thread's close may run maintenance,
            // at a random phase) decides whether it takes one or two rounds.
            for (int i = 0; i < 3; i++) {
                g.repin();
                r.flush();
            }
            assertEquals(1, d.count(1), "after repins the guard no longer holds the old epoch");
            g.close();
        }
    }

    @Test
    void enterFlushAndSynchronizeAfterCloseThrowButStatsWorks() {
        EpochReclaimer r = EpochReclaimer.builder().name("gone").build();
        r.close();
        assertTrue(r.isClosed());
        for (Runnable op : new Runnable[] {r::enter, r::flush, r::synchronize,
                () -> r.synchronize(Duration.ofMillis(1)), () -> r.retire(8, p -> { })}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
            assertTrue(e.getMessage().contains("reclaimer 'gone' is closed"), e.getMessage());
        }
        assertEquals(0, r.stats().pending());
    }

    @Test
    void secondCloseThrows() {
        EpochReclaimer r = EpochReclaimer.create();
        r.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::close);
        assertTrue(e.getMessage().contains("already closed"));
    }


    @Test
    void synchronizeWithTimeoutReturnsFalseWhileAnotherThreadHoldsAGuard() throws Exception {
        CountingDeleter d = new CountingDeleter(1);
        try (EpochReclaimer r = EpochReclaimer.create()) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    g.retire(1, d);
                    entered.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();
            assertFalse(r.synchronize(Duration.ofMillis(50)));
            assertEquals(0, d.count(1));
            release.countDown();
            t.join();
            assertTrue(r.synchronize(Duration.ofSeconds(10)));
            assertEquals(1, d.count(1));
        }
    }

    @Test
    void globalIsOneInstanceThatUsersCannotClose() {
        EpochReclaimer g = EpochReclaimer.global();
        assertSame(g, EpochReclaimer.global());
        assertEquals("global", g.name());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
        assertTrue(e.getMessage().contains("JVM exit"), e.getMessage());
        assertFalse(g.isClosed());
        CountingDeleter d = new CountingDeleter(1);
        g.retire(1, d);
        g.synchronize();
        assertEquals(1, d.count(1));
    }

    @Test
    void builderRejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> EpochReclaimer.builder().bagCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> EpochReclaimer.builder().advanceEvery(0));
        assertThrows(IllegalArgumentException.class, () -> EpochReclaimer.builder().closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> EpochReclaimer.builder().slowGuardThreshold(null));
        assertThrows(NullPointerException.class, () -> EpochReclaimer.builder().name(null));
        assertThrows(NullPointerException.class, () -> EpochReclaimer.builder().failureHandler(null));
    }

    @Test
    void schemeEbrCreatesAnEpochReclaimer() {
        assertSame(Scheme.EBR, Scheme.fromId("EBR"));
        try (Reclaimer r = Scheme.EBR.create()) {
            assertTrue(r instanceof EpochReclaimer);
            assertEquals(Scheme.EBR, r.stats().scheme());
        }
    }

    @Test
    void oldestGuardNamesTheHolderAndItsEpoch() throws Exception {
        try (EpochReclaimer r = EpochReclaimer.create()) {
            assertNull(r.oldestGuard(false));
            assertNull(r.stats().oldestGuard());
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().name("old-reader").start(() -> {
                try (Guard g = r.enter()) {
                    entered.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();
            long before = r.stats().epoch();
            r.flush(); // advances once: the reader is at the current epoch
            Thread.sleep(5);
            r.flush(); // cannot advance any more
            GuardInfo info = r.oldestGuard(true);
            assertNotNull(info);
            assertEquals("old-reader", info.threadName());
            assertEquals(t.threadId(), info.threadId());
            assertTrue(info.threadAlive());
            assertEquals(before, info.epoch());
            assertTrue(info.ageNanos() >= 5_000_000L, "open at least since the epoch advanced: " + info.ageNanos());
            assertTrue(info.stack().length > 0);
            assertTrue(info.describe().contains("old-reader"));
            ReclaimerStats s = r.stats();
            assertEquals(1, s.openGuards());
            assertEquals(before + 1, s.epoch());
            assertEquals(0, s.oldestGuard().stack().length);
            release.countDown();
            t.join();
        }
    }
}
