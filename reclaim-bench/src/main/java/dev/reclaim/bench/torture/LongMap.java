package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.collections.HarrisMichaelList;
import dev.reclaim.collections.LongHashMap;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.collections.LongLongMap;
import dev.reclaim.memory.SlabAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * The map structures the torture drives (long keys to long values), behind the operations the map cases
 * use. New maps register here with one line in {@link #KINDS}.
 */
interface LongMap extends AutoCloseable {

    /** Returned for an absent key; never stored as a value. */
    long ABSENT = Long.MIN_VALUE;

    /**
     * @param key the key
     * @return its value or {@link #ABSENT}
     */
    long get(long key);

    /**
     * @param key   the key
     * @param value the value, never {@link #ABSENT}
     * @return the previous value or {@link #ABSENT}
     */
    long put(long key, long value);

    /**
     * @param key the key
     * @return the removed value or {@link #ABSENT}
     */
    long remove(long key);

    /**
     * Weakly consistent iteration.
     *
     * @param action called with each key and value
     */
    void forEach(BiConsumer<Long, Long> action);

    /** Frees the map's nodes (the map must be quiescent). */
    @Override
    void close();

    /**
     * A kind of map: its id and how to make one.
     *
     * @param id      the workload id, e.g. {@code hashmap}
     * @param keys    the key range of the torture (a list walks half of it per operation, and every access
     *                is checked by the sanitizer, so lists get a small range)
     * @param factory makes an empty map over a reclaimer and an allocator
     */
    record Kind(String id, int keys, BiFunction<Reclaimer, SlabAllocator, LongMap> factory) {
    }

    /** Every map kind the torture runs. */
    List<Kind> KINDS = List.of(
            new Kind("list", 256, (r, a) -> of(new HarrisMichaelList(r, a))),
            new Kind("hashmap", 4_096, (r, a) -> of(new LongHashMap(r, a))),
            new Kind("openmap", 4_096, (r, a) -> of(new LongOpenHashMap(r, a))));

    /**
     * The bytes map as a long map, for the stall and exhaustion cases (its own churn case,
     * {@link BytesMapChurnCase}, drives variable-length keys and values).
     */
    Kind BYTES = new Kind("bytesmap", 4_096, (r, a) -> of(new BytesHashMap(r, a)));

    /** Every map the stall and exhaustion cases run: {@link #KINDS} and the bytes map. */
    List<Kind> ALL_KINDS = List.of(KINDS.get(0), KINDS.get(1), KINDS.get(2), BYTES);

    /**
     * The torture's view of the bytes map: 8-byte keys and values holding the longs. {@code put} and
     * {@code remove} read the previous value first, so their answer is exact only while no other thread writes
     * that key (the cases give each key one writer).
     *
     * @param m the map
     * @return the adapter
     */
    static LongMap of(BytesHashMap m) {
        return new LongMap() {
            private static MemorySegment segment(long v) {
                MemorySegment s = MemorySegment.ofArray(new byte[8]);
                s.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, v);
                return s;
            }

            @Override
            public long get(long key) {
                MemorySegment out = MemorySegment.ofArray(new byte[8]);
                long len = m.get(segment(key), out);
                if (len < 0) {
                    return ABSENT;
                }
                if (len != 8) {
                    throw new AssertionError("bytes map: key " + key + " holds " + len + " bytes, 8 were put");
                }
                return out.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            }

            @Override
            public long put(long key, long value) {
                long before = get(key);
                m.put(segment(key), segment(value));
                return before;
            }

            @Override
            public long remove(long key) {
                long before = get(key);
                m.remove(segment(key));
                return before;
            }

            @Override
            public void forEach(BiConsumer<Long, Long> action) {
                m.forEach((k, v) -> action.accept(k.get(ValueLayout.JAVA_LONG_UNALIGNED, 0),
                        v.get(ValueLayout.JAVA_LONG_UNALIGNED, 0)));
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }

    /**
     * The torture's view of one of our maps.
     *
     * @param m the map
     * @return the adapter
     */
    static LongMap of(LongLongMap m) {
        return new LongMap() {
            @Override
            public long get(long key) {
                return m.get(key, ABSENT);
            }

            @Override
            public long put(long key, long value) {
                return m.put(key, value, ABSENT);
            }

            @Override
            public long remove(long key) {
                return m.remove(key, ABSENT);
            }

            @Override
            public void forEach(BiConsumer<Long, Long> action) {
                m.forEach(action::accept);
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }
}
