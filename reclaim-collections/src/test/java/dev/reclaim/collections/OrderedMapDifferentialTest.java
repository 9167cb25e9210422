package dev.reclaim.collections;

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
 * Differential test: the same seeded concurrent workload on {@link HarrisMichaelList} and
 * {@link ConcurrentSkipListMap}, and on {@link LongHashMap} and {@link ConcurrentHashMap}; every write's result
 * and the final contents must agree (see {@link MapWorkloadRun}). Fast-mode allocator, every scheme.
 */
class OrderedMapDifferentialTest {

    static Stream<Arguments> cases() {
        return Stream.of(OrderedMaps.values()).flatMap(k -> Schemes.all().map(s -> Arguments.of(k, s)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void concurrentWorkloadMatchesTheJdkMapOpByOpAndInFinalContents(OrderedMaps kind, Scheme scheme)
            throws InterruptedException {
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             OrderedMaps.LongMap ours = kind.create(reclaimer, allocator)) {
            ConcurrentMap<Long, Long> jdk = kind == OrderedMaps.LIST
                    ? new ConcurrentSkipListMap<>() : new ConcurrentHashMap<>();
            int range = kind == OrderedMaps.LIST ? 512 : 50_000;
            int ops = kind == OrderedMaps.LIST ? 25_000 : 80_000;
            for (int round = 0; round < 2; round++) { // round 2 starts from round 1's contents
                MapWorkloadRun.run(ours, jdk, 4, ops, range, round == 0 ? 50 : 20, 7 + round);
            }
        }
    }
}
