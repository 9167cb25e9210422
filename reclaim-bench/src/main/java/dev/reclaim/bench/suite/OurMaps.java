package dev.reclaim.bench.suite;

/**
 * The plug-in points of our off-heap maps into the {@code list} and {@code hashmap} workloads.
 *
 * <p>While a factory is {@code null}, its workload runs only the JDK baselines (its
 * {@link Workload#schemeIds()} is empty). Setting it to a factory makes the workload run that structure with
 * every reclamation scheme; nothing else needs to change. Each adapter maps setbench's operations onto the
 * structure: {@code get} (or {@link LongMapAdapter#MISSING}), insert-if-absent, remove, an exact quiescent
 * size, and {@code close()} of the structure alone (the trial closes the reclaimer and the allocator after it
 * and checks that no block is left).
 */
final class OurMaps {

    private OurMaps() {
    }

    // ===================================================================================== PLUG-IN POINTS
    // Replace a null by a factory once the structure exists, e.g. for HarrisMichaelList:
    //
    //   static final LongMapAdapter.Factory HARRIS_MICHAEL_LIST = (reclaimer, allocator) -> {
    //       dev.reclaim.collections.HarrisMichaelList m =
    //               new dev.reclaim.collections.HarrisMichaelList(reclaimer, allocator);
    //       return new LongMapAdapter() {
    //           public long get(long k) { return m.get(k, MISSING); }
    //           public boolean put(long k, long v) { return m.putIfAbsent(k, v); }
    //           public boolean remove(long k) { return m.remove(k); }
    //           public long size() { return m.size(); }
    //           public void close() { m.close(); }
    //       };
    //   };
    //
    // (adjust the five method calls to the structure's actual API), and the same for LongHashMap.

    /** {@code list} workload: our ordered list (issue 6). PLUG-IN POINT: null = baselines only. */
    static final LongMapAdapter.Factory HARRIS_MICHAEL_LIST = null;

    /** {@code hashmap} workload: our hash map (issue 6). PLUG-IN POINT: null = baselines only. */
    static final LongMapAdapter.Factory LONG_HASH_MAP = null;
}
