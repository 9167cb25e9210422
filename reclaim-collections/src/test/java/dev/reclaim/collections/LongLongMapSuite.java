package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiFunction;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tests every {@link LongLongMap} passes: random operations against a {@link TreeMap}, compare-and-replace,
 * exhaustion of the allocator, a concurrent workload compared with a JDK concurrent map op by op, and everything
 * of {@link StructureSuite}. One subclass per map says how to make it and which of its traits apply.
 *
 * @param <M> the map under test
 */
abstract class LongLongMapSuite<M extends LongLongMap> extends StructureSuite<M> {

    /** The absent value the tests pass; never stored. */
    static final long A = Long.MIN_VALUE + 7;

    /**
     * Whether the map is a sorted list: {@code forEach} goes in ascending key order, operations cost O(n), so the
     * tests use small key ranges, and the JDK reference is a {@link ConcurrentSkipListMap}.
     *
     * @return true for {@link HarrisMichaelList}
     */
    boolean sortedList() {
        return false;
    }

    /**
     * Whether values live in the table itself: an update needs no memory even when the allocator is full, and
     * a removed key leaves its entry for reuse.
     *
     * @return true for {@link LongOpenHashMap}
     */
    boolean valuesInline() {
        return false;
    }

    /**
     * A suite for one map.
     *
     * @param factory makes the map
     */
    LongLongMapSuite(BiFunction<Reclaimer, SlabAllocator, M> factory) {
        super(factory, LongLongMap::isClosed);
    }

    @Override
    final void churn(M m, SlabAllocator allocator) {
        for (int i = 0; i < 3000; i++) {
            m.put(i % 700, i, A);
            if (i % 3 == 0) {
                m.remove((i * 7) % 700, A);
            }
        }
    }

    @Override
    final List<Executable> operations(M m) {
        return List.of(() -> m.get(1, A), () -> m.containsKey(1), () -> m.put(1, 1, A), () -> m.putIfAbsent(1, 1, A),
                () -> m.replaceIfPresent(1, 1, A), () -> m.replace(1, 1, 2), () -> m.remove(1, A),
                () -> m.removeIfEquals(1, 1), () -> m.forEach((k, v) -> { }), m::size, m::isEmpty);
    }

    @Override
    final LongUnaryOperator steadyState(M m) {
        int keys = sortedList() ? 32 : 4096;
        for (int k = 0; k < keys; k++) {
            m.put(k, k, -1); // the table has grown to its final size before measuring
        }
        return n -> {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                int k = (int) ((i * 7919L) % keys);
                switch (i & 7) {
                    case 0 -> sum += m.put(k, i, -1);     // update of a present key
                    case 1 -> {
                        sum += m.remove(k, -1);            // remove ...
                        sum += m.putIfAbsent(k, i, -1);    // ... and insert again
                    }
                    case 2 -> sum += m.replace(k, i, i + 1) ? 1 : 0;
                    case 3 -> sum += m.containsKey(k) ? 1 : 0;
                    default -> sum += m.get(k, -1);
                }
                if ((i & 0xFFFF) == 0) {
                    long[] acc = {0};
                    m.forEach((key, v) -> acc[0] += v); // one capturing lambda per call, not per entry
                    sum += acc[0] & 1;
                }
            }
            return sum;
        };
    }

    /** A million mixed operations (10% writes) by four threads, checked against a JDK map as in the differential. */
    @Override
    final String torture(M m) throws InterruptedException {
        int threads = 4;
        int totalOps = 1_000_000;
        ConcurrentMap<Long, Long> jdk = jdkMap();
        MapWorkloadRun.run(m, jdk, threads, totalOps / threads, sortedList() ? 16 : 1024, 10, 20240601L);
        return totalOps + " ops by " + threads + " threads, " + jdk.size() + " entries at the end";
    }

    private ConcurrentMap<Long, Long> jdkMap() {
        return sortedList() ? new ConcurrentSkipListMap<>() : new ConcurrentHashMap<>();
    }

    // ---------------------------------------------------------------- sequential

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void randomOperationsAgreeWithTreeMapIncludingIterationOrder(Scheme scheme) {
        // sanitizer mode where the scheme frees (the leak baseline has nothing freed to check)
        try (M m = create(check.reclaimer(scheme), check.allocator(b -> b.sanitize(Schemes.frees(scheme))))) {
            TreeMap<Long, Long> spec = new TreeMap<>();
            Random rnd = new Random(42);
            long[] keys = {Long.MIN_VALUE, Long.MAX_VALUE, -1, 0, 1, 2, 3, -5, 1L << 40, 17, 99, -99};
            for (int i = 0; i < 6_000; i++) {
                long k = rnd.nextInt(3) == 0 ? keys[rnd.nextInt(keys.length)] : rnd.nextInt(300) - 150;
                long v = rnd.nextInt(5);
                switch (rnd.nextInt(9)) {
                    case 0, 1 -> assertEquals(or(spec.put(k, v)), m.put(k, v, A), "put " + k);
                    case 2 -> assertEquals(or(spec.putIfAbsent(k, v)), m.putIfAbsent(k, v, A), "putIfAbsent " + k);
                    case 3 -> assertEquals(or(spec.remove(k)), m.remove(k, A), "remove " + k);
                    case 4 -> assertEquals(spec.remove(k, v), m.removeIfEquals(k, v), "removeIfEquals " + k);
                    case 5 -> {
                        long nv = rnd.nextInt(5);
                        assertEquals(spec.replace(k, v, nv), m.replace(k, v, nv), "replace " + k);
                    }
                    case 6 -> assertEquals(or(spec.replace(k, v)), m.replaceIfPresent(k, v, A), "replaceIfPresent");
                    case 7 -> assertEquals(or(spec.get(k)), m.get(k, A), "get " + k);
                    default -> assertEquals(spec.containsKey(k), m.containsKey(k), "containsKey " + k);
                }
                assertEquals(spec.size(), m.size(), "size after op " + i);
            }
            List<long[]> seen = new ArrayList<>();
            m.forEach((k, v) -> seen.add(new long[] {k, v}));
            if (sortedList()) {
                List<long[]> want = new ArrayList<>();
                spec.forEach((k, v) -> want.add(new long[] {k, v}));
                assertEquals(want.size(), seen.size());
                for (int i = 0; i < want.size(); i++) {
                    assertArrayEquals(want.get(i), seen.get(i), "entry " + i + " in ascending key order");
                }
            } else {
                Map<Long, Long> got = new HashMap<>();
                for (long[] e : seen) {
                    assertEquals(null, got.put(e[0], e[1]), "key " + e[0] + " delivered twice");
                }
                assertEquals(new HashMap<>(spec), got);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void compareAndReplaceSucceedsOnlyOnTheExpectedValue(Scheme scheme) {
        try (M m = create(check.reclaimer(scheme), check.allocator())) {
            assertFalse(m.replace(5, 0, 1), "absent key");
            m.put(5, 10, A);
            assertFalse(m.replace(5, 11, 12), "wrong expected value");
            assertEquals(10, m.get(5, A));
            assertTrue(m.replace(5, 10, 12));
            assertEquals(12, m.get(5, A));
            for (int i = 0; i < 1000; i++) { // a compute-style counter
                long v;
                do {
                    v = m.get(5, A);
                } while (!m.replace(5, v, v + 1));
            }
            assertEquals(1012, m.get(5, A));
            assertEquals(1, m.size());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void exhaustedAllocatorThrowsAndLosesNoEntry(Scheme scheme) {
        // sanitizer mode: capacity bounds live bytes exactly
        Reclaimer reclaimer = check.reclaimer(scheme);
        try (M m = create(reclaimer, check.allocator(b -> b.sanitize(true).capacity(16 << 10)))) {
            int inserted = 0;
            OffHeapExhaustedException full = null;
            for (int i = 0; i < 100_000 && full == null; i++) {
                try {
                    m.put(i, i * 3L, A);
                    inserted++;
                } catch (OffHeapExhaustedException e) {
                    full = e;
                }
            }
            assertTrue(full != null, "the allocator never filled up");
            assertTrue(full.getMessage().length() > 20, full.getMessage());
            assertEquals(inserted, m.size(), "entries counted after the failure");
            for (int i = 0; i < inserted; i++) {
                assertEquals(i * 3L, m.get(i, A), "entry " + i + " survived exhaustion");
            }
            assertEquals(A, m.get(inserted, A), "the failed put left nothing behind");
            if (valuesInline()) {
                assertEquals(0, m.put(0, 5, A), "in-place update despite exhaustion");
                assertEquals(5, m.put(0, 0, A));
            } else {
                assertThrows(OffHeapExhaustedException.class, () -> m.put(0, 5, A), "update needs a node too");
            }
            assertEquals(0, m.get(0, A), "failed update kept the old value");
            for (int i = 0; i < 50; i++) {
                m.remove(i, A);
            }
            reclaimer.synchronize();
            long again = valuesInline() ? 7 : inserted; // values inline: a removed key reuses its entry
            m.put(again, 1, A); // room again
            assertEquals(1, m.get(again, A));
        }
    }

    // ---------------------------------------------------------------- concurrent

    /**
     * The same seeded concurrent workload on the map and on a JDK concurrent map; every write's result and the
     * final contents must agree (see {@link MapWorkloadRun}). Fast-mode allocator, every scheme.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void concurrentWorkloadMatchesTheJdkMapOpByOpAndInFinalContents(Scheme scheme) throws InterruptedException {
        try (M ours = create(check.reclaimer(scheme), check.allocator())) {
            ConcurrentMap<Long, Long> jdk = jdkMap();
            int range = sortedList() ? 512 : 50_000;
            int ops = sortedList() ? 25_000 : 80_000;
            for (int round = 0; round < 2; round++) { // round 2 starts from round 1's contents
                MapWorkloadRun.run(ours, jdk, 4, ops, range, round == 0 ? 50 : 20, 7 + round);
            }
        }
    }

    private static long or(Long v) {
        return v == null ? A : v;
    }
}
