package dev.reclaim.realtime;

import dev.reclaim.arc.Arc;
import dev.reclaim.testing.JfrCapture;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The realtime collector's JFR events (emitted by the collecting thread), with negative controls. */
class CollectorJfrTest {

    private static final String PASS = "dev.reclaim.realtime.Pass";
    private static final String OVERFLOW = "dev.reclaim.realtime.Overflow";
    private static final Map<String, String> BOTH = Map.of(PASS + "#enabled", "true", OVERFLOW + "#enabled", "true");

    /** Drops {@code n} values into a collector with a ring of {@code capacity}, then collects once. */
    private static void dropAndCollect(String name, int capacity, int n, long destructorMs) {
        try (RealtimeCollector c = RealtimeCollector.builder().name(name).ownThread(false).capacity(capacity).build()) {
            List<Arc<String>> handles = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                handles.add(Arc.of("v" + i, v -> sleep(destructorMs), c));
            }
            handles.forEach(Arc::close); // each close enqueues its node: the first `capacity` go to the ring
            assertEquals(n, c.collect());
        }
    }

    private static void sleep(long ms) {
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void dropsPastTheRingAreOneOverflowEventPerPass() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH,
                () -> dropAndCollect("ring", 4, 10, 0)), OVERFLOW);
        assertEquals(1, events.size(), events.toString());
        assertEquals("ring", events.getFirst().getString("collector"));
        assertEquals(6, events.getFirst().getLong("overflowed"));
        assertEquals(4, events.getFirst().getInt("capacity"));
    }

    @Test
    void dropsThatFitTheRingAreNoOverflow() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH,
                () -> dropAndCollect("roomy", 16, 10, 0)), OVERFLOW);
        assertEquals(List.of(), events);
    }

    @Test
    void aPassSlowerThanTheThresholdIsRecorded() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH,
                () -> dropAndCollect("slow", 0, 3, 2)), PASS);
        assertEquals(1, events.size(), events.toString());
        RecordedEvent e = events.getFirst();
        assertEquals("slow", e.getString("collector"));
        assertEquals(3, e.getInt("destroyed"));
        assertTrue(e.getDuration().toMillis() >= 1 && e.getLong("maxLatency") >= 2_000_000L, e.toString());
    }

    @Test
    void passesBelowTheThresholdOrWithTheEventOffAreNotRecorded() throws Exception {
        List<RecordedEvent> below = JfrCapture.named(JfrCapture.record(
                Map.of(PASS + "#enabled", "true", PASS + "#threshold", "10 s"),
                () -> dropAndCollect("fast", 0, 3, 2)), PASS);
        assertEquals(List.of(), below);
        List<RecordedEvent> off = JfrCapture.record(Map.of(PASS + "#enabled", "false", OVERFLOW + "#enabled", "false",
                PASS + "#threshold", "0 ms"), () -> dropAndCollect("off", 4, 10, 2));
        assertEquals(List.of(), off);
    }
}
