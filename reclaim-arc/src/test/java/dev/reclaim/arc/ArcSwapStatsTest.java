package dev.reclaim.arc;

import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.testing.JfrCapture;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ArcSwap's counters (slow paths only) and its slow-write JFR event. */
class ArcSwapStatsTest {

    private static final String SLOW_WRITE = "dev.reclaim.arc.SlowWrite";

    @AfterEach
    void fastPathsBack() {
        ArcSwap.helpingOnly = false;
    }

    @Test
    void writesAndTheirOutcomesAreCounted() {
        ArcSwap<String> s = ArcSwap.of(Arc.of("a", v -> { }));
        s.store(Arc.of("b", v -> { }));
        s.swap(Arc.of("c", v -> { })).close();
        Arc<String> d = Arc.of("d", v -> { });
        assertFalse(s.compareAndSet("not current", d));
        d.close();
        s.rcu(v -> {
            if (v.equals("c")) {
                s.store(Arc.of("x", w -> { })); // another writer wins: the update runs again
            }
            return Arc.of(v + "!", w -> { });
        });
        ArcSwapStats st = s.stats();
        assertEquals(4, st.writes(), st.toString()); // store, swap, the racing store, the rcu
        assertEquals(1, st.compareAndSetFailures(), st.toString());
        assertEquals(1, st.rcuRetries(), st.toString());
        // (with symmetric fences the rcu's own load holds a pool debt on "c" that the racing store pays)
        assertTrue(st.debtsPaid() <= 1 && st.contendedWrites() == st.debtsPaid(), st.toString());
        assertTrue(st.debtSlots() > 0, st.toString());
        s.close();
        assertEquals(5, s.stats().writes(), "close counts as a write");
    }

    @Test
    void aWriteThatPaysAReaderDebtIsContended() {
        ArcSwap.helpingOnly = true; // every load takes the pool path with a debt (no lane)
        ArcSwap<String> s = ArcSwap.of(Arc.of("a", v -> { }));
        try (ArcGuard<String> g = s.load()) {
            s.store(Arc.of("b", v -> { })); // must pay our debt on "a"
            assertEquals("a", g.get());
        }
        ArcSwapStats st = s.stats();
        assertEquals(1, st.helpingLoads(), st.toString());
        assertEquals(1, st.debtsPaid(), st.toString());
        assertEquals(1, st.contendedWrites(), st.toString());
        s.close();
    }

    @Test
    void fastPathLoadsCountNothingAndAllocateNothing() {
        ArcSwap<String> s = ArcSwap.of(Arc.of("a", v -> { }));
        for (int i = 0; i < 20_000; i++) { // warm up
            try (ArcGuard<String> g = s.load()) {
                g.get();
            }
        }
        long bytes = HeapAllocation.fewestBytes(() -> {
            for (int i = 0; i < 10_000; i++) {
                try (ArcGuard<String> g = s.load()) {
                    g.get();
                }
            }
        });
        assertEquals(0, bytes, "load() allocates nothing");
        assertEquals(0, s.stats().helpingLoads(), "an uncontended load takes the fast path");
        s.close();
    }

    @Test
    void aSlowWriteIsRecordedWithItsScanAndStack() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(
                Map.of(SLOW_WRITE + "#enabled", "true", SLOW_WRITE + "#threshold", "0 ms"), () -> {
                    ArcSwap.helpingOnly = true;
                    ArcSwap<String> s = ArcSwap.of(Arc.of("a", v -> { }));
                    try (ArcGuard<String> g = s.load()) {
                        s.store(Arc.of("b", v -> { }));
                    }
                    s.close();
                }), SLOW_WRITE);
        assertEquals(2, events.size(), events.toString()); // the store and the close
        RecordedEvent store = events.getFirst();
        assertEquals("java.lang.String", store.getString("valueType"));
        assertEquals(1, store.getInt("debtsPaid"));
        assertTrue(store.getInt("slots") > 0);
        assertNotNull(store.getStackTrace(), "the writer's stack");
    }

    @Test
    void writesBelowTheThresholdOrWithTheEventOffAreNotRecorded() throws Exception {
        for (Map<String, String> settings : List.of(
                Map.of(SLOW_WRITE + "#enabled", "true", SLOW_WRITE + "#threshold", "10 s"),
                Map.of(SLOW_WRITE + "#enabled", "false", SLOW_WRITE + "#threshold", "0 ms"))) {
            List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(settings, () -> {
                ArcSwap<String> s = ArcSwap.of(Arc.of("a", v -> { }));
                for (int i = 0; i < 100; i++) {
                    s.store(Arc.of("v" + i, v -> { }));
                }
                s.close();
            }), SLOW_WRITE);
            assertEquals(List.of(), events, settings.toString());
        }
    }
}
