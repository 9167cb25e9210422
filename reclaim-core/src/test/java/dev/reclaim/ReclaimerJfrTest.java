package dev.reclaim;

import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.robust.RobustReclaimer;
import dev.reclaim.testing.HeldGuard;
import dev.reclaim.testing.JfrCapture;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reclamation events every scheme emits through the shared skeleton, each under a real recording with a
 * negative control: {@code dev.reclaim.Reclaim} (a batch slower than its 1 ms threshold) and
 * {@code dev.reclaim.SlowGuard} (a guard holding garbage back longer than the builder's threshold, once).
 */
class ReclaimerJfrTest {

    private static final String RECLAIM = "dev.reclaim.Reclaim";
    private static final String SLOW_GUARD = "dev.reclaim.SlowGuard";

    private static Reclaimer build(String scheme, String name, Duration slowGuard) {
        return switch (scheme) {
            case "ebr" -> EpochReclaimer.builder().name(name).slowGuardThreshold(slowGuard).build();
            case "hp" -> HazardReclaimer.builder().name(name).slowGuardThreshold(slowGuard).build();
            case "robust" -> RobustReclaimer.builder().name(name).slowGuardThreshold(slowGuard).build();
            default -> throw new IllegalArgumentException(scheme);
        };
    }

    /** Retires {@code n} blocks through a deleter that takes {@code sleepMs} per block, then synchronizes. */
    private static void retireAndSync(String scheme, String name, int n, long sleepMs) throws Exception {
        try (SlabAllocator memory = SlabAllocator.create();
             Reclaimer r = build(scheme, name, Duration.ofSeconds(1))) {
            Deleter slow = new Deleter() {
                @Override
                public void delete(long pointer) {
                    if (sleepMs > 0) {
                        try {
                            Thread.sleep(sleepMs);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    memory.delete(pointer);
                }

                @Override
                public long sizeOf(long pointer) {
                    return memory.sizeOf(pointer);
                }
            };
            for (int i = 0; i < n; i++) {
                r.retire(memory.allocate(24), slow);
            }
            r.synchronize();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ebr", "hp", "robust"})
    void aBatchSlowerThanTheThresholdIsRecordedWithoutAStack(String scheme) throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(Map.of(RECLAIM + "#enabled", "true"),
                () -> retireAndSync(scheme, "slow-" + scheme, 3, 2)), RECLAIM);
        assertFalse(events.isEmpty(), "a batch of 2 ms deleters must pass the 1 ms threshold");
        RecordedEvent e = events.getFirst();
        assertEquals("slow-" + scheme, e.getString("reclaimer"));
        assertEquals(scheme, e.getString("scheme"));
        assertTrue(e.getInt("count") >= 1 && e.getLong("bytes") >= 24, e.toString());
        assertTrue(e.getDuration().toMillis() >= 1, e.toString());
        assertEquals(null, e.getStackTrace(), "batch events carry no stack trace");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ebr", "hp", "robust"})
    void batchesBelowTheThresholdAreNotRecorded(String scheme) throws Exception {
        // (a loaded machine can take more than the default 1 ms for 64 cold deleters, so the control uses 10 s)
        List<RecordedEvent> below = JfrCapture.named(JfrCapture.record(
                Map.of(RECLAIM + "#enabled", "true", RECLAIM + "#threshold", "10 s"),
                () -> retireAndSync(scheme, "fast-" + scheme, 200, 0)), RECLAIM);
        assertEquals(List.of(), below, "batches below the threshold");
        // control: the same run with the threshold at 0 records them, so the check above is not vacuous
        List<RecordedEvent> all = JfrCapture.named(JfrCapture.record(
                Map.of(RECLAIM + "#enabled", "true", RECLAIM + "#threshold", "0 ms"),
                () -> retireAndSync(scheme, "fast-" + scheme, 200, 0)), RECLAIM);
        assertFalse(all.isEmpty(), "with threshold 0 every batch is recorded");
        assertEquals(200, all.stream().mapToInt(e -> e.getInt("count")).sum());
        // and nothing at all while the event is disabled
        List<RecordedEvent> off = JfrCapture.named(JfrCapture.record(Map.of(RECLAIM + "#enabled", "false",
                RECLAIM + "#threshold", "0 ms"), () -> retireAndSync(scheme, "off-" + scheme, 200, 0)), RECLAIM);
        assertEquals(List.of(), off);
    }

    /**
     * A reader on another thread ("slow-reader") holds a guard protecting a block that the main thread retires
     * (or, when {@code protect} is false, protecting nothing while a second reader, "protector", protects the
     * block); the main thread flushes (a scan that must keep the block), waits {@code waitMs}, flushes twice more.
     */
    private static void stallReader(String scheme, String name, Duration threshold, boolean protect, long waitMs)
            throws Exception {
        try (SlabAllocator memory = SlabAllocator.create(); Reclaimer r = build(scheme, name, threshold)) {
            long word = memory.allocateZeroed(8);
            long block = memory.allocate(24);
            Memory.putLong(word, block);
            HeldGuard reader = HeldGuard.open(r, "slow-reader", protect ? word : 0);
            HeldGuard protector = protect ? null : HeldGuard.open(r, "protector", word);
            assertEquals(block, (protect ? reader : protector).protectedPointer());
            Memory.putLong(word, 0);
            r.retire(block, memory);
            r.flush();
            Thread.sleep(waitMs);
            r.flush(); // the guard held the block back for waitMs
            r.flush(); // once per guard: no second event
            reader.close();
            if (protector != null) {
                protector.close();
            }
            r.synchronize();
            memory.free(word);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ebr", "hp", "robust"})
    void aGuardHoldingGarbageBackPastTheThresholdIsReportedOnce(String scheme) throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(Map.of(SLOW_GUARD + "#enabled", "true"),
                () -> stallReader(scheme, "stall-" + scheme, Duration.ofMillis(10), true, 40)), SLOW_GUARD);
        assertEquals(1, events.size(), events.toString());
        RecordedEvent e = events.getFirst();
        assertEquals("stall-" + scheme, e.getString("reclaimer"));
        assertEquals(scheme, e.getString("scheme"));
        assertEquals("slow-reader", e.getString("thread"));
        assertTrue(e.getLong("age") >= 10_000_000L, e.toString());
        assertEquals(scheme.equals("hp"), e.getLong("epoch") == -1, e.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ebr", "hp", "robust"})
    void aGuardYoungerThanTheThresholdIsNotReported(String scheme) throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(Map.of(SLOW_GUARD + "#enabled", "true"),
                () -> stallReader(scheme, "young-" + scheme, Duration.ofSeconds(10), true, 40)), SLOW_GUARD);
        assertEquals(List.of(), events);
    }

    @Test
    void aHazardGuardThatProtectsNothingIsNotReported() throws Exception {
        List<RecordedEvent> events = JfrCapture.named(JfrCapture.record(Map.of(SLOW_GUARD + "#enabled", "true"),
                () -> stallReader("hp", "idle-hp", Duration.ofMillis(10), false, 40)), SLOW_GUARD);
        assertEquals(List.of("protector"), events.stream().map(e -> e.getString("thread")).toList(),
                "only the guard that protects the kept block holds it back");
    }
}
