package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * get, put (insert and update), remove and forEach allocate nothing on the Java heap in steady state
 * (fast-mode allocator, every freeing scheme).
 */
class OrderedMapAllocationTest {

    private static final int WARMUP = 150_000;
    private static final int MEASURED = 100_000;
    /** Slack for JIT and accounting noise; one boxed value per operation would already be 1.6 MB. */
    private static final long SLACK_BYTES = 512;

    static Stream<Arguments> cases() {
        return Stream.of(OrderedMaps.values()).flatMap(k -> Schemes.freeing().map(s -> Arguments.of(k, s)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void getPutRemoveAllocateNothingOnTheHeapInSteadyState(OrderedMaps kind, Scheme scheme) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        int keys = kind == OrderedMaps.LIST ? 32 : 4096;
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             OrderedMaps.LongMap m = kind.create(reclaimer, allocator)) {
            for (int k = 0; k < keys; k++) {
                m.put(k, k, -1); // the table has grown to its final size before measuring
            }
            long sink = loop(m, keys, WARMUP);
            long best = Long.MAX_VALUE;
            for (int w = 0; w < 3; w++) { // fewest bytes of 3 windows: one JIT event cannot flake the test
                long before = mx.getThreadAllocatedBytes(tid);
                sink += loop(m, keys, MEASURED);
                best = Math.min(best, mx.getThreadAllocatedBytes(tid) - before);
            }
            long allocated = best;
            assertTrue(allocated <= SLACK_BYTES, kind + " " + scheme.id() + ": " + allocated
                    + " bytes allocated on the heap by " + MEASURED + " operations (sink " + sink + ")");
        }
    }

    private static long loop(OrderedMaps.LongMap m, int keys, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            int k = (i * 7919) % keys;
            switch (i & 7) {
                case 0 -> sum += m.put(k, i, -1);     // update of a present key
                case 1 -> {
                    sum += m.remove(k, -1);            // remove ...
                    sum += m.putIfAbsent(k, i, -1);    // ... and insert again
                }
                case 2 -> sum += m.replace(k, i, i + 1) ? 1 : 0;
                case 3 -> sum += m.containsKey(k) ? 1 : 0;
                default -> sum += m.get(k, -1);
            }
            if ((i & 0xFFFF) == 0) {
                long[] acc = {0};
                m.forEach((key, v) -> acc[0] += v); // one capturing lambda per call, not per entry
                sum += acc[0] & 1;
            }
        }
        return sum;
    }
}
