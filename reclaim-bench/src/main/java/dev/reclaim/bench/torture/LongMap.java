package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.collections.HarrisMichaelList;
import dev.reclaim.collections.LongHashMap;
import dev.reclaim.collections.LongOpenHashMap;
import dev.reclaim.collections.LongLongMap;
import dev.reclaim.memory.SlabAllocator;

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
