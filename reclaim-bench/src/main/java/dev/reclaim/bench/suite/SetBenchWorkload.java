package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The setbench-style map workloads {@code list} (our ordered list; default key range 2 000) and {@code hashmap}
 * (our hash map; default key range 1 000 000). One operation draws a key uniformly from {@code [0, key-range)}
 * and, with probability {@code update-ratio} (default 0.1), inserts it (put-if-absent) or removes it with equal
 * odds; otherwise it looks the key up. Each run starts from a fresh map prefilled with half the key range
 * (random distinct keys, inserted in random order), so inserts and removes keep it near half full. Baselines,
 * with boxed keys and values as a Java user would write them: {@code list} runs against {@code jdk-cslm}
 * ({@link ConcurrentSkipListMap}{@code <Long,Long>}, the JDK's ordered map), {@code hashmap} against
 * {@code jdk-chm} ({@link ConcurrentHashMap}{@code <Long,Long>}). Either accepts the other baseline too (add it
 * to the factory method's list); they are left out to keep {@code --quick} short.
 *
 * <p>Invariant checked at close: the map's size equals the prefill plus the successful inserts minus the
 * successful removes of all workers (no lost or duplicated key).
 *
 * <p>Our structures are plugged in through {@link OurMaps}; until then the workload runs only its baselines.
 */
final class SetBenchWorkload implements Workload {

    static final String CSLM = "jdk-cslm";
    static final String CHM = "jdk-chm";

    private final String id;
    private final String structure;
    private final int defaultKeyRange;
    private final List<String> baselines;
    private final LongMapAdapter.Factory ours;

    SetBenchWorkload(String id, String structure, int defaultKeyRange, List<String> baselines,
                             LongMapAdapter.Factory ours) {
        this.id = id;
        this.structure = structure;
        this.defaultKeyRange = defaultKeyRange;
        this.baselines = baselines;
        this.ours = ours;
    }

    /** The {@code list} workload: {@link OurMaps#HARRIS_MICHAEL_LIST}, key range 2 000, baseline jdk-cslm. */
    static SetBenchWorkload list() {
        return new SetBenchWorkload("list", "ordered list", 2_000, List.of(CSLM), OurMaps.HARRIS_MICHAEL_LIST);
    }

    /** The {@code hashmap} workload: {@link OurMaps#LONG_HASH_MAP}, key range 1 000 000, baseline jdk-chm. */
    static SetBenchWorkload hashmap() {
        return new SetBenchWorkload("hashmap", "hash map", 1_000_000, List.of(CHM), OurMaps.LONG_HASH_MAP);
    }

    /** The {@code openmap} workload: {@link OurMaps#LONG_OPEN_HASH_MAP}, key range 1 000 000, baseline jdk-chm. */
    static SetBenchWorkload openmap() {
        return new SetBenchWorkload("openmap", "open-addressing hash map", 1_000_000, List.of(CHM),
                OurMaps.LONG_OPEN_HASH_MAP);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return "setbench on the " + structure + ": a uniform random key; with the update ratio insert-if-absent or"
                + " remove (50/50), else get; prefilled to half the key range";
    }

    @Override
    public List<String> baselines() {
        return baselines;
    }

    @Override
    public List<String> schemeIds() {
        return ours == null ? List.of() : Workloads.schemeIds();
    }

    @Override
    public int defaultKeyRange() {
        return defaultKeyRange;
    }

    @Override
    public double defaultUpdateRatio() {
        return 0.1;
    }

    @Override
    public Trial open(String scheme, Params p) {
        return switch (scheme) {
            case CSLM -> new MapTrial(p, LongMapAdapter.of(new ConcurrentSkipListMap<>()), null, null);
            case CHM -> new MapTrial(p, LongMapAdapter.of(new ConcurrentHashMap<>()), null, null);
            default -> {
                if (ours == null) {
                    throw new IllegalStateException(id + ": our " + structure + " is not plugged in yet (see"
                            + " OurMaps); run the baselines " + baselines() + " only");
                }
                SlabAllocator allocator = Trials.allocator("bench-" + id, p);
                Reclaimer reclaimer = Scheme.fromId(scheme).create();
                LongMapAdapter map;
                try {
                    map = ours.create(reclaimer, allocator);
                } catch (RuntimeException e) {
                    reclaimer.close();
                    allocator.close();
                    throw e;
                }
                yield new MapTrial(p, map, reclaimer, allocator);
            }
        };
    }

    /** One run on one map: prefill, the setbench workers, and the size invariant. */
    private final class MapTrial implements Trial {
        private final Params p;
        private final LongMapAdapter map;
        private final Reclaimer reclaimer;
        private final SlabAllocator allocator;
        private final MapWorker[] workers;
        private final long prefilled;

        MapTrial(Params p, LongMapAdapter map, Reclaimer reclaimer, SlabAllocator allocator) {
            this.p = p;
            this.map = map;
            this.reclaimer = reclaimer;
            this.allocator = allocator;
            this.workers = new MapWorker[p.threads()];
            // Half the keys of a seeded random permutation (Fisher-Yates), so the prefill costs exactly
            // keyRange/2 inserts in random order (a sorted prefill would be a best case for some structures).
            SplittableRandom rnd = new SplittableRandom(p.seed() ^ 0x5E7BE4C4L);
            int[] keys = new int[p.keyRange()];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i;
            }
            int half = keys.length / 2;
            for (int i = 0; i < half; i++) {
                int j = i + rnd.nextInt(keys.length - i);
                int k = keys[j];
                keys[j] = keys[i];
                keys[i] = k;
                if (!map.put(k, k + 1L)) {
                    throw new IllegalStateException(id + ": prefill insert of fresh key " + k + " failed");
                }
            }
            this.prefilled = half;
        }

        @Override
        public Worker worker(int index) {
            MapWorker w = new MapWorker(map, p, index);
            workers[index] = w;
            return w;
        }

        @Override
        public Reclaimer reclaimer() {
            return reclaimer;
        }

        @Override
        public void close() {
            // The harness joined the workers before close(): their plain counters are visible here.
            long expected = prefilled;
            for (MapWorker w : workers) {
                if (w != null) {
                    expected += w.inserted - w.removed;
                }
            }
            long size = map.size();
            map.close();
            if (reclaimer != null) {
                Trials.closeAndCheck(reclaimer, allocator, id);
            }
            if (size != expected) {
                throw new IllegalStateException(id + ": " + size + " keys in the map after the run, expected "
                        + expected + " (prefill + successful inserts - successful removes): a key was lost or"
                        + " duplicated");
            }
        }
    }

    /** setbench's loop body; counts successful updates for the size invariant. Allocates nothing itself. */
    private static final class MapWorker implements Worker {
        private final LongMapAdapter map;
        private final SplittableRandom rnd;
        private final int keyRange;
        private final int threshold;
        private long inserted;
        private long removed;

        MapWorker(LongMapAdapter map, Params p, int index) {
            this.map = map;
            this.rnd = new SplittableRandom(p.seed() + index);
            this.keyRange = p.keyRange();
            this.threshold = (int) Math.round(Math.max(0, p.updateRatio()) * (1 << 24));
        }

        @Override
        public void run(int ops) {
            long sink = 0;
            for (int i = 0; i < ops; i++) {
                long key = rnd.nextInt(keyRange);
                int coin = rnd.nextInt(1 << 24);
                if (coin < threshold) {
                    if ((coin & 1) == 0) {
                        if (map.put(key, key + 1)) {
                            inserted++;
                        }
                    } else if (map.remove(key)) {
                        removed++;
                    }
                } else {
                    sink += map.get(key);
                }
            }
            Blackhole.consume(sink);
        }
    }
}
