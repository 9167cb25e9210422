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
    void aVirtualThreadLoadsIntoItsCarriersLaneOrThePool() throws Exception {
        ArcSwap<String> s = ArcSwap.of(Arc.of("v", v -> { }));
        int lanes = DebtLane.registry().length;
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread vt = Thread.ofVirtual().start(() -> {
            try (ArcGuard<String> g = s.load()) {
                inside.countDown();
                done.await(); // unmounts with the guard open
                assertEquals("v", g.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        inside.await();
        int inLanes = DebtLane.claimed();
        int inPool = DebtPool.claimed();
        done.countDown();
        vt.join();
        if (DebtLane.CARRIERS) {
            assertEquals(1, inLanes, "a virtual thread's guard is in its carrier's lane");
            assertEquals(0, inPool);
            assertTrue(DebtLane.registry().length <= lanes + Runtime.getRuntime().availableProcessors() + 1,
                    "one lane per carrier, not per virtual thread");
        } else {
            assertEquals(0, inLanes, "without carrier lanes a virtual thread's guard is not in a lane");
            assertEquals(1, inPool, "it is in the pool");
            assertEquals(lanes, DebtLane.registry().length);
        }
        s.close();
    }

    @Test
    void virtualThreadsHoldingGuardsAcrossUnmountsFillTheirCarriersLanesThenThePool() throws Exception {
        AtomicInteger released = new AtomicInteger();
        ArcSwap<String> s = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()));
        int n = 2_000;
        CountDownLatch inside = new CountDownLatch(n);
        CountDownLatch done = new CountDownLatch(1);
        AtomicInteger wrong = new AtomicInteger();
        java.util.List<Thread> vts = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            vts.add(Thread.ofVirtual().start(() -> {
                try (ArcGuard<String> g = s.load()) {
                    inside.countDown();
                    done.await(); // every guard open at once, each across an unmount
                    if (!"one".equals(g.get())) {
                        wrong.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        inside.await();
        int inLanes = DebtLane.claimed();
        assertEquals(n, inLanes + DebtPool.claimed(), "every open guard is in a lane or in the pool");
        if (DebtLane.CARRIERS) {
            assertTrue(inLanes >= 1 && inLanes <= DebtLane.SLOTS * DebtLane.CARRIER_LANES, "lanes: " + inLanes);
        }
        s.store(Arc.of("two", v -> { }));
        assertEquals(0, released.get(), "the open guards keep the old value");
        done.countDown();
        for (Thread t : vts) {
            t.join();
        }
        assertEquals(0, wrong.get());
        assertEquals(1, released.get(), "the last close released the old value");
        s.close();
    }

    /**
     * A carrier's lane is safe because only the code running on that carrier claims it, one claim (probe, then
     * debt store) at a time. Two threads claiming the same lane at once both get the same slot, and the second
     * one's close withdraws the first one's debt: the writer then releases the value under the first one's
     * guard. Driven here with a lane of a made-up carrier key and the claim steps of a load.
     */
    @Test
    void negativeControlALaneClaimedByTwoThreadsAtOnceLosesADebt() {
        assertEquals(1, releasedUnderAGuard(true), "the shared slot lost the debt: released under the guard");
    }

    @Test
    void oneClaimAtATimeKeepsEveryDebtOfALane() {
        assertEquals(0, releasedUnderAGuard(false), "claims one after another take different slots");
    }

    private static int releasedUnderAGuard(boolean claimsAtOnce) {
        DebtLane lane = DebtLane.carrierLane(0x5EED_0000_0000_0000L + (claimsAtOnce ? 1 : 2)); // no real pthread_t
        assertTrue(lane != null);
        AtomicInteger released = new AtomicInteger();
        ArcSwap<String> s = ArcSwap.of(Arc.of("one", v -> released.incrementAndGet()));
        Counted<?> x = s.currentVolatile();
        DebtGuard a = lane.ownerFreeSlot();
        if (!claimsAtOnce) {
            a.setDebtOpaque(x); // the first load's L2 before the second load's probe
        }
        DebtGuard b = lane.ownerFreeSlot();
        assertEquals(claimsAtOnce, a == b, "claims at once share a slot; claims in turn do not");
        a.setDebtOpaque(x); // L2 of both loads (their L3 would see x current)
        b.setDebtOpaque(x);
        b.setDebtRelease(null); // the second load's close (C1); x is not held back yet, so no reclaim
        s.store(Arc.of("two", v -> { })); // the writer holds x back for lane debts and reclaims at once
        int underGuard = released.get(); // the first load has not closed yet
        a.setDebtRelease(null); // the first load's close (C1, C2)
        if (PendingReleases.mayHold(x)) {
            PendingReleases.reclaim();
        }
        assertEquals(1, released.get());
        s.close();
        return underGuard;
    }

    /**
     * The lookup a virtual thread's load inlines checks only the carrier's home entry of the index; a carrier
     * whose home entry another carrier took first is found by the out-of-line probe. Two made-up keys with the
     * same home: each must get a slot of its own lane, never the other's (two carriers claiming one lane lose
     * debts, see the negative control above).
     */
    @Test
    void aCarrierWhoseHomeEntryIsTakenFindsItsOwnLane() {
        long first = 0x5EED_0001_0000_0000L; // no real pthread_t
        long second = first + 1;
        while (DebtLane.carrierHome(second) != DebtLane.carrierHome(first)) {
            second++;
        }
        DebtLane a = DebtLane.carrierLane(first);
        DebtLane b = DebtLane.carrierLane(second);
        assumeTrue(a != null && b != null, "the index entries after this home are taken");
        assertTrue(a != b);
        assertTrue(isSlotOf(a, DebtLane.carrierSlot(first)), "the first carrier gets a slot of its own lane");
        assertTrue(isSlotOf(b, DebtLane.carrierSlot(second)), "the probe finds the second carrier's lane");
    }

    private static boolean isSlotOf(DebtLane lane, DebtGuard g) {
        for (DebtSlot s : lane.slots) {
            if (s == g) {
                return true;
            }
        }
        return false;
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
