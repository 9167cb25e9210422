package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** push and pop allocate nothing on the Java heap in steady state (fast-mode allocator). */
class TreiberStackAllocationTest {

    private static final int WARMUP = 200_000;
    private static final int MEASURED = 100_000;
    /** Slack for JIT and accounting noise; one boxed value per operation would already be 1.6 MB. */
    private static final long SLACK_BYTES = 512;

    /**
     * Only schemes that free: with {@link Scheme#LEAK} every popped node stays allocated, so the allocator keeps
     * growing (new slabs, with their bookkeeping on the heap) and there is no steady state to measure.
     */
    static Stream<Scheme> freeingSchemes() {
        return Schemes.freeing();
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void pushAndPopAllocateNothingOnTheHeapInSteadyState(Scheme scheme) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
            for (int i = 0; i < 8; i++) {
                stack.push(i); // the loop below never empties the stack
            }
            long sink = loop(stack, WARMUP);
            long before = mx.getThreadAllocatedBytes(tid);
            sink += loop(stack, MEASURED);
            long allocated = mx.getThreadAllocatedBytes(tid) - before;
            assertTrue(allocated <= SLACK_BYTES, scheme.id() + ": " + allocated + " bytes allocated on the heap by "
                    + MEASURED + " push+pop pairs (sink " + sink + ")");
        }
    }

    private static long loop(TreiberStack stack, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            stack.push(i);
            sum += stack.pop(-1);
        }
        return sum;
    }
}
