package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is specific to hazard pointers: protection is per pointer, scans are amortised, garbage is bounded. */
class HazardReclaimerTest {

    /** Counts deletions of pointers 16 x i. */
    static final class Counting implements Deleter {
        final AtomicLongArray deleted;

        Counting(int n) {
            deleted = new AtomicLongArray(n + 1);
        }

        @Override
        public void delete(long pointer) {
            deleted.incrementAndGet((int) (pointer >>> 4));
        }

        long count(int i) {
            return deleted.get(i);
        }
    }

    private static long ptr(int i) {
        return 16L * i;
    }

    @ParameterizedTest(name = "asymmetricFence={0}")
    @ValueSource(booleans = {false, true})
    void aProtectedPointerIsNeverFreedWhileTheOthersAre(boolean asymmetric) throws Exception {
        int n = 10_001;
        Counting d = new Counting(n);
        try (HazardReclaimer r = HazardReclaimer.builder().asymmetricFence(asymmetric).build();
             Arena arena = Arena.ofShared()) {
            MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
            link.set(ValueLayout.JAVA_LONG, 0, ptr(1));
            CountDownLatch protectedIt = new CountDownLatch(1);
            CountDownLatch unprotect = new CountDownLatch(1);
            CountDownLatch unprotected = new CountDownLatch(1);
            CountDownLatch close = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    assertEquals(ptr(1), g.protect(2, link.address()));
                    protectedIt.countDown();
                    unprotect.await();
                    g.unprotect(2);
                    unprotected.countDown();
                    close.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            protectedIt.await();
            link.set(ValueLayout.JAVA_LONG, 0, 0L); // unlink
            try (Guard g = r.enter()) {
                for (int i = 1; i <= n; i++) {
                    g.retire(ptr(i), d);
                }
            }
            assertFalse(r.synchronize(Duration.ofMillis(50)), "the reader still protects pointer 1");
            r.flush();
            assertEquals(0, d.count(1), "protected: not freed");
            for (int i = 2; i <= n; i++) {
                assertEquals(1, d.count(i), "pointer " + i + " is not protected and must be freed");
            }
            assertEquals(1, r.stats().pending());
            unprotect.countDown();
            unprotected.await();
            assertTrue(r.synchronize(Duration.ofSeconds(10)), "only a hazard held it, not the still open guard");
            assertEquals(1, d.count(1));
            close.countDown();
            reader.join();
        }
    }

    @Test
    void tagBitsAreIgnoredWhenComparingHazards() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined()) {
            MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
            link.set(ValueLayout.JAVA_LONG, 0, ptr(3) | 5);
            Guard g = r.enter();
            assertEquals(ptr(3) | 5, g.protect(0, link.address()));
            r.retire(ptr(3), d);
            r.flush();
            assertEquals(0, d.count(3), "the hazard holds the untagged address");
            g.close();
            r.flush();
            assertEquals(1, d.count(3), "closing the guard released it");
        }
    }

    @Test
    void repinAndReuseOfAnIndexReleaseTheOldPointer() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined();
             Guard g = r.enter()) {
            MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
            link.set(ValueLayout.JAVA_LONG, 0, ptr(1));
            g.protect(0, link.address());
            link.set(ValueLayout.JAVA_LONG, 0, ptr(2));
            g.protect(1, link.address());
            r.retire(ptr(1), d);
            r.retire(ptr(2), d);
            r.flush();
            assertEquals(0, d.count(1));
            assertEquals(0, d.count(2));
            link.set(ValueLayout.JAVA_LONG, 0, 0L);
            g.protect(0, link.address()); // reusing index 0 drops pointer 1
            r.flush();
            assertEquals(1, d.count(1));
            assertEquals(0, d.count(2));
            g.repin(); // clears every hazard
            r.flush();
            assertEquals(1, d.count(2));
        }
    }

    @Test
    void aReferenceIsHeldByTheGuardAndDeferWaitsForItsRepin() {
        int[] ran = new int[1];
        try (HazardReclaimer r = HazardReclaimer.create()) {
            AtomicReference<String> cell = new AtomicReference<>("v1");
            Guard reader = r.enter();
            assertEquals("v1", reader.protect(0, cell));
            GuardInfo info = r.oldestGuard(false);
            assertNotNull(info);
            assertEquals(Thread.currentThread().getName(), info.threadName());
            cell.set("v2");
            r.enter().close();
            try (Guard w = r.enter()) {
                w.defer(() -> ran[0]++);
            }
            r.flush();
            assertEquals(0, ran[0], "the reader's guard was open at the defer call");
            reader.repin();
            r.flush();
            assertEquals(1, ran[0], "repin ends the grace period of the guard");
            reader.close();
        }
    }

    @Test
    void pendingStaysWithinTheBoundOnASingleSlot() {
        int n = 100_000;
        try (HazardReclaimer r = HazardReclaimer.builder().scanThreshold(8).build()) {
            long bound = r.garbageBound();
            long[] maxPending = new long[1];
            Deleter d = p -> { };
            try (Guard g = r.enter()) {
                for (int i = 1; i <= n; i++) {
                    g.retire(ptr(i), d);
                    if ((i & 1023) == 0) {
                        maxPending[0] = Math.max(maxPending[0], r.stats().pending());
                    }
                }
            }
            ReclaimerStats s = r.stats();
            assertTrue(s.peakPending() <= bound, s.peakPending() + " > bound " + bound);
            long threshold = r.scanThreshold();
            assertTrue(maxPending[0] < threshold, "one slot keeps fewer than T = " + threshold + ": " + maxPending[0]);
            assertTrue(s.reclaimed() >= n - threshold, "scans ran along the way: " + s.reclaimed());
        }
    }

    @Test
    void statsReportNoEpochAndTheOpenGuardsHolder() throws Exception {
        try (HazardReclaimer r = HazardReclaimer.builder().name("hp-stats").build()) {
            assertNull(r.stats().oldestGuard());
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread t = Thread.ofPlatform().name("hp-holder").start(() -> {
                try (Guard g = r.enter()) {
                    entered.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();
            ReclaimerStats s = r.stats();
            assertEquals(-1, s.epoch());
            assertEquals(1, s.openGuards());
            assertEquals("hp-holder", s.oldestGuard().threadName());
            assertEquals(-1, s.oldestGuard().epoch());
            assertTrue(r.oldestGuard(true).stack().length > 0);
            release.countDown();
            t.join();
        }
    }

    @Test
    void builderRejectsBadSettingsAndSchemeHpCreatesAHazardReclaimer() {
        assertThrows(IllegalArgumentException.class, () -> HazardReclaimer.builder().scanThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> HazardReclaimer.builder().closeTimeout(Duration.ofSeconds(-1)));
        assertThrows(NullPointerException.class, () -> HazardReclaimer.builder().closeTimeout(null));
        assertThrows(NullPointerException.class, () -> HazardReclaimer.builder().name(null));
        assertThrows(NullPointerException.class, () -> HazardReclaimer.builder().failureHandler(null));
        try (Reclaimer r = Scheme.fromId("hp").create()) {
            assertTrue(r instanceof HazardReclaimer);
            assertTrue(r.name().startsWith("hp-"));
        }
    }
}
