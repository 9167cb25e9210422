package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sanitizer torture: a million mixed operations by four threads on a queue whose nodes live in a sanitizing
 * allocator, so that any access to a freed node throws {@code UseAfterFreeException} in a worker and fails the
 * run; then conservation of values, FIFO order per producer and no leaked block.
 */
class MichaelScottQueueTortureTest {

    private static final int THREADS = 4;
    private static final int TOTAL_OPS = 1_000_000;

    static Stream<Scheme> freeingSchemes() {
        return Schemes.freeing();
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void millionMixedOpsUnderTheSanitizerTouchNoFreedNodeAndLeakNothing(Scheme scheme)
            throws InterruptedException {
        SlabAllocator allocator = SlabAllocator.builder().name("torture-" + scheme.id()).sanitize(true).build();
        Reclaimer reclaimer = scheme.create();
        MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
        long t0 = System.nanoTime();
        long offered = QueueConservationRun.run(queue, THREADS, TOTAL_OPS / THREADS, 50, 20261123L,
                Thread.ofPlatform().factory());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("queue torture %s: %d ops (%d offers) by %d threads in %d ms%n",
                scheme.id(), TOTAL_OPS, offered, THREADS, ms);
        queue.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(),
                () -> "blocks still live after queue.close() + reclaimer.close(): " + allocator.liveBlocks());
        allocator.close(); // sanitizer mode: throws MemoryLeakException if any block is still live
    }
}
