package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The lane fast path of ArcSwap (asymmetric fences): held-back counts, their release, and lane reuse. */
class ArcSwapLaneTest {

    @BeforeEach
    void lanesOn() {
        // the build's second surefire run (-Dreclaim.asymmetricFence=off) excludes this class; a manual -Dtest
        // run executes it there too, where lanes do not exist
        assumeTrue(!"off".equals(System.getProperty("reclaim.asymmetricFence"))
                && System.getProperty("os.name").toLowerCase().startsWith("linux"), "lanes need asymmetric fences");
    }

    @AfterEach
    void clean() {
        PendingReleases.afterScanHook = null;
        assertEquals(0, DebtLane.claimed(), "every guard must free its lane slot");
        assertEquals(0, PendingReleases.size(), "no count may stay held back once the guards are closed");
    }

    @Test
    void theBuildRunsWithAsymmetricFencesOnLinux() {
        // surefire passes --enable-native-access; if this fails the lane path below is not what CI tests
        if (System.getProperty("os.name").toLowerCase().startsWith("linux")) {
            assertTrue(AsymmetricFence.isAsymmetric(), AsymmetricFence.status());
            assertTrue(DebtLane.ENABLED);
        }
    }

    @Test
    void aValueReplacedUnderALaneGuardIsReleasedByThatGuardsClose() {
        AtomicInteger released = new AtomicInteger();
        ArcSwap<String> s = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()));
        ArcGuard<String> g = s.load();
        assertEquals(1, DebtLane.claimed(), "a platform thread's load takes a lane slot");
        s.store(Arc.of("two", v -> { }));
        assertEquals(0, released.get(), "the guard still reads the old value");
        assertEquals(1, PendingReleases.size(), "the writer held one count back for the lane debt");
        assertEquals("one", g.get());
        g.close();
        assertEquals(1, released.get(), "the last reader's close releases the old value at once");
        s.close();
    }

    @Test
    void aHolderClosingWhileTheReclaimerHoldsTheListIsNotForgotten() {
        // the close happens in the window between the scan that saw the debt and the push-back: the closer cannot
        // find its block in the list, so the reclaimer's second barrier and rescan must catch it
        AtomicInteger released = new AtomicInteger();
        ArcSwap<String> s = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()));
        ArcGuard<String> g = s.load();
        PendingReleases.afterScanHook = () -> {
            PendingReleases.afterScanHook = null;
            g.close();
        };
        s.store(Arc.of("two", v -> { }));
        assertNull(PendingReleases.afterScanHook, "the hook ran: the scan saw the lane debt");
        assertEquals(1, released.get(), "released by the time store() returns");
        s.close();
    }

    @Test
    void aGuardClosedOnAnotherThreadFreesTheLaneSlot() throws Exception {
        AtomicInteger released = new AtomicInteger();
        ArcSwap<String> s = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()));
        ArcGuard<String> g = s.load();
        s.store(Arc.of("two", v -> { }));
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                g.close();
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.join();
        assertNull(error.get());
        assertEquals(1, released.get());
        try (ArcGuard<String> again = s.load()) {
            assertEquals("two", again.get());
        }
        s.close();
    }

    @Test
    void theLaneOfAnEndedThreadIsReused() throws Exception {
        ArcSwap<String> s = ArcSwap.of(Arc.of("v", v -> { }));
        Runnable reader = () -> {
            try (ArcGuard<String> g = s.load()) {
                assertEquals("v", g.get());
            }
        };
        Thread first = Thread.ofPlatform().start(reader);
        first.join();
        int lanes = DebtLane.registry().length;
        for (int i = 0; i < 20; i++) {
            Thread t = Thread.ofPlatform().start(reader);
            t.join();
        }
        assertEquals(lanes, DebtLane.registry().length, "threads that ended leave their lanes to the next ones");
        s.close();
    }

    @Test
    void virtualThreadsUseThePoolNotLanes() throws Exception {
        ArcSwap<String> s = ArcSwap.of(Arc.of("v", v -> { }));
        int lanes = DebtLane.registry().length;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread vt = Thread.ofVirtual().start(() -> {
            try (ArcGuard<String> g = s.load()) {
                inside.countDown();
                done.await();
                assertEquals("v", g.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        inside.await();
        assertEquals(0, DebtLane.claimed(), "a virtual thread's guard is not in a lane");
        assertEquals(1, DebtPool.claimed(), "it is in the pool");
        done.countDown();
        vt.join();
        assertEquals(lanes, DebtLane.registry().length);
        s.close();
    }

    @Test
    void nestedGuardsBeyondTheLaneFallBackToThePool() {
        ArcSwap<String> s = ArcSwap.of(Arc.of("v", v -> { }));
        ArcGuard<?>[] open = new ArcGuard<?>[DebtLane.SLOTS + 2];
        for (int i = 0; i < open.length; i++) {
            open[i] = s.load();
        }
        assertEquals(DebtLane.SLOTS, DebtLane.claimed());
        assertEquals(2, DebtPool.claimed());
        for (ArcGuard<?> g : open) {
            g.close();
        }
        assertFalse(s.isClosed());
        s.close();
    }
}
