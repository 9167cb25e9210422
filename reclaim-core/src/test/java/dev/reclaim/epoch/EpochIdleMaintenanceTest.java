package dev.reclaim.epoch;

import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maintenance returns at once while no garbage is pending anywhere (readers that only pin leave the epoch
 * alone), and still reclaims whatever is pending, wherever it waits: a slot's partial bag (dirty bit), bags on
 * the shared sealed stack. Negative controls run by hand, named per test.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpochIdleMaintenanceTest {

    /** Pins on the calling thread until {@code ran} reaches {@code n} or 20 s pass. */
    private static void pinUntil(EpochReclaimer r, AtomicLong ran, long n) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (ran.get() < n && System.nanoTime() < deadline) {
            try (Guard g = r.enter()) {
                assertTrue(g.isOpen());
            }
        }
    }

    /**
     * With every close maintaining, a thousand empty guards move the epoch not at all; one retire, and the same
     * guards advance it and run the action. Negative control: maintain() without the nothingPending() return
     * advances at every close and the first assertion fails.
     */
    @Test
    void pinsWithNothingPendingLeaveTheEpochAloneUntilSomethingIsRetired() {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.builder().advanceEvery(1).build()) {
            long before = r.epoch();
            for (int i = 0; i < 1_000; i++) {
                try (Guard g = r.enter()) {
                    assertTrue(g.isOpen());
                }
            }
            assertEquals(before, r.epoch(), "empty guards advanced the epoch while nothing was pending");
            try (Guard g = r.enter()) {
                g.defer(ran::incrementAndGet);
            }
            pinUntil(r, ran, 1);
            assertEquals(1, ran.get(), "a retired action was not run by later guards");
            assertTrue(r.epoch() >= before + 2, "the action ran before two advances: epoch " + r.epoch()
                    + ", was " + before);
        }
    }

    /**
     * A thread retires fewer than a bag and ends: only its slot's dirty bit shows the partial bag. Another
     * thread's guards must find it, sweep it and run it. Negative control: nothingPending() without the dirty
     * test returns while the partial bag waits, and this fails.
     */
    @Test
    void anIdleSlotsPartialBagIsReclaimedByOtherThreadsGuards() throws Exception {
        int n = 10;
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            Thread.ofPlatform().name("partial-bag-retirer").start(() -> {
                for (int i = 0; i < n; i++) {
                    try (Guard g = r.enter()) {
                        g.defer(ran::incrementAndGet);
                    }
                }
            }).join();
            pinUntil(r, ran, n);
            assertEquals(n, ran.get(), "an idle slot's partial bag was never reclaimed by other threads' guards");
        }
    }
}
