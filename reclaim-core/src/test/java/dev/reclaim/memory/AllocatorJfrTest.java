package dev.reclaim.memory;

import dev.reclaim.testing.JfrCapture;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allocator's JFR events under a real recording, with negative controls. */
class AllocatorJfrTest {

    private static final String GROW = "dev.reclaim.memory.Grow";
    private static final String EXHAUSTED = "dev.reclaim.memory.Exhausted";
    private static final Map<String, String> BOTH = Map.of(GROW + "#enabled", "true", EXHAUSTED + "#enabled", "true");

    @Test
    void aNewSegmentAndALargeBlockAreGrowthEvents() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH, () -> {
            try (SlabAllocator a = SlabAllocator.builder().name("grow").build()) {
                long small = a.allocate(32); // the first small block reserves a segment
                long large = a.allocate(1 << 20); // a large block of its own
                a.free(small);
                a.free(large);
            }
        }), GROW);
        assertEquals(List.of("segment", "large block"), events.stream().map(e -> e.getString("kind")).toList(),
                events.toString());
        for (RecordedEvent e : events) {
            assertEquals("grow", e.getString("allocator"));
            assertTrue(e.getLong("bytes") > 0 && e.getLong("reservedBytes") >= e.getLong("bytes"), e.toString());
            assertNotNull(e.getStackTrace(), "growth names the allocation that caused it");
        }
    }

    @Test
    void blocksServedFromAReservedSegmentAndSmallLargeBlocksAreNotGrowth() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH, () -> {
            try (SlabAllocator a = SlabAllocator.builder().name("steady").build()) {
                long[] blocks = new long[1000];
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = a.allocate(32);
                }
                for (long b : blocks) {
                    a.free(b);
                }
                for (int i = 0; i < 100; i++) {
                    a.free(a.allocate(256 << 10)); // large (above every size class) but below 1 MiB
                }
            }
        }), GROW);
        assertEquals(List.of("segment"), events.stream().map(e -> e.getString("kind")).toList(),
                "1000 blocks of 32 bytes fit in the first segment; 256 KiB blocks are not growth");
    }

    @Test
    void anAllocationPastTheCapacityIsAnExhaustedEventWithItsStack() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(BOTH, () -> {
            for (boolean sanitize : new boolean[] {false, true}) {
                try (SlabAllocator a = SlabAllocator.builder().name("small-" + sanitize).sanitize(sanitize)
                        .capacity(1 << 20).build()) {
                    assertThrows(OffHeapExhaustedException.class, () -> a.allocate(2 << 20));
                }
            }
        }), EXHAUSTED);
        assertEquals(List.of("small-false", "small-true"), events.stream().map(e -> e.getString("allocator")).toList());
        for (RecordedEvent e : events) {
            assertEquals(2 << 20, e.getLong("requestedBytes"));
            assertTrue(e.getString("message").contains("capacity"), e.getString("message"));
            assertTrue(e.getStackTrace().getFrames().stream()
                    .anyMatch(f -> f.getMethod().getName().contains("anAllocationPastTheCapacity")), e.toString());
        }
    }

    @Test
    void disabledEventsRecordNothing() throws Exception {
        List<RecordedEvent> events = JfrCapture.record(Map.of(GROW + "#enabled", "false", EXHAUSTED + "#enabled", "false"), () -> {
            try (SlabAllocator a = SlabAllocator.builder().capacity(1 << 20).build()) {
                a.free(a.allocate(32));
                assertThrows(OffHeapExhaustedException.class, () -> a.allocate(2 << 20));
            }
        });
        assertEquals(List.of(), events);
    }
}
