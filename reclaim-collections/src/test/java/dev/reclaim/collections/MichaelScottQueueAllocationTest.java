package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** offer, poll and peek allocate nothing on the Java heap in steady state (fast-mode allocator). */
class MichaelScottQueueAllocationTest {

    private static final int WARMUP = 200_000;
    private static final int MEASURED = 100_000;
    /** Slack for JIT and accounting noise; one boxed value per operation would already be 1.6 MB. */
    private static final long SLACK_BYTES = 512;

    /**
     * Only schemes that free: with {@link Scheme#LEAK} every polled node stays allocated, so the allocator keeps
     * growing (new slabs, with their bookkeeping on the heap) and there is no steady state to measure.
     */
    static Stream<Scheme> freeingSchemes() {
        return Schemes.freeing();
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void offerPollAndPeekAllocateNothingOnTheHeapInSteadyState(Scheme scheme) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            for (int i = 0; i < 8; i++) {
                queue.offer(i); // the loop below never empties the queue
            }
            long sink = loop(queue, WARMUP);
            long fewest = Long.MAX_VALUE;
            for (int attempt = 0; attempt < 3; attempt++) { // fewest of 3 windows: a one-off JIT event is not a leak
                long before = mx.getThreadAllocatedBytes(tid);
                sink += loop(queue, MEASURED);
                fewest = Math.min(fewest, mx.getThreadAllocatedBytes(tid) - before);
            }
            long allocated = fewest;
            assertTrue(allocated <= SLACK_BYTES, scheme.id() + ": " + allocated + " bytes allocated on the heap by "
                    + MEASURED + " offer+peek+poll rounds (sink " + sink + ")");
        }
    }

    private static long loop(MichaelScottQueue queue, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            queue.offer(i);
            sum += queue.peek(-1);
            sum += queue.poll(-1);
        }
        return sum;
    }
}
