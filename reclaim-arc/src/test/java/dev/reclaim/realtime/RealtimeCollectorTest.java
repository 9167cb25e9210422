package dev.reclaim.realtime;

import dev.reclaim.arc.Arc;
import dev.reclaim.testing.HeapAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RealtimeCollectorTest {

    private static RealtimeCollector manual() {
        return RealtimeCollector.builder().name("manual").ownThread(false).closeTimeout(Duration.ZERO).build();
    }

    @Test
    void lastArcCloseHandsTheValueToTheCollectorThread() throws Exception {
        AtomicReference<Thread> destroyer = new AtomicReference<>();
        try (RealtimeCollector c = RealtimeCollector.builder().name("t1").interval(Duration.ofMillis(1)).build()) {
            Arc<String> a = Arc.of("x", v -> destroyer.set(Thread.currentThread()), c);
            Arc<String> b = a.retain();
            a.close();
            Thread.sleep(20);
            assertNull(destroyer.get(), "destroyed while a retained handle was still open");
            assertEquals("x", b.get());
            b.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (destroyer.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertSame(c.thread(), destroyer.get(), "destroyed on the collector thread");
            assertEquals(1, c.stats().destroyed());
            assertTrue(c.stats().maxLatencyNanos() > 0);
        }
    }

    @Test
    void dropDestroysNothingUntilTheCollectorRuns() {
        AtomicInteger destroyed = new AtomicInteger();
        RealtimeCollector c = manual();
        Arc<int[]> o = Arc.of(new int[4], v -> destroyed.incrementAndGet(), c);
        Arc<int[]> s = Arc.of(new int[4], v -> destroyed.incrementAndGet(), c);
        Arc<int[]> retained = s.retain();
        retained.close(); // not the last owner: one decrement, nothing handed over
        o.close();
        s.close();
        assertEquals(0, destroyed.get(), "a drop must never destroy on the dropping thread");
        CollectorStats st = c.stats();
        assertEquals(2, st.pending());
        assertEquals(2, st.live());
        assertEquals(2, c.collect());
        assertEquals(2, destroyed.get());
        assertEquals(0, c.stats().pending());
        assertTrue(c.close(Duration.ZERO).clean());
    }

    @Test
    void aCustomCollectorNodeWaitsUntilReadyAndIsDestroyedOnce() {
        // the hook an Arc uses: a node made off the realtime thread, enqueued on the last drop
        AtomicInteger destroyed = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean ready = new java.util.concurrent.atomic.AtomicBoolean();
        RealtimeCollector c = manual();
        CollectorNode node = new CollectorNode(c) {
            @Override
            protected boolean readyToDestroy() {
                return ready.get();
            }

            @Override
            protected void destroy() {
                destroyed.incrementAndGet();
            }
        };
        assertEquals(1, c.stats().live());
        c.enqueue(node);
        assertEquals(0, c.collect());
        assertEquals(1, c.stats().waiting());
        ready.set(true);
        assertEquals(1, c.collect());
        assertEquals(0, c.collect());
        assertEquals(1, destroyed.get());
        assertTrue(c.close(Duration.ZERO).clean());
    }

    @Test
    void aRejectedValueLeavesNoLiveCountBehind() {
        RealtimeCollector c = manual();
        assertThrows(NullPointerException.class, () -> Arc.of(null, v -> { }, c));
        assertThrows(NullPointerException.class, () -> Arc.of("x", null, c));
        assertThrows(NullPointerException.class, () -> c.tracker(v -> { }).track(null));
        assertEquals(0, c.stats().live());
        assertTrue(c.close(Duration.ZERO).clean(), "close must not wait for handles that were never made");
    }

    @Test
    void closingAHandleTwiceOrUsingItAfterCloseThrows() {
        RealtimeCollector c = manual();
        Arc<String> s = Arc.of("s", v -> { }, c);
        Arc<String> o = Arc.of("o", v -> { }, c);
        s.close();
        o.close();
        assertThrows(IllegalStateException.class, s::close);
        assertThrows(IllegalStateException.class, s::get);
        assertThrows(IllegalStateException.class, s::clone);
        assertThrows(IllegalStateException.class, s::retain);
        assertThrows(IllegalStateException.class, o::close);
        assertThrows(IllegalStateException.class, o::get);
        c.close();
    }

    @Test
    void enqueueRejectsForeignAndRepeatedNodes() {
        RealtimeCollector a = manual();
        RealtimeCollector b = manual();
        CollectorNode n = new CollectorNode(a) {
            @Override
            protected void destroy() {
            }
        };
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> b.enqueue(n));
        assertTrue(foreign.getMessage().contains("another collector"), foreign.getMessage());
        a.enqueue(n);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> a.enqueue(n));
        assertTrue(twice.getMessage().contains("already"), twice.getMessage());
        a.close();
        b.close();
    }

    @Test
    void closeDestroysEverythingPendingAndReportsWhatIsStillHeld() {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        RealtimeCollector c = manual();
        for (int i = 0; i < 10; i++) {
            Arc.of("v" + i, destroyed::add, c).close();
        }
        Arc<String> held = Arc.of("held", destroyed::add, c);
        CloseReport r = c.close(Duration.ofMillis(20));
        assertEquals(10, destroyed.size(), "everything dropped was destroyed by close");
        assertEquals(1, r.notDestroyed());
        assertFalse(r.clean());
        assertThrows(IllegalStateException.class, () -> Arc.of("late", v -> { }, c), "no new handles after close");
        assertThrows(IllegalStateException.class, () -> c.close(Duration.ZERO), "second close");
        held.close(); // after close: destroyed on this thread, nothing leaks
        assertTrue(destroyed.contains("held"));
        assertEquals(0, c.stats().live());
    }

    @Test
    void plainCloseThrowsNamingTheUndestroyedHandles() {
        RealtimeCollector c = manual();
        Arc<String> held = Arc.of("held", v -> { }, c);
        IllegalStateException e = assertThrows(IllegalStateException.class, c::close);
        assertTrue(e.getMessage().contains("1 object(s) not destroyed"), e.getMessage());
        held.close();
    }

    @Test
    void closeWaitsForAHandleDroppedWithinTheTimeout() throws Exception {
        AtomicInteger destroyed = new AtomicInteger();
        RealtimeCollector c = RealtimeCollector.builder().interval(Duration.ofMillis(1)).build();
        Arc<String> s = Arc.of("s", v -> destroyed.incrementAndGet(), c);
        Thread dropper = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            s.close();
        });
        CloseReport r = c.close(Duration.ofSeconds(10));
        dropper.join();
        assertTrue(r.clean(), r.toString());
        assertEquals(1, destroyed.get());
    }

    @Test
    void aThrowingDestructorIsReportedCountedAndDoesNotStopTheOthers() {
        List<String> reported = new CopyOnWriteArrayList<>();
        AtomicInteger destroyed = new AtomicInteger();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false)
                .failureHandler((name, what, error) -> reported.add(what + ": " + error.getMessage())).build();
        Arc.of("bad", v -> {
            throw new IllegalStateException("boom");
        }, c).close();
        Arc.of("good", v -> destroyed.incrementAndGet(), c).close();
        c.collect();
        assertEquals(1, destroyed.get());
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.get(0).contains("boom"));
        assertEquals(1, c.stats().failures());
        assertEquals(2, c.stats().destroyed());
        c.close();
    }

    @Test
    void boundedModeOverflowsIntoTheNodeChainWithoutDestroyingOnTheDroppingThread() {
        List<Thread> destroyers = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).capacity(4).build();
        List<Arc<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            handles.add(Arc.of(i, v -> destroyers.add(Thread.currentThread()), c));
        }
        Thread dropper = Thread.ofPlatform().unstarted(() -> handles.forEach(Arc::close));
        dropper.start();
        try {
            dropper.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(destroyers.isEmpty(), "the ring was full, yet the dropping thread must not destroy");
        assertEquals(100, c.stats().pending());
        assertEquals(100, c.collect());
        assertEquals(96, c.stats().overflowed(), "4 fit in the ring, 96 overflowed");
        assertTrue(destroyers.stream().allMatch(t -> t == Thread.currentThread()));
        // the ring is usable again after draining
        Arc.of(1, v -> { }, c).close();
        assertEquals(1, c.collect());
        assertEquals(96, c.stats().overflowed());
        c.close();
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {0, 8, 1024})
    void concurrentDropsAreEachDestroyedExactlyOnce(int capacity) throws Exception {
        int producers = 3;
        int perProducer = 40_000;
        AtomicIntegerArray counts = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger offCollector = new AtomicInteger();
        RealtimeCollector c = RealtimeCollector.builder().name("stress").capacity(capacity)
                .interval(Duration.ofNanos(200_000)).build();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            List<Arc<Integer>> mine = new ArrayList<>(perProducer);
            for (int i = 0; i < perProducer; i++) {
                mine.add(Arc.of(p * perProducer + i, v -> {
                    counts.incrementAndGet(v);
                    if (Thread.currentThread() != c.thread()) {
                        offCollector.incrementAndGet();
                    }
                }, c));
            }
            threads.add(Thread.ofPlatform().unstarted(() -> mine.forEach(Arc::close)));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        c.close();
        for (int i = 0; i < counts.length(); i++) {
            assertEquals(1, counts.get(i), "value " + i + " destroyed count");
        }
        assertEquals(producers * (long) perProducer, c.stats().destroyed());
        assertEquals(0, c.stats().live());
        if (capacity == 8) {
            assertTrue(c.stats().overflowed() > 0, "a tiny ring must overflow under this load");
        }
        assertTrue(offCollector.get() <= producers * perProducer, "sanity");
    }

    @Test
    void droppingAllocatesNothingOnTheDroppingThread() {
        RealtimeCollector c = manual();
        int n = 50_000;
        List<List<Arc<int[]>>> owned = new ArrayList<>();
        List<List<Arc<int[]>>> shared = new ArrayList<>();
        int[] value = new int[1];
        for (int round = 0; round < 4; round++) {
            List<Arc<int[]>> os = new ArrayList<>(n);
            List<Arc<int[]>> ss = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                os.add(Arc.of(value, v -> { }, c));
                ss.add(Arc.of(value, v -> { }, c));
            }
            owned.add(os);
            shared.add(ss);
        }
        // round 0 warms up the drop path
        closeAll(owned.get(0), shared.get(0));
        AtomicInteger round = new AtomicInteger(1);
        long bytes = HeapAllocation.fewestBytes(() -> {
            int r = round.getAndIncrement();
            closeAll(owned.get(r), shared.get(r));
        });
        assertTrue(bytes < 512, "dropping " + (2 * n) + " handles allocated " + bytes + " B");
        assertEquals(8L * n, c.collect());
        c.close();
    }

    private static void closeAll(List<Arc<int[]>> os, List<Arc<int[]>> ss) {
        for (int i = 0, size = os.size(); i < size; i++) {
            os.get(i).close();
            ss.get(i).close();
        }
    }
}
