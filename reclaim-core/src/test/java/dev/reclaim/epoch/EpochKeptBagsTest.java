package dev.reclaim.epoch;

import dev.reclaim.Guard;
import dev.reclaim.testing.HeldGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A slot keeps the bags it seals and runs them itself once their grace period ended; every other way out
 * (a sweep of an idle slot, flush, synchronize, close) hands the kept bags to the shared sealed stack. Each
 * test below fails when one of those paths is removed (negative controls run by hand, named per test); the
 * timeout turns a close() that waits forever for kept bags nobody hands over into a failure.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EpochKeptBagsTest {

    /** Bags of the default capacity (64): this many retires seal this many minus one bags. */
    private static final int RETIRES = 64 * 8 + 1;

    /** Retires {@code n} counted actions on the calling thread, each under a guard of its own. */
    private static void deferCounted(EpochReclaimer r, int n, AtomicLong ran) {
        for (int i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                g.defer(ran::incrementAndGet);
            }
        }
    }

    /** Retires {@code n} counted actions on a platform thread that then ends (its slot goes idle). */
    private static void startDeferring(EpochReclaimer r, int n, AtomicLong ran) throws InterruptedException {
        Thread.ofPlatform().name("kept-bags-retirer").start(() -> deferCounted(r, n, ran)).join();
    }

    /**
     * While a guard of another thread stays open, the retiring slot's own collections (one per seal) must run
     * none of its kept bags: their grace period cannot end. Negative control: collectKept without the
     * {@code sealEpoch <= g - 2} test runs them at once and this fails.
     */
    @Test
    void keptBagsWaitForEveryGuardOpenBeforeTheirSeal() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            try (HeldGuard holder = HeldGuard.open(r, "stalled-holder", 0)) {
                deferCounted(r, 20 * 64, ran); // 19 seals, each followed by this slot's own collection
                assertEquals(0, ran.get(), "a kept bag ran while a guard entered before its seal was still open");
            }
            deferCounted(r, 4 * 64, ran); // later seals advance the epoch past the holder and collect
            assertTrue(ran.get() >= 19 * 64, "the retiring slot's own seals should have run its kept bags once the"
                    + " guard closed; ran " + ran.get());
        }
    }

    /**
     * While the epoch lags behind a slot's retires (here a guard of another thread stays open, so nothing sealed
     * can become ready), the slot keeps at most {@code MAX_KEPT_BAGS} sealed bags and hands longer chains to the
     * shared sealed stack, where they still wait for the open guard. Negative control: sealFull without the
     * hand-over keeps all 19 and this fails.
     */
    @Test
    void aSlotKeepsAtMostMaxKeptBagsWhileTheEpochLags() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            try (HeldGuard holder = HeldGuard.open(r, "stalled-holder", 0)) {
                deferCounted(r, 20 * 64, ran); // 19 seals
                int kept = r.mostKeptBags();
                assertTrue(kept >= 1 && kept <= EpochReclaimer.Table.MAX_KEPT_BAGS, "a slot kept " + kept
                        + " sealed bags; expected 1 to " + EpochReclaimer.Table.MAX_KEPT_BAGS);
                assertEquals(0, ran.get(), "a bag handed to the shared stack ran while a guard entered before its"
                        + " seal was still open");
            }
            r.synchronize();
            assertEquals(20 * 64, ran.get(), "kept and handed-over bags alike run once the guard closed");
        }
    }

    /**
     * A thread retires, seals bags and ends; no one flushes. Another thread's ordinary guards (maintenance
     * every 128 closes, sweeps of idle slots) must reclaim everything, kept bags included. Negative control:
     * drainIdle without handOverKept leaves the dead thread's kept bags in its slot forever and this fails.
     */
    @Test
    void anIdleSlotsKeptBagsAreSweptWithoutAFlush() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            startDeferring(r, RETIRES, ran);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (ran.get() < RETIRES && System.nanoTime() < deadline) {
                try (Guard g = r.enter()) {
                    assertTrue(g.isOpen());
                }
            }
            assertEquals(RETIRES, ran.get(), "an idle slot's kept bags were never reclaimed by other threads' guards");
        }
    }

    /**
     * synchronize() returns only after every earlier retire ran, kept bags of other slots included. Negative
     * control: sealSlotBag (what synchronize asks of every slot) without handOverKept leaves them kept and
     * this fails.
     */
    @Test
    void synchronizeRunsOtherSlotsKeptBags() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            startDeferring(r, RETIRES, ran);
            r.synchronize();
            assertEquals(RETIRES, ran.get(), "synchronize() returned before every earlier retire ran");
        }
    }

    /**
     * flush() makes every retire of idle slots reclaimable and collects what is ready: a few flushes (each
     * advances the epoch at most once) run a finished thread's kept bags. flush hands them over two ways (it
     * steals the free slot, and its maintain() sweeps it), so either alone passes; negative control: without
     * handOverKept in both sealSlotBag and drainIdle the flushes run none of them and this fails.
     */
    @Test
    void flushesRunAFinishedThreadsKeptBags() throws Exception {
        AtomicLong ran = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            startDeferring(r, RETIRES, ran);
            for (int i = 0; i < 4; i++) {
                r.flush();
            }
            assertEquals(RETIRES, ran.get(), "four flushes left retires of a finished thread unrun");
        }
    }

    /** close() runs every retire, kept bags included (a finished thread's and the closing thread's own). */
    @Test
    void closeRunsEveryKeptBag() throws Exception {
        AtomicLong ran = new AtomicLong();
        EpochReclaimer r = EpochReclaimer.create();
        startDeferring(r, RETIRES, ran);
        deferCounted(r, RETIRES, ran);
        r.close();
        assertEquals(2L * RETIRES, ran.get(), "close() left retires unrun");
    }
}
