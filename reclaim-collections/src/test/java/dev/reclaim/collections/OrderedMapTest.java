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
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Single-threaded behaviour of {@link HarrisMichaelList} and {@link LongHashMap}, for every scheme. */
class OrderedMapTest {

    static final long A = Long.MIN_VALUE + 7; // the absent value the tests pass; never stored

    static Stream<Arguments> structuresAndSchemes() {
        return Stream.of(OrderedMaps.values())
                .flatMap(s -> Schemes.all().map(sc -> Arguments.of(s, sc)));
    }

    static Stream<Arguments> structuresAndFreeingSchemes() {
        return Stream.of(OrderedMaps.values())
                .flatMap(s -> Schemes.freeing().map(sc -> Arguments.of(s, sc)));
    }

    @ParameterizedTest
    @MethodSource("structuresAndSchemes")
    void randomOperationsAgreeWithTreeMapIncludingIterationOrder(OrderedMaps kind, Scheme scheme) {
        // sanitizer mode where the scheme frees (the leak baseline would fail the allocator's leak check)
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(Schemes.frees(scheme)).build();
             Reclaimer reclaimer = scheme.create();
             OrderedMaps.LongMap m = kind.create(reclaimer, allocator)) {
            TreeMap<Long, Long> spec = new TreeMap<>();
            Random rnd = new Random(42 + kind.ordinal());
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
            if (kind == OrderedMaps.LIST) {
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
    @MethodSource("structuresAndSchemes")
    void compareAndReplaceSucceedsOnlyOnTheExpectedValue(OrderedMaps kind, Scheme scheme) {
        try (SlabAllocator allocator = SlabAllocator.create();
             Reclaimer reclaimer = scheme.create();
             OrderedMaps.LongMap m = kind.create(reclaimer, allocator)) {
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
    @MethodSource("structuresAndFreeingSchemes")
    void closingStructureThenReclaimerFreesEveryBlock(OrderedMaps kind, Scheme scheme) {
        SlabAllocator allocator = SlabAllocator.builder().sanitize(true).build();
        Reclaimer reclaimer = scheme.create();
        OrderedMaps.LongMap m = kind.create(reclaimer, allocator);
        for (int i = 0; i < 3000; i++) {
            m.put(i % 700, i, A);
            if (i % 3 == 0) {
                m.remove((i * 7) % 700, A);
            }
        }
        m.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(), () -> "leaked: " + allocator.liveBlocks());
        allocator.close();
    }

    @ParameterizedTest
    @MethodSource("structuresAndSchemes")
    void useAfterCloseThrowsNamingTheFix(OrderedMaps kind, Scheme scheme) {
        try (SlabAllocator allocator = SlabAllocator.create(); Reclaimer reclaimer = scheme.create()) {
            OrderedMaps.LongMap m = kind.create(reclaimer, allocator);
            m.put(1, 1, A);
            m.close();
            assertTrue(m.isClosed());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.get(1, A));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> m.put(1, 1, A));
            assertThrows(IllegalStateException.class, () -> m.remove(1, A));
            assertThrows(IllegalStateException.class, () -> m.forEach((k, v) -> { }));
            assertThrows(IllegalStateException.class, m::size);
            assertThrows(IllegalStateException.class, m::close);
        }
    }

    @ParameterizedTest
    @MethodSource("structuresAndFreeingSchemes")
    void exhaustedAllocatorThrowsAndLosesNoEntry(OrderedMaps kind, Scheme scheme) {
        // sanitizer mode: capacity bounds live bytes exactly
        try (SlabAllocator allocator = SlabAllocator.builder().sanitize(true).capacity(16 << 10).build();
             Reclaimer reclaimer = scheme.create();
             OrderedMaps.LongMap m = kind.create(reclaimer, allocator)) {
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
            int upd = inserted;
            if (kind == OrderedMaps.OPEN) { // values are inline: an update needs no memory
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
            long again = kind == OrderedMaps.OPEN ? 7 : upd; // OPEN: a removed key reuses its entry
            m.put(again, 1, A); // room again
            assertEquals(1, m.get(again, A));
        }
    }

    private static long or(Long v) {
        return v == null ? A : v;
    }
}
