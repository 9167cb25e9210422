package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.testing.Workers;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentMap;

/**
 * A seeded random concurrent workload run against one of our maps and a JDK concurrent map side by side, as a
 * differential test. Thread {@code t} of {@code T} is the only writer of the keys {@code k} with
 * {@code floorMod(k, T) == t} (interleaved, so threads write neighbouring nodes of the same list and bucket
 * runs), so every write's result is deterministic and compared with the JDK map's at once; reads go to every
 * key and check that a value found belongs to the key asked for. At the end the contents (by
 * {@code forEach}) and the size must equal the JDK map's. Any exception in a worker, e.g. a
 * {@code UseAfterFreeException} of a sanitizing allocator, fails the run.
 */
final class MapWorkloadRun {

    static final long ABSENT = Long.MIN_VALUE;

    private MapWorkloadRun() {
    }

    /**
     * Runs the workload; both maps are left with the final contents.
     *
     * @param keyRange     keys are in {@code [-keyRange/2, keyRange/2)}
     * @param updatePercent percentage of operations that write
     * @return the number of operations run
     * @throws InterruptedException if interrupted
     */
    static long run(LongLongMap ours, ConcurrentMap<Long, Long> jdk, int threads, int opsPerThread,
                    int keyRange, int updatePercent, long seed) throws InterruptedException {
        Workers.run(threads, Thread.ofPlatform().factory(), id -> {
            Random rnd = new Random(seed * 31 + id);
            for (int i = 0; i < opsPerThread; i++) {
                long k = rnd.nextInt(keyRange) - keyRange / 2;
                if (rnd.nextInt(100) >= updatePercent) {
                    long v = rnd.nextBoolean() ? ours.get(k, ABSENT) : (ours.containsKey(k) ? 0 : ABSENT);
                    if (v != ABSENT && v != 0 && (v >> 20) != k) {
                        throw new AssertionError("get(" + k + ") returned " + v + ", a value of key " + (v >> 20));
                    }
                    continue;
                }
                k = k - Math.floorMod(k, threads) + id; // my partition
                long v = (k << 20) | (i & 0xFFFFF);
                long expected;
                long got;
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> {
                        expected = or(jdk.put(k, v));
                        got = ours.put(k, v, ABSENT);
                    }
                    case 2 -> {
                        expected = or(jdk.putIfAbsent(k, v));
                        got = ours.putIfAbsent(k, v, ABSENT);
                    }
                    case 3 -> {
                        expected = or(jdk.remove(k));
                        got = ours.remove(k, ABSENT);
                    }
                    case 4 -> {
                        Long cur = jdk.get(k);
                        long exp = cur != null && rnd.nextBoolean() ? cur : v;
                        expected = jdk.replace(k, exp, v) ? 1 : 0;
                        got = ours.replace(k, exp, v) ? 1 : 0;
                    }
                    default -> {
                        expected = or(jdk.replace(k, v));
                        got = ours.replaceIfPresent(k, v, ABSENT);
                    }
                }
                if (expected != got) {
                    throw new AssertionError("thread " + id + " op " + i + " on key " + k + ": ours " + got
                            + ", JDK " + expected);
                }
            }
        });
        Map<Long, Long> contents = new HashMap<>();
        ours.forEach((k, v) -> {
            if (contents.put(k, v) != null) {
                throw new AssertionError("forEach delivered key " + k + " twice");
            }
        });
        assertEquals(new HashMap<>(jdk), contents, "final contents");
        assertEquals(jdk.size(), ours.size(), "final size estimate");
        return (long) threads * opsPerThread;
    }

    private static long or(Long v) {
        return v == null ? ABSENT : v;
    }
}
