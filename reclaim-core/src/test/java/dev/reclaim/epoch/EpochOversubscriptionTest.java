package dev.reclaim.epoch;

import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * More runnable threads than cores: a retirer whose seals find the epoch stalled by another thread's guard
 * yields, so that the stalled guard's thread gets to run and close it. Virtual threads make it deterministic:
 * they are never preempted, so a guard holder waiting for a carrier runs only when a retirer gives one up.
 */
class EpochOversubscriptionTest {

    /** The default scheduler's carriers (what {@code jdk.virtualThreadScheduler.parallelism} sets). */
    private static int carriers() {
        return Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * One virtual thread per carrier retires in a loop (a guard per retire, nothing that parks) until garbage
     * retired after a stalled guard's enter is reclaimed; the stalled guard belongs to a virtual thread that
     * yielded inside it and waits for a carrier. Only a retirer that yields lets it run and close. Negative
     * control (run by hand): without the retirers' yield (yieldIfStalled) the loops spin until their deadline
     * and the test fails.
     */
    @Test
    void retirersYieldTheirCarrierToAStalledGuardSoTheEpochMovesOn() throws Exception {
        int n = carriers();
        AtomicLong reclaimed = new AtomicLong();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            CountDownLatch entered = new CountDownLatch(1);
            AtomicLong running = new AtomicLong();
            List<Thread> retirers = new ArrayList<>();
            long[] progress = new long[n];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (int i = 0; i < n; i++) {
                int index = i;
                retirers.add(Thread.ofVirtual().name("retirer-" + i).start(() -> {
                    try {
                        entered.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    running.incrementAndGet();
                    long done = 0;
                    // 64 bags' worth each must be reclaimed: impossible while the stalled guard stays open
                    while (reclaimed.get() < 64L * 64 * n && System.nanoTime() < deadline) {
                        try (Guard g = r.enter()) {
                            g.defer(reclaimed::incrementAndGet);
                        }
                        done++;
                    }
                    progress[index] = done;
                }));
            }
            Thread holder = Thread.ofVirtual().name("stalled-holder").start(() -> {
                try (Guard g = r.enter()) {
                    entered.countDown();
                    while (running.get() < n) {
                        Thread.yield(); // until every retirer holds a carrier; then queued behind them
                    }
                }
            });
            for (Thread t : retirers) {
                t.join();
            }
            holder.join();
            assertTrue(reclaimed.get() >= 64L * 64 * n, "the retirers ran into their deadline with "
                    + reclaimed.get() + " deferred actions run (" + java.util.Arrays.toString(progress)
                    + " retires): the stalled guard never got a carrier back, so the epoch never moved past it");
            assertTrue(r.stallYields() > 0, "the retirers should have yielded: " + r.stallYields());
        }
    }

    /**
     * A guard pinned at an older epoch that retires a lot blocks the advance itself: it does not yield (yielding
     * cannot help), and a retirer alone, with nothing stalling the epoch, never yields either.
     */
    @Test
    void aRetirerThatIsItselfTheBlockerOrIsAloneDoesNotYield() throws Exception {
        try (EpochReclaimer r = EpochReclaimer.create()) {
            for (int i = 0; i < 64 * 64; i++) {
                try (Guard g = r.enter()) {
                    g.defer(() -> { });
                }
            }
            assertEquals(0, r.stallYields(), "alone: every seal's maintain() advances the epoch");
            try (Guard old = r.enter()) {
                Thread flusher = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 4; i++) {
                        r.flush(); // moves the epoch past our pin (at most once: our pin then blocks it)
                    }
                });
                flusher.join();
                for (int i = 0; i < 64 * 64; i++) {
                    old.defer(() -> { });
                }
            }
            assertEquals(0, r.stallYields(), "a guard whose own old pin blocks the epoch must not yield");
        }
    }
}
