package dev.reclaim;

import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stall bound: one reader parked inside a guard for the whole run (holding one protected pointer)
 * while two threads retire 10^6 blocks in total, each stamped with its birth era. Hazard pointers and the
 * robust scheme keep pending garbage within their documented bounds; epochs cannot reclaim anything and their
 * pending garbage grows far past both bounds.
 */
class StallBoundTest {

    private static final int WRITERS = 2;
    private static final int TOTAL = 1_000_000;
    private static final int PER_GUARD = 250; // divides TOTAL / WRITERS

    /** What one stalled run observed. */
    record Observed(long peakPending, long pendingWhileStalled, long retired, boolean heldFreedWhileStalled,
                    boolean heldFreedAfter) {
    }

    @Test
    void aStalledReaderLeavesHazardAndRobustGarbageBoundedWhileEpochGarbageGrowsPastBothBounds() throws Exception {
        long hpBound;
        Observed hp;
        try (HazardReclaimer r = HazardReclaimer.create()) {
            hpBound = r.garbageBound();
            hp = runWithStalledReader(r);
        }
        long robustBound;
        Observed robust;
        try (RobustReclaimer r = RobustReclaimer.create()) {
            // live when the reader stalled: the held node, plus one block in flight per writer
            robustBound = r.garbageBound(1 + WRITERS);
            robust = runWithStalledReader(r);
        }
        Observed ebr;
        try (EpochReclaimer r = EpochReclaimer.create()) {
            ebr = runWithStalledReader(r);
        }

        assertBounded("hp", hp, hpBound);
        assertBounded("robust", robust, robustBound);

        assertEquals(TOTAL + 1, ebr.retired());
        long bigger = Math.max(hpBound, robustBound);
        assertTrue(ebr.pendingWhileStalled() > 10 * bigger, "ebr: pending " + ebr.pendingWhileStalled()
                + " should grow far past the hp/robust bounds " + hpBound + "/" + robustBound + " while a reader stalls");
        assertTrue(ebr.peakPending() >= ebr.pendingWhileStalled());
        assertFalse(ebr.heldFreedWhileStalled());
        assertTrue(ebr.heldFreedAfter());
    }

    private static void assertBounded(String scheme, Observed o, long bound) {
        assertEquals(TOTAL + 1, o.retired());
        assertTrue(o.peakPending() <= bound, scheme + ": peak pending " + o.peakPending() + " > documented bound " + bound);
        assertTrue(o.pendingWhileStalled() <= bound, scheme + ": pending " + o.pendingWhileStalled() + " > bound " + bound);
        assertFalse(o.heldFreedWhileStalled(), scheme + " freed the pointer the stalled reader protects");
        assertTrue(o.heldFreedAfter(), scheme + " frees the held pointer once the reader lets go");
    }

    private static Observed runWithStalledReader(Reclaimer r) throws Exception {
        try (SlabAllocator alloc = SlabAllocator.builder().name("stall-" + r.scheme().id()).build()) {
            long link = alloc.allocateZeroed(16);
            long held = alloc.allocateZeroed(16);
            long heldBirth;
            try (Guard g = r.enter()) {
                heldBirth = g.birthEra(); // stamped before publication
            }
            Memory.putLongRelease(link, held); // release: published before the reader starts
            AtomicBoolean heldFreed = new AtomicBoolean();
            Deleter deleter = p -> {
                if (p == held) {
                    heldFreed.set(true);
                }
                alloc.free(p);
            };

            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = Thread.ofPlatform().name("stalled-reader").start(() -> {
                try (Guard g = r.enter()) {
                    long p = g.protect(0, link);
                    stalled.countDown();
                    release.await(); // parked inside the guard for the whole run
                    Memory.getLong(p + 8); // still valid: protected
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            stalled.await();
            Memory.putLongVolatile(link, 0); // unlink the held node, then retire it
            try (Guard g = r.enter()) {
                g.retire(held, heldBirth, deleter);
            }

            Thread[] writers = new Thread[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                writers[w] = Thread.ofPlatform().name("retirer-" + w).start(() -> {
                    try {
                        for (int done = 0; done < TOTAL / WRITERS; done += PER_GUARD) {
                            try (Guard g = r.enter()) {
                                for (int i = 0; i < PER_GUARD; i++) {
                                    long block = alloc.allocate(16);
                                    long birth = g.birthEra(); // stamped at allocation, as a structure would
                                    g.retire(block, birth, deleter);
                                }
                            }
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
            }
            for (Thread w : writers) {
                w.join();
            }
            r.flush();
            ReclaimerStats s = r.stats();
            boolean heldFreedWhileStalled = heldFreed.get();
            release.countDown();
            reader.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            r.synchronize();
            boolean heldFreedAfter = heldFreed.get();
            Memory.getLong(link); // the link block itself is still ours
            alloc.free(link);
            assertEquals(0, alloc.stats().liveBlocks(), r.scheme().id() + ": every retired block freed");
            return new Observed(s.peakPending(), s.pending(), s.retired(), heldFreedWhileStalled, heldFreedAfter);
        }
    }
}
