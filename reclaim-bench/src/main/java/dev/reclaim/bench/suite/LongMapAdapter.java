package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;

import java.util.concurrent.ConcurrentMap;

/**
 * What the setbench-style {@code list} and {@code hashmap} workloads need from a concurrent map of
 * {@code long -> long}: the three setbench operations plus a size for the invariant check. Our off-heap
 * structures and the JDK baselines are both driven through it, so one loop measures all of them. Package
 * private: a bench seam, not an API.
 */
interface LongMapAdapter extends AutoCloseable {

    /** What {@link #get(long)} returns for an absent key (never stored by the workloads). */
    long MISSING = Long.MIN_VALUE;

    /**
     * The value mapped to {@code key}.
     *
     * @param key the key
     * @return the value, or {@link #MISSING}
     */
    long get(long key);

    /**
     * setbench's insert: maps {@code key} to {@code value} if the key is absent (put-if-absent).
     *
     * @param key   the key
     * @param value the value
     * @return {@code true} if the key was absent and is now mapped
     */
    boolean put(long key, long value);

    /**
     * setbench's delete.
     *
     * @param key the key
     * @return {@code true} if the key was present and is now removed
     */
    boolean remove(long key);

    /**
     * The number of keys; called only while no operation runs (after the workers joined), so it must be exact
     * then.
     *
     * @return the number of keys
     */
    long size();

    /** Frees the structure (not its reclaimer or allocator, which the trial closes after it). */
    @Override
    void close();

    /** Creates one of our off-heap maps on a reclaimer and an allocator (both owned by the trial). */
    @FunctionalInterface
    interface Factory {
        /**
         * Creates the map.
         *
         * @param reclaimer the scheme under test
         * @param allocator where the nodes live
         * @return the adapter
         */
        LongMapAdapter create(Reclaimer reclaimer, SlabAllocator allocator);
    }

    /**
     * A JDK map of boxed keys and values ({@code jdk-chm}, {@code jdk-cslm}): what a Java user writes today, so
     * the boxing and the map's nodes count as its heap allocation per operation.
     *
     * @param map the empty map
     * @return the adapter
     */
    static LongMapAdapter of(ConcurrentMap<Long, Long> map) {
        return new LongMapAdapter() {
            @Override
            public long get(long key) {
                Long v = map.get(key);
                return v == null ? MISSING : v;
            }

            @Override
            public boolean put(long key, long value) {
                return map.putIfAbsent(key, value) == null;
            }

            @Override
            public boolean remove(long key) {
                return map.remove(key) != null;
            }

            @Override
            public long size() {
                return map.size();
            }

            @Override
            public void close() {
                map.clear();
            }
        };
    }
}
