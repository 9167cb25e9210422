package dev.reclaim.micrometer;

import dev.reclaim.Reclaimer;
import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.testing.HeldGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binders against a SimpleMeterRegistry, with a real reclaimer, allocator, swap and collector. */
class MetersTest {

    private static double gauge(MeterRegistry m, String name) {
        return m.get(name).gauge().value();
    }

    private static double counter(MeterRegistry m, String name) {
        return m.get(name).functionCounter().count();
    }

    @Test
    void aReclaimersPendingGarbageAndAllocatorBytesAreOnTheRegistry() throws Exception {
        MeterRegistry m = new SimpleMeterRegistry();
        try (SlabAllocator memory = SlabAllocatorMetrics.monitor(m, SlabAllocator.builder().name("heapless").build());
             Reclaimer r = ReclaimerMetrics.monitor(m, EpochReclaimer.builder().name("sessions").build(), "team", "a")) {
            HeldGuard reader = HeldGuard.open(r, "reader", 0);
            for (int i = 0; i < 100; i++) {
                r.retire(memory.allocate(48), memory);
            }
            r.flush();
            // the reader pins the epoch: everything is pending
            assertEquals(100, gauge(m, "reclaim.garbage.pending"));
            assertEquals(100 * 48, gauge(m, "reclaim.garbage.pending.bytes"));
            assertEquals(100, counter(m, "reclaim.retired"));
            assertEquals(1, gauge(m, "reclaim.guards.open"));
            assertEquals(100, gauge(m, "reclaim.allocator.live.blocks"));
            assertEquals(100 * 48, gauge(m, "reclaim.allocator.live.bytes"));
            assertTrue(gauge(m, "reclaim.allocator.reserved.bytes") >= 100 * 48);
            assertEquals(List.of("sessions"), m.find("reclaim.garbage.pending").tags("team", "a", "scheme", "ebr")
                    .gauges().stream().map(g -> g.getId().getTag("reclaimer")).toList());
            reader.close();
            r.synchronize();
            assertEquals(0, gauge(m, "reclaim.garbage.pending"));
            assertEquals(100, counter(m, "reclaim.reclaimed"));
            assertTrue(gauge(m, "reclaim.garbage.peak") >= 100);
            assertEquals(0, gauge(m, "reclaim.guards.open"));
            assertTrue(gauge(m, "reclaim.epoch") >= 2);
            assertEquals(0, counter(m, "reclaim.failures"));
            assertEquals(0, gauge(m, "reclaim.allocator.live.blocks"));
            assertEquals(100, counter(m, "reclaim.allocator.allocations"));
            assertEquals(100, counter(m, "reclaim.allocator.frees"));
        }
    }

    @Test
    void twoReclaimersAreTwoSeriesOfOneName() {
        MeterRegistry m = new SimpleMeterRegistry();
        try (Reclaimer a = ReclaimerMetrics.monitor(m, HazardReclaimer.builder().name("a").build());
             Reclaimer b = ReclaimerMetrics.monitor(m, EpochReclaimer.builder().name("b").build())) {
            assertEquals(2, m.find("reclaim.garbage.pending").gauges().size());
            assertEquals(-1, m.get("reclaim.epoch").tag("reclaimer", "a").gauge().value(), "hp has no epoch");
            assertEquals(0, m.get("reclaim.guards.oldest.age").tag("scheme", "hp").timeGauge().value(TimeUnit.SECONDS));
        }
    }

    @Test
    void arcSwapCountersFollowItsWrites() {
        MeterRegistry m = new SimpleMeterRegistry();
        ArcSwap<String> s = ArcSwapMetrics.monitor(m, ArcSwap.of(Arc.of("a", v -> { })), "config");
        for (int i = 0; i < 5; i++) {
            s.store(Arc.of("v" + i, v -> { }));
        }
        try (ArcGuard<String> g = s.load()) {
            assertEquals("v4", g.get());
        }
        assertEquals(5, counter(m, "reclaim.arcswap.writes"));
        assertEquals(0, counter(m, "reclaim.arcswap.cas.failures"));
        assertTrue(gauge(m, "reclaim.arcswap.debt.slots") > 0);
        assertEquals("config", m.get("reclaim.arcswap.writes").functionCounter().getId().getTag("swap"));
        s.close();
        assertEquals(6, counter(m, "reclaim.arcswap.writes"));
    }

    @Test
    void theRealtimeCollectorsBacklogAndOverflowsAreOnTheRegistry() {
        MeterRegistry m = new SimpleMeterRegistry();
        try (RealtimeCollector c = RealtimeCollectorMetrics.monitor(m,
                RealtimeCollector.builder().name("audio").ownThread(false).capacity(2).build(), "app", "synth")) {
            List<Arc<String>> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                handles.add(Arc.of("buffer" + i, v -> { }, c));
            }
            handles.forEach(Arc::close);
            assertEquals(5, gauge(m, "reclaim.collector.pending"));
            assertEquals(5, counter(m, "reclaim.collector.registered"));
            assertEquals(5, c.collect());
            assertEquals(0, gauge(m, "reclaim.collector.pending"));
            assertEquals(5, counter(m, "reclaim.collector.destroyed"));
            assertEquals(3, counter(m, "reclaim.collector.overflowed"));
            assertTrue(m.get("reclaim.collector.latency.max").tag("app", "synth").timeGauge()
                    .value(TimeUnit.NANOSECONDS) > 0);
        }
    }
}
