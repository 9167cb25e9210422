package dev.reclaim.realtime;

import dev.reclaim.testing.HeapAllocation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrackerTest {

    @Test
    void aTrackedValueIsDestroyedOnlyOnceEveryHandleClosed() {
        List<String> destroyed = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        Tracker<String> tracker = c.tracker(destroyed::add);
        Tracked<String> a = tracker.track("x");
        Tracked<String> b = a.retain();
        Tracked<String> alias = b.clone(); // clone() is retain() under Rust's name
        alias.close();
        c.collect();
        assertEquals(1, c.stats().waiting(), "the collector keeps it in its list");
        a.close();
        c.collect();
        assertTrue(destroyed.isEmpty(), "b is still open");
        assertEquals("x", b.get());
        b.close();
        assertTrue(destroyed.isEmpty(), "closing a handle never destroys on the closing thread");
        c.collect();
        assertEquals(List.of("x"), destroyed);
        assertThrows(IllegalStateException.class, b::close);
        assertThrows(IllegalStateException.class, b::get);
        assertThrows(IllegalStateException.class, b::retain);
        assertThrows(IllegalStateException.class, b::clone);
        c.close();
    }

    @Test
    void afterCloseTheLastHandleDestroysTheValueItself() {
        List<Thread> destroyers = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        Tracker<String> tracker = c.tracker(v -> destroyers.add(Thread.currentThread()));
        Tracked<String> h = tracker.track("x");
        CloseReport r = c.close(Duration.ofMillis(10));
        assertEquals(1, r.notDestroyed());
        assertEquals(1, r.waiting().size());
        assertTrue(r.waiting().get(0).contains("1 open handle"), r.waiting().toString());
        h.close();
        assertEquals(List.of(Thread.currentThread()), destroyers, "released to its remaining owner");
        assertThrows(IllegalStateException.class, () -> tracker.track("y"));
    }

    @Test
    void theCollectorThreadScansAndDestroysManyTrackedValues() throws Exception {
        AtomicInteger destroyed = new AtomicInteger();
        List<Thread> destroyers = new CopyOnWriteArrayList<>();
        RealtimeCollector c = RealtimeCollector.builder().interval(Duration.ofMillis(1)).build();
        Tracker<int[]> tracker = c.tracker(v -> {
            destroyed.incrementAndGet();
            destroyers.add(Thread.currentThread());
        });
        List<Tracked<int[]>> handles = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            handles.add(tracker.track(new int[1]));
        }
        Thread dropper = Thread.ofPlatform().start(() -> handles.forEach(Tracked::close));
        dropper.join();
        c.close();
        assertEquals(10_000, destroyed.get());
        assertTrue(destroyers.stream().allMatch(t -> t == c.thread() || t == Thread.currentThread()));
        assertTrue(c.closeReport().clean(), c.closeReport().toString());
    }

    @Test
    void closingATrackedHandleAllocatesNothing() {
        RealtimeCollector c = RealtimeCollector.builder().ownThread(false).build();
        Tracker<int[]> tracker = c.tracker(v -> { });
        int[] value = new int[1];
        List<List<Tracked<int[]>>> rounds = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            List<Tracked<int[]>> hs = new ArrayList<>();
            for (int i = 0; i < 50_000; i++) {
                hs.add(tracker.track(value));
            }
            rounds.add(hs);
        }
        rounds.get(0).forEach(Tracked::close);
        AtomicInteger round = new AtomicInteger(1);
        long bytes = HeapAllocation.fewestBytes(() -> {
            List<Tracked<int[]>> hs = rounds.get(round.getAndIncrement());
            for (int i = 0, n = hs.size(); i < n; i++) {
                hs.get(i).close();
            }
        });
        assertTrue(bytes < 512, "closing 50k tracked handles allocated " + bytes + " B");
        c.close();
    }
}
