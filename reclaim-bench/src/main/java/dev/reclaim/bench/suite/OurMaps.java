package dev.reclaim.bench.suite;

import dev.reclaim.collections.HarrisMichaelList;
import dev.reclaim.collections.LongHashMap;
import dev.reclaim.collections.LongLongMap;
import dev.reclaim.collections.LongOpenHashMap;

/**
 * The plug-in points of our off-heap maps into the {@code list}, {@code hashmap} and {@code openmap} workloads.
 *
 * <p>A {@code null} factory would make its workload run only the JDK baselines (its
 * {@link Workload#schemeIds()} is empty); a factory makes the workload run that structure with every
 * reclamation scheme. Each adapter maps setbench's operations onto the
 * structure: {@code get} (or {@link LongMapAdapter#MISSING}), insert-if-absent, remove, an exact quiescent
 * size, and {@code close()} of the structure alone (the trial closes the reclaimer and the allocator after it
 * and checks that no block is left).
 */
final class OurMaps {

    private OurMaps() {
    }

    /** {@code list} workload: our ordered list. */
    static final LongMapAdapter.Factory HARRIS_MICHAEL_LIST = (reclaimer, allocator) ->
            adapt(new HarrisMichaelList(reclaimer, allocator));

    /** {@code hashmap} workload: our split-ordered hash map. */
    static final LongMapAdapter.Factory LONG_HASH_MAP = (reclaimer, allocator) ->
            adapt(new LongHashMap(reclaimer, allocator));

    /** {@code openmap} workload: our open-addressing hash map. */
    static final LongMapAdapter.Factory LONG_OPEN_HASH_MAP = (reclaimer, allocator) ->
            adapt(new LongOpenHashMap(reclaimer, allocator));

    /** setbench's operations on any of our maps. */
    private static LongMapAdapter adapt(LongLongMap m) {
        return new LongMapAdapter() {
            @Override
            public long get(long key) {
                return m.get(key, MISSING);
            }

            @Override
            public boolean put(long key, long value) {
                return m.putIfAbsent(key, value, MISSING) == MISSING;
            }

            @Override
            public boolean remove(long key) {
                return m.remove(key, MISSING) != MISSING;
            }

            @Override
            public long size() {
                return m.size();
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }
}
