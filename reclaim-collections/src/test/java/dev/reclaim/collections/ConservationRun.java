package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.Guard;
import dev.reclaim.testing.Workers;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ThreadFactory;

/**
 * A concurrent workload on a stack or a queue ({@link LongContainer}) that checks:
 * <ul>
 *   <li>conservation: every thread adds unique values ({@code threadId << 32 | seq}) and removes with a seeded
 *       coin; at the end every added value has been removed exactly once, by some thread or by the final
 *       drain;</li>
 *   <li>for a FIFO container, order per producer: the values of one producer that one consumer removes come out
 *       in increasing sequence order (each thread's removes are sequential, each producer's adds are
 *       sequential, so a linearizable FIFO queue can never invert them); the final drain sees them in order
 *       too.</li>
 * </ul>
 * Any exception in a worker (for example a {@code UseAfterFreeException} from the sanitizer) fails the run.
 */
final class ConservationRun {

    /** Returned by remove on empty; never added (added values are >= 0). */
    static final long EMPTY = Long.MIN_VALUE;

    private ConservationRun() {
    }

    /**
     * Runs the workload and checks it; the container is left empty (drained) and open.
     *
     * @param container    the stack or queue under test
     * @param threads      number of worker threads (each both producer and consumer)
     * @param opsPerThread add or remove operations per thread
     * @param addPercent   probability in percent that an operation is an add
     * @param seed         seed of the per-thread coins ({@code seed + threadId})
     * @param factory      creates the workers (platform or virtual)
     * @return the number of values added in total
     * @throws InterruptedException if interrupted
     */
    static long run(LongContainer container, int threads, int opsPerThread, int addPercent, long seed,
                    ThreadFactory factory) throws InterruptedException {
        return run(container, threads, opsPerThread, addPercent, seed, factory, 0);
    }

    /**
     * {@link #run(LongContainer, int, int, int, long, ThreadFactory)} with every worker running its operations in
     * batches of {@code guardEvery} under one guard it holds ({@link LongContainer#addUnder},
     * {@link LongContainer#removeUnder}); 0 lets every operation enter its own guard.
     */
    static long run(LongContainer container, int threads, int opsPerThread, int addPercent, long seed,
                    ThreadFactory factory, int guardEvery) throws InterruptedException {
        long[][] removed = new long[threads][opsPerThread];
        int[] removedCount = new int[threads];
        int[] addedCount = new int[threads];
        Workers.run(threads, factory, id -> {
            Random coin = new Random(seed + id);
            long[] mine = removed[id];
            int[] lastSeq = new int[threads];
            Arrays.fill(lastSeq, -1);
            int adds = 0;
            int removes = 0;
            Guard g = null;
            for (int i = 0; i < opsPerThread; i++) {
                if (guardEvery > 0 && i % guardEvery == 0) {
                    if (g != null) {
                        g.close();
                    }
                    g = container.reclaimer().enter();
                }
                if (coin.nextInt(100) < addPercent) {
                    long v = ((long) id << 32) | adds;
                    if (g == null) {
                        container.add(v);
                    } else {
                        container.addUnder(g, v);
                    }
                    adds++;
                } else {
                    long v = g == null ? container.remove(EMPTY) : container.removeUnder(g, EMPTY);
                    if (v != EMPTY) {
                        checkOrder(container, lastSeq, v, "consumer " + id);
                        mine[removes++] = v;
                    }
                }
            }
            if (g != null) {
                g.close();
            }
            addedCount[id] = adds;
            removedCount[id] = removes;
        }); // the workers' plain writes to the arrays are visible after run() returns (join)

        long totalAdded = 0;
        for (int c : addedCount) {
            totalAdded += c;
        }
        long[] expected = new long[Math.toIntExact(totalAdded)];
        int k = 0;
        for (int t = 0; t < threads; t++) {
            for (int s = 0; s < addedCount[t]; s++) {
                expected[k++] = ((long) t << 32) | s;
            }
        }
        long[] seen = new long[expected.length];
        k = 0;
        for (int t = 0; t < threads; t++) {
            int n = removedCount[t];
            if (k + n > seen.length) {
                throw new AssertionError("more values removed than added: " + (k + n) + " > " + seen.length);
            }
            System.arraycopy(removed[t], 0, seen, k, n);
            k += n;
        }
        assertEquals(seen.length - k, container.size(), "size estimate after all workers finished");
        int[] drainLast = new int[threads];
        Arrays.fill(drainLast, -1);
        for (long v; (v = container.remove(EMPTY)) != EMPTY; ) {
            if (k == seen.length) {
                throw new AssertionError("drain found a value that was never added or was removed twice: 0x"
                        + Long.toHexString(v));
            }
            checkOrder(container, drainLast, v, "the final drain");
            seen[k++] = v;
        }
        assertEquals(expected.length, k, "values added vs values removed (lost values)");
        Arrays.sort(seen);
        assertArrayEquals(expected, seen, "every added value must be removed exactly once");
        return totalAdded;
    }

    private static void checkOrder(LongContainer container, int[] lastSeq, long v, String who) {
        int producer = (int) (v >>> 32);
        int seq = (int) v;
        if (producer < 0 || producer >= lastSeq.length) {
            throw new AssertionError(who + " removed a value no producer added: 0x" + Long.toHexString(v));
        }
        if (!container.fifo()) {
            return;
        }
        if (seq <= lastSeq[producer]) {
            throw new AssertionError(who + " removed producer " + producer + "'s value #" + seq + " after its #"
                    + lastSeq[producer] + ": FIFO order per producer violated (or a value removed twice)");
        }
        lastSeq[producer] = seq;
    }
}
