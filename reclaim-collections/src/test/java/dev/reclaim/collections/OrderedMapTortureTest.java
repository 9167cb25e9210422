package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sanitizer torture: a million mixed operations (10% writes) by four threads on a list / map whose nodes live
 * in a sanitizing allocator, so that any access to a freed node throws in a worker and fails the run; the
 * results are checked against a JDK map as in the differential test; then no block may be leaked.
 */
class OrderedMapTortureTest {

    private static final int THREADS = 4;
    private static final int TOTAL_OPS = 1_000_000;

    static Stream<Arguments> cases() {
        return Stream.of(OrderedMaps.values()).flatMap(k -> Schemes.freeing().map(s -> Arguments.of(k, s)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void millionMixedOpsUnderTheSanitizerTouchNoFreedNodeAndLeakNothing(OrderedMaps kind, Scheme scheme)
            throws InterruptedException {
        SlabAllocator allocator = SlabAllocator.builder().name("torture-" + kind + "-" + scheme.id())
                .sanitize(true).build();
        Reclaimer reclaimer = scheme.create();
        OrderedMaps.LongMap m = kind.create(reclaimer, allocator);
        ConcurrentMap<Long, Long> jdk = kind == OrderedMaps.LIST
                ? new ConcurrentSkipListMap<>() : new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        int range = kind == OrderedMaps.LIST ? 16 : 1024;
        MapWorkloadRun.run(m, jdk, THREADS, TOTAL_OPS / THREADS, range, 10, 20240601L);
        System.out.printf("torture %s %s: %d ops by %d threads in %d ms, %d entries at the end%n", kind,
                scheme.id(), TOTAL_OPS, THREADS, (System.nanoTime() - t0) / 1_000_000, jdk.size());
        m.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(),
                () -> "blocks still live after close of structure and reclaimer: " + allocator.liveBlocks());
        allocator.close(); // sanitizer mode: throws MemoryLeakException if any block is still live
    }
}
