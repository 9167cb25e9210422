package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.HashMap;
import java.util.stream.Stream;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linearizability of {@link HarrisMichaelList} and {@link LongHashMap} against a {@link HashMap}, with
 * Lincheck's stress strategy (model checking cannot see off-heap races), for every scheme. A tiny key range
 * makes operations collide on the same nodes; the map starts with the smallest table so that growth and bucket
 * initialisation race with the operations too.
 */
class OrderedMapLincheckTest {

    /** The absent value of every operation, for the structures and the specification alike. */
    static final long ABSENT = -1;

    private static volatile Reclaimer reclaimer;
    private static volatile SlabAllocator allocator;
    private static volatile OrderedMaps kind;

    /** What Lincheck runs: one structure per invocation on the shared reclaimer and allocator (see Treiber's). */
    @Param(name = "key", gen = LongGen.class, conf = "1:4")
    @Param(name = "value", gen = LongGen.class, conf = "1:3")
    public static final class MapUnderTest {
        private final OrderedMaps.LongMap map = kind.create(reclaimer, allocator);

        /** Lincheck instantiates this class reflectively. */
        public MapUnderTest() {
        }

        /**
         * get.
         *
         * @param key the key
         * @return the value or {@link #ABSENT}
         */
        @Operation
        public long get(@Param(name = "key") long key) {
            return map.get(key, ABSENT);
        }

        /**
         * containsKey.
         *
         * @param key the key
         * @return whether present
         */
        @Operation
        public boolean containsKey(@Param(name = "key") long key) {
            return map.containsKey(key);
        }

        /**
         * put.
         *
         * @param key   the key
         * @param value the value
         * @return the previous value or {@link #ABSENT}
         */
        @Operation
        public long put(@Param(name = "key") long key, @Param(name = "value") long value) {
            return map.put(key, value, ABSENT);
        }

        /**
         * putIfAbsent.
         *
         * @param key   the key
         * @param value the value
         * @return the present value or {@link #ABSENT}
         */
        @Operation
        public long putIfAbsent(@Param(name = "key") long key, @Param(name = "value") long value) {
            return map.putIfAbsent(key, value, ABSENT);
        }

        /**
         * remove.
         *
         * @param key the key
         * @return the removed value or {@link #ABSENT}
         */
        @Operation
        public long remove(@Param(name = "key") long key) {
            return map.remove(key, ABSENT);
        }

        /**
         * Compare-and-replace.
         *
         * @param key      the key
         * @param expected the expected value
         * @param value    the new value
         * @return whether replaced
         */
        @Operation
        public boolean replace(@Param(name = "key") long key, @Param(name = "value") long expected,
                               @Param(name = "value") long value) {
            return map.replace(key, expected, value);
        }
    }

    /** The sequential specification on {@link HashMap}. */
    public static final class SequentialMap {
        private final HashMap<Long, Long> map = new HashMap<>();

        /** Creates an empty specification. */
        public SequentialMap() {
        }

        /**
         * get.
         *
         * @param key the key
         * @return the value or {@link #ABSENT}
         */
        public long get(long key) {
            return map.getOrDefault(key, ABSENT);
        }

        /**
         * containsKey.
         *
         * @param key the key
         * @return whether present
         */
        public boolean containsKey(long key) {
            return map.containsKey(key);
        }

        /**
         * put.
         *
         * @param key   the key
         * @param value the value
         * @return the previous value or {@link #ABSENT}
         */
        public long put(long key, long value) {
            Long v = map.put(key, value);
            return v == null ? ABSENT : v;
        }

        /**
         * putIfAbsent.
         *
         * @param key   the key
         * @param value the value
         * @return the present value or {@link #ABSENT}
         */
        public long putIfAbsent(long key, long value) {
            Long v = map.putIfAbsent(key, value);
            return v == null ? ABSENT : v;
        }

        /**
         * remove.
         *
         * @param key the key
         * @return the removed value or {@link #ABSENT}
         */
        public long remove(long key) {
            Long v = map.remove(key);
            return v == null ? ABSENT : v;
        }

        /**
         * Compare-and-replace.
         *
         * @param key      the key
         * @param expected the expected value
         * @param value    the new value
         * @return whether replaced
         */
        public boolean replace(long key, long expected, long value) {
            return map.replace(key, expected, value);
        }
    }

    static Stream<Arguments> cases() {
        return Stream.of(OrderedMaps.values()).flatMap(k -> Schemes.all().map(s -> Arguments.of(k, s)));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void operationsAreLinearizableUnderStress(OrderedMaps structure, Scheme scheme) {
        SlabAllocator a = SlabAllocator.builder().name("lincheck-" + structure + "-" + scheme.id())
                .capacity(256L << 20).build();
        Reclaimer r = scheme.create();
        allocator = a;
        reclaimer = r;
        kind = structure;
        long t0 = System.nanoTime();
        try {
            new StressOptions()
                    .iterations(10)
                    .invocationsPerIteration(1_500)
                    .threads(3)
                    .actorsPerThread(3)
                    .actorsBefore(2)
                    .actorsAfter(1)
                    .sequentialSpecification(SequentialMap.class)
                    .check(MapUnderTest.class);
        } finally {
            System.out.printf("lincheck stress %s %s: %d ms%n", structure, scheme.id(),
                    (System.nanoTime() - t0) / 1_000_000);
            r.close();
            a.close();
        }
    }
}
