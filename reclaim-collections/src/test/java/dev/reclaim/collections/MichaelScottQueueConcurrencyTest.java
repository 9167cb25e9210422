package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concurrent offer/poll by platform and by virtual threads, on the fast allocator: no value is lost or
 * duplicated and each producer's values come out in order.
 */
class MichaelScottQueueConcurrencyTest {

    static Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void fourPlatformThreadsConserveValuesInProducerOrder(Scheme scheme) throws InterruptedException {
        runConservation(scheme, 4, 100_000, 50, Thread.ofPlatform().factory());
    }

    /** Mostly polls: the queue is often empty, so polls race with the offer that makes it non-empty. */
    @ParameterizedTest
    @MethodSource("allSchemes")
    void nearlyEmptyQueueConservesValuesInProducerOrder(Scheme scheme) throws InterruptedException {
        runConservation(scheme, 4, 50_000, 30, Thread.ofPlatform().factory());
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void virtualThreadsConserveValuesInProducerOrder(Scheme scheme) throws InterruptedException {
        runConservation(scheme, 32, 5_000, 50, Thread.ofVirtual().factory());
    }

    private static void runConservation(Scheme scheme, int threads, int ops, int offerPercent, ThreadFactory f)
            throws InterruptedException {
        SlabAllocator allocator = SlabAllocator.create();
        try {
            Reclaimer reclaimer = scheme.create();
            MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
            QueueConservationRun.run(queue, threads, ops, offerPercent, 0xF1F0 + threads, f);
            queue.close();
            reclaimer.close();
            if (Schemes.frees(scheme)) {
                assertEquals(0, allocator.stats().liveBlocks(), "every node freed after queue and reclaimer closed");
            }
        } finally {
            allocator.close();
        }
    }
}
