package dev.reclaim.collections;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.stream.Stream;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Linearizability of {@link BytesHashMap} against a {@link HashMap} of small ints, with Lincheck's stress
 * strategy (model checking cannot see off-heap races), for every scheme. Key {@code k} is {@code 5k} bytes
 * (5 to 20: partial and whole 8-byte words), value {@code v} is {@code 3v + 1} bytes; a read decodes the bytes
 * back to the int and answers a distinct error code for bytes that are not exactly some value's encoding, so a
 * torn or stale-freed read fails the check. With {@code hashMask = 1} the four keys share two hash blobs, so
 * writes copy entries of other keys and removes shrink multi-entry blobs.
 */
class BytesHashMapLincheckTest extends LincheckSuite {

    /** What a get answers for an absent key, in both the structure and the specification. */
    static final int ABSENT = -1;
    /** What a get answers for bytes that are not a value's encoding (never in the specification). */
    static final int CORRUPT = -2;

    BytesHashMapLincheckTest() {
        super((r, a, hashMask) -> new BytesHashMap(r, a, 0, (Long) hashMask), Operations.class, Specification.class);
    }

    /** Hash masks: -1 (real hashes) and 1 (the four keys share two blobs). */
    @Override
    Stream<Object> variants() {
        return Stream.of(-1L, 1L);
    }

    @Override
    StressOptions options() {
        return new StressOptions().iterations(6).invocationsPerIteration(1_000).actorsAfter(1);
    }

    static MemorySegment key(int k) {
        byte[] b = new byte[5 * k];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (k * 31 + i);
        }
        return MemorySegment.ofArray(b);
    }

    static MemorySegment value(int v) {
        byte[] b = new byte[3 * v + 1];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (v * 17 + i);
        }
        return MemorySegment.ofArray(b);
    }

    /** The int whose {@link #value} these {@code len} bytes are, or {@link #CORRUPT}. */
    static int decode(byte[] buf, long len) {
        if (len < 1 || (len - 1) % 3 != 0) {
            return CORRUPT;
        }
        int v = (int) ((len - 1) / 3);
        for (int i = 0; i < len; i++) {
            if (buf[i] != (byte) (v * 17 + i)) {
                return CORRUPT;
            }
        }
        return v;
    }

    /** What Lincheck runs: one map per invocation (see {@link LincheckSuite#make()}). */
    @Param(name = "key", gen = IntGen.class, conf = "1:4")
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static final class Operations {
        private final BytesHashMap map = LincheckSuite.make();

        /** Lincheck instantiates this class reflectively. */
        public Operations() {
        }

        /**
         * get, decoded.
         *
         * @param k the key
         * @return the value, {@link #ABSENT} or {@link #CORRUPT}
         */
        @Operation
        public int get(@Param(name = "key") int k) {
            byte[] buf = new byte[32];
            long len = map.get(key(k), MemorySegment.ofArray(buf));
            return len < 0 ? ABSENT : decode(buf, len);
        }

        /**
         * containsKey.
         *
         * @param k the key
         * @return whether present
         */
        @Operation
        public boolean containsKey(@Param(name = "key") int k) {
            return map.containsKey(key(k));
        }

        /**
         * put.
         *
         * @param k the key
         * @param v the value
         * @return whether inserted (absent before)
         */
        @Operation
        public boolean put(@Param(name = "key") int k, @Param(name = "value") int v) {
            return map.put(key(k), value(v));
        }

        /**
         * putIfAbsent.
         *
         * @param k the key
         * @param v the value
         * @return whether inserted
         */
        @Operation
        public boolean putIfAbsent(@Param(name = "key") int k, @Param(name = "value") int v) {
            return map.putIfAbsent(key(k), value(v));
        }

        /**
         * remove.
         *
         * @param k the key
         * @return whether it was present
         */
        @Operation
        public boolean remove(@Param(name = "key") int k) {
            return map.remove(key(k));
        }
    }

    /** The sequential specification on {@link HashMap}. */
    public static final class Specification {
        private final HashMap<Integer, Integer> map = new HashMap<>();

        /** Creates an empty specification. */
        public Specification() {
        }

        /**
         * get.
         *
         * @param k the key
         * @return the value or {@link #ABSENT}
         */
        public int get(int k) {
            return map.getOrDefault(k, ABSENT);
        }

        /**
         * containsKey.
         *
         * @param k the key
         * @return whether present
         */
        public boolean containsKey(int k) {
            return map.containsKey(k);
        }

        /**
         * put.
         *
         * @param k the key
         * @param v the value
         * @return whether absent before
         */
        public boolean put(int k, int v) {
            return map.put(k, v) == null;
        }

        /**
         * putIfAbsent.
         *
         * @param k the key
         * @param v the value
         * @return whether inserted
         */
        public boolean putIfAbsent(int k, int v) {
            return map.putIfAbsent(k, v) == null;
        }

        /**
         * remove.
         *
         * @param k the key
         * @return whether present
         */
        public boolean remove(int k) {
            return map.remove(k) != null;
        }
    }
}
