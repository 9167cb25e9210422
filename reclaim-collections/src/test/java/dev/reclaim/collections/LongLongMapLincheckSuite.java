package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
import java.util.HashMap;
import java.util.function.BiFunction;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Linearizability of a {@link LongLongMap} against a {@link HashMap}. A tiny key range makes operations collide
 * on the same nodes; the subclasses start their maps with the smallest table so that growth, bucket
 * initialisation and resizes race with the operations too.
 */
abstract class LongLongMapLincheckSuite extends LincheckSuite {

    /** The absent value of every operation, for the structures and the specification alike. */
    static final long ABSENT = -1;

    /**
     * A suite for one map.
     *
     * @param factory makes the map
     */
    LongLongMapLincheckSuite(BiFunction<Reclaimer, SlabAllocator, LongLongMap> factory) {
        super((r, a, variant) -> factory.apply(r, a), Operations.class, Specification.class);
    }

    @Override
    final StressOptions options() {
        return new StressOptions().iterations(10).invocationsPerIteration(1_500).actorsAfter(1);
    }

    /** What Lincheck runs: one map per invocation (see {@link LincheckSuite#make()}). */
    @Param(name = "key", gen = LongGen.class, conf = "1:4")
    @Param(name = "value", gen = LongGen.class, conf = "1:3")
    public static final class Operations {
        private final LongLongMap map = LincheckSuite.make();

        /** Lincheck instantiates this class reflectively. */
        public Operations() {
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
    public static final class Specification {
        private final HashMap<Long, Long> map = new HashMap<>();

        /** Creates an empty specification. */
        public Specification() {
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
}
