package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.testing.HeapAllocation;
import org.junit.jupiter.api.Test;

/** load() + guard close and ArcCache.get() allocate nothing on the heap in steady state. */
class ArcAllocationTest {

    private static final int OPS = 100_000;
    private static final long SLACK = 512;

    @Test
    void loadAndCloseAllocateNothing() {
        ArcSwap<String> swap = ArcSwap.of(Arc.of("v", v -> { }));
        long[] sink = new long[1];
        Runnable loop = () -> {
            for (int i = 0; i < OPS; i++) {
                try (ArcGuard<String> g = swap.load()) {
                    sink[0] += g.get().length();
                }
            }
        };
        loop.run(); // warm-up
        long bytes = HeapAllocation.fewestBytes(loop);
        swap.close();
        assertTrue(bytes < SLACK, "load()+close allocated " + bytes + " bytes over " + OPS + " ops");
    }

    @Test
    void projectedLoadAndCacheGetAllocateNothing() {
        ArcSwap<String> swap = ArcSwap.of(Arc.of("value", v -> { }));
        ArcSwapView<String> view = swap.map(s -> s);
        ArcCache<String> cache = swap.cache();
        long[] sink = new long[1];
        Runnable loop = () -> {
            for (int i = 0; i < OPS; i++) {
                try (ArcGuard<String> g = view.load()) {
                    sink[0] += g.get().length();
                }
                sink[0] += cache.get().length();
            }
        };
        loop.run();
        long bytes = HeapAllocation.fewestBytes(loop);
        cache.close();
        swap.close();
        assertTrue(bytes < SLACK, "view load + cache get allocated " + bytes + " bytes over " + OPS + " ops");
    }
}
