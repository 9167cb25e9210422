package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A concurrent workload on a {@link TreiberStack} that checks conservation of values: every thread pushes
 * unique values ({@code threadId << 32 | seq}) and pops with a seeded coin, and at the end every pushed value
 * has been popped exactly once, by some thread or by the final drain. Any exception in a worker (for example a
 * {@code UseAfterFreeException} from the sanitizer) fails the run.
 */
final class ConservationRun {

    /** Returned by {@link TreiberStack#pop(long)} on empty; never pushed (pushed values have a small high word). */
    static final long EMPTY = Long.MIN_VALUE;

    private ConservationRun() {
    }

    /**
     * Runs the workload and checks conservation; the stack is left empty (drained) and open.
     *
     * @param stack         the stack under test
     * @param threads       number of worker threads
     * @param opsPerThread  push or pop operations per thread
     * @param seed          seed of the per-thread coins ({@code seed + threadId})
     * @param factory       creates the workers (platform or virtual)
     * @return the number of values pushed in total
     */
    static long run(TreiberStack stack, int threads, int opsPerThread, long seed, ThreadFactory factory)
            throws InterruptedException {
        long[][] popped = new long[threads][opsPerThread];
        int[] poppedCount = new int[threads];
        int[] pushedCount = new int[threads];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(factory.newThread(() -> {
                try {
                    start.await();
                    Random coin = new Random(seed + id);
                    long[] mine = popped[id];
                    int pushes = 0;
                    int pops = 0;
                    for (int i = 0; i < opsPerThread; i++) {
                        if (coin.nextBoolean()) {
                            stack.push(((long) id << 32) | pushes);
                            pushes++;
                        } else {
                            long v = stack.pop(EMPTY);
                            if (v != EMPTY) {
                                mine[pops++] = v;
                            }
                        }
                    }
                    pushedCount[id] = pushes;
                    poppedCount[id] = pops;
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread w : workers) {
            w.start();
        }
        start.countDown();
        for (Thread w : workers) {
            w.join(); // join: makes the workers' plain writes to the arrays visible here
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed: " + failure.get(), failure.get());
        }

        long totalPushed = 0;
        for (int c : pushedCount) {
            totalPushed += c;
        }
        long[] expected = new long[Math.toIntExact(totalPushed)];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            for (int s = 0; s < pushedCount[t]; s++) {
                expected[k++] = ((long) t << 32) | s;
            }
        }
        long[] seen = new long[expected.length];
        k = 0;
        for (int t = 0; t < threads; t++) {
            int n = poppedCount[t];
            if (k + n > seen.length) {
                throw new AssertionError("more values popped than pushed: " + (k + n) + " > " + seen.length);
            }
            System.arraycopy(popped[t], 0, seen, k, n);
            k += n;
        }
        assertEquals(seen.length - k, stack.size(), "size estimate after all workers finished");
        for (long v; (v = stack.pop(EMPTY)) != EMPTY; ) {
            if (k == seen.length) {
                throw new AssertionError("drain found a value that was never pushed or was popped twice: 0x"
                        + Long.toHexString(v));
            }
            seen[k++] = v;
        }
        assertEquals(expected.length, k, "values pushed vs values popped (lost values)");
        Arrays.sort(seen);
        assertArrayEquals(expected, seen, "every pushed value must be popped exactly once");
        return totalPushed;
    }
}
