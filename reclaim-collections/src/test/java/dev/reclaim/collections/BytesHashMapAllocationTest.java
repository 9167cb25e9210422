package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * get, containsKey, put (insert and update), putIfAbsent and remove allocate nothing on the Java heap in
 * steady state (fast-mode allocator, every freeing scheme); keys and buffers are segments made up front.
 */
class BytesHashMapAllocationTest {

    private static final int KEYS = 1024;
    private static final int WARMUP = 150_000;
    private static final int MEASURED = 100_000;
    /** Slack for JIT and accounting noise; one segment object per operation would already be 1.6 MB. */
    private static final long SLACK_BYTES = 512;

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void getPutRemoveAllocateNothingOnTheHeapInSteadyState(Scheme scheme) {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        MemorySegment[] keys = new MemorySegment[KEYS];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = MemorySegment.ofArray(("key-" + k + "-padding").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        MemorySegment value = MemorySegment.ofArray(new byte[37]);
        MemorySegment buf = MemorySegment.ofArray(new byte[64]);
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             BytesHashMap m = new BytesHashMap(reclaimer, allocator)) {
            for (MemorySegment k : keys) {
                m.put(k, value); // the table has grown to its final size before measuring
            }
            long sink = loop(m, keys, value, buf, WARMUP);
            long best = Long.MAX_VALUE;
            for (int w = 0; w < 3; w++) { // fewest bytes of 3 windows: one JIT event cannot flake the test
                long before = mx.getThreadAllocatedBytes(tid);
                sink += loop(m, keys, value, buf, MEASURED);
                best = Math.min(best, mx.getThreadAllocatedBytes(tid) - before);
            }
            long allocated = best;
            assertTrue(allocated <= SLACK_BYTES, scheme.id() + ": " + allocated
                    + " bytes allocated on the heap by " + MEASURED + " operations (sink " + sink + ")");
        }
    }

    private static long loop(BytesHashMap m, MemorySegment[] keys, MemorySegment value, MemorySegment buf, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            MemorySegment k = keys[(i * 7919) % keys.length];
            value.set(ValueLayout.JAVA_BYTE, 0, (byte) i);
            switch (i & 7) {
                case 0 -> sum += m.put(k, value) ? 1 : 0;          // update of a present key
                case 1 -> {
                    sum += m.remove(k) ? 1 : 0;                     // remove ...
                    sum += m.putIfAbsent(k, value) ? 1 : 0;         // ... and insert again
                }
                case 2 -> sum += m.containsKey(k) ? 1 : 0;
                default -> sum += m.get(k, buf) + buf.get(ValueLayout.JAVA_BYTE, 0);
            }
        }
        return sum;
    }
}
