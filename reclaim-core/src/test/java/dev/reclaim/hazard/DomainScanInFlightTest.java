package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A domain scan runs its snapshot and deleters without the domain lock (SlotTable): while it holds entries,
 * neither synchronize() nor close() may treat them as reclaimed. A deleter that blocks keeps the scan in flight.
 */
class DomainScanInFlightTest {

    private static final long BLOCKED = 1L << 20;

    /** Blocks the deletion of {@link #BLOCKED} until released; counts every deletion of it. */
    private static final class Blocking implements Deleter {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);
        final AtomicInteger blockedDeletes = new AtomicInteger();

        @Override
        public void delete(long pointer) {
            if (pointer == BLOCKED) {
                started.countDown();
                try {
                    proceed.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                blockedDeletes.incrementAndGet();
            }
        }
    }

    /**
     * Starts a platform thread holding {@code n} open guards (the table grows for them) until {@code done} is
     * counted down; returns once they are open.
     */
    private static Thread holdGuards(HazardReclaimer r, int n, CountDownLatch done) throws InterruptedException {
        CountDownLatch opened = new CountDownLatch(1);
        Thread t = Thread.ofPlatform().start(() -> {
            List<Guard> open = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                open.add(r.enter());
            }
            opened.countDown();
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Guard g : open) {
                g.close();
            }
        });
        assertTrue(opened.await(30, TimeUnit.SECONDS), "the guards opened");
        return t;
    }

    /** Retires {@link #BLOCKED} on the grown table (it goes to the domain list), then flushes: the scan blocks. */
    private static Thread retireThenFlush(HazardReclaimer r, Blocking d) {
        return Thread.ofPlatform().start(() -> {
            try (Guard g = r.enter()) {
                g.retire(BLOCKED, d);
            }
            r.flush();
        });
    }

    @Test
    void synchronizeDoesNotReturnWhileADomainScanStillRunsTheDeleterOfAnEarlierRetire() throws Exception {
        Blocking d = new Blocking();
        HazardReclaimer r = HazardReclaimer.create();
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = holdGuards(r, 256, done);
        Thread flusher = null;
        try {
            assertTrue(r.stats().guardSlots() > 16, "the guards grew the table: " + r.stats().guardSlots());
            flusher = retireThenFlush(r, d);
            assertTrue(d.started.await(30, TimeUnit.SECONDS), "a scan reached the deleter");
            // retired before this call, its deleter not finished: synchronize must wait for it
            assertFalse(r.synchronize(Duration.ofMillis(300)),
                    "synchronize returned while a domain scan still held an entry retired before the call");
            assertEquals(0, d.blockedDeletes.get());
        } finally {
            d.proceed.countDown();
            if (flusher != null) {
                flusher.join();
            }
        }
        assertTrue(r.synchronize(Duration.ofSeconds(30)), "synchronize completes once the scan has finished");
        assertEquals(1, d.blockedDeletes.get());
        done.countDown();
        holder.join();
        r.close();
        assertEquals(1, d.blockedDeletes.get(), "deleted exactly once");
    }

    @Test
    void closeWaitsForADomainScanInFlightAndFreesEverythingOnce() throws Exception {
        HazardReclaimer r = HazardReclaimer.create();
        CountDownLatch done = new CountDownLatch(1);
        Thread holder = holdGuards(r, 256, done);
        Blocking d = new Blocking();
        Thread flusher = retireThenFlush(r, d);
        Thread closer = null;
        try {
            assertTrue(d.started.await(30, TimeUnit.SECONDS), "a scan reached the deleter");
            done.countDown();
            holder.join(); // no guard is open any more: close() goes straight to draining
            closer = Thread.ofPlatform().start(r::close);
            closer.join(300);
            assertTrue(closer.isAlive(), "close() returned while a domain scan still ran a deleter");
            assertEquals(0, d.blockedDeletes.get());
        } finally {
            d.proceed.countDown();
            flusher.join();
            if (closer != null) {
                closer.join();
            }
        }
        assertEquals(1, d.blockedDeletes.get(), "deleted exactly once");
        assertTrue(r.stats().pending() == 0, "nothing pending after close: " + r.stats().pending());
    }
}
