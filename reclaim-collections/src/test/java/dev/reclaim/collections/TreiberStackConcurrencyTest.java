package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Concurrent push/pop by platform and by virtual threads: no value is lost or duplicated. */
class TreiberStackConcurrencyTest {

    static Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void fourPlatformThreadsConserveValues(Scheme scheme) throws InterruptedException {
        runConservation(scheme, 4, 50_000, Thread.ofPlatform().factory());
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void virtualThreadsConserveValues(Scheme scheme) throws InterruptedException {
        runConservation(scheme, 32, 5_000, Thread.ofVirtual().factory());
    }

    private static void runConservation(Scheme scheme, int threads, int ops, java.util.concurrent.ThreadFactory f)
            throws InterruptedException {
        SlabAllocator allocator = SlabAllocator.create();
        try {
            Reclaimer reclaimer = scheme.create();
            TreiberStack stack = new TreiberStack(reclaimer, allocator);
            ConservationRun.run(stack, threads, ops, 0xC0FFEE + threads, f);
            stack.close();
            reclaimer.close();
            if (Schemes.frees(scheme)) {
                assertEquals(0, allocator.stats().liveBlocks(), "every node freed after stack and reclaimer closed");
            }
        } finally {
            allocator.close();
        }
    }
}
