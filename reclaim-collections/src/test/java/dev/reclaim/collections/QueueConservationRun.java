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
 * A concurrent workload on a {@link MichaelScottQueue} that checks two properties:
 * <ul>
 *   <li>conservation: every thread offers unique values ({@code threadId << 32 | seq}) and polls with a seeded
 *       coin; at the end every offered value has been polled exactly once, by some thread or by the final
 *       drain;</li>
 *   <li>FIFO per producer: the values of one producer that one consumer polls come out in increasing sequence
 *       order (each thread's polls are sequential, each producer's offers are sequential, so a linearizable
 *       FIFO queue can never invert them); the final drain sees them in order too.</li>
 * </ul>
 * Any exception in a worker (for example a {@code UseAfterFreeException} from the sanitizer) fails the run.
 */
final class QueueConservationRun {

    /** Returned by {@link MichaelScottQueue#poll(long)} on empty; never offered (offered values are >= 0). */
    static final long EMPTY = Long.MIN_VALUE;

    private QueueConservationRun() {
    }

    /**
     * Runs the workload and checks both properties; the queue is left empty (drained) and open.
     *
     * @param queue        the queue under test
     * @param threads      number of worker threads (each both producer and consumer)
     * @param opsPerThread offer or poll operations per thread
     * @param offerPercent probability in percent that an operation is an offer
     * @param seed         seed of the per-thread coins ({@code seed + threadId})
     * @param factory      creates the workers (platform or virtual)
     * @return the number of values offered in total
     */
    static long run(MichaelScottQueue queue, int threads, int opsPerThread, int offerPercent, long seed,
                    ThreadFactory factory) throws InterruptedException {
        long[][] polled = new long[threads][opsPerThread];
        int[] polledCount = new int[threads];
        int[] offeredCount = new int[threads];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(factory.newThread(() -> {
                try {
                    start.await();
                    Random coin = new Random(seed + id);
                    long[] mine = polled[id];
                    int[] lastSeq = new int[threads];
                    Arrays.fill(lastSeq, -1);
                    int offers = 0;
                    int polls = 0;
                    for (int i = 0; i < opsPerThread; i++) {
                        if (coin.nextInt(100) < offerPercent) {
                            queue.offer(((long) id << 32) | offers);
                            offers++;
                        } else {
                            long v = queue.poll(EMPTY);
                            if (v != EMPTY) {
                                checkOrder(lastSeq, v, "consumer " + id);
                                mine[polls++] = v;
                            }
                        }
                    }
                    offeredCount[id] = offers;
                    polledCount[id] = polls;
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

        long totalOffered = 0;
        for (int c : offeredCount) {
            totalOffered += c;
        }
        long[] expected = new long[Math.toIntExact(totalOffered)];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            for (int s = 0; s < offeredCount[t]; s++) {
                expected[k++] = ((long) t << 32) | s;
            }
        }
        long[] seen = new long[expected.length];
        k = 0;
        for (int t = 0; t < threads; t++) {
            int n = polledCount[t];
            if (k + n > seen.length) {
                throw new AssertionError("more values polled than offered: " + (k + n) + " > " + seen.length);
            }
            System.arraycopy(polled[t], 0, seen, k, n);
            k += n;
        }
        assertEquals(seen.length - k, queue.size(), "size estimate after all workers finished");
        int[] drainLast = new int[threads];
        Arrays.fill(drainLast, -1);
        for (long v; (v = queue.poll(EMPTY)) != EMPTY; ) {
            if (k == seen.length) {
                throw new AssertionError("drain found a value that was never offered or was polled twice: 0x"
                        + Long.toHexString(v));
            }
            checkOrder(drainLast, v, "the final drain");
            seen[k++] = v;
        }
        assertEquals(expected.length, k, "values offered vs values polled (lost values)");
        Arrays.sort(seen);
        assertArrayEquals(expected, seen, "every offered value must be polled exactly once");
        return totalOffered;
    }

    private static void checkOrder(int[] lastSeq, long v, String who) {
        int producer = (int) (v >>> 32);
        int seq = (int) v;
        if (producer < 0 || producer >= lastSeq.length) {
            throw new AssertionError(who + " polled a value no producer offered: 0x" + Long.toHexString(v));
        }
        if (seq <= lastSeq[producer]) {
            throw new AssertionError(who + " polled producer " + producer + "'s value #" + seq + " after its #"
                    + lastSeq[producer] + ": FIFO order per producer violated (or a value polled twice)");
        }
        lastSeq[producer] = seq;
    }
}
