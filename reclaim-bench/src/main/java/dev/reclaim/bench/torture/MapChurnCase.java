package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Randomized puts, removes and gets on a map whose nodes live in a sanitizing allocator, by workers that each
 * own a partition of the keys (key mod threads) and keep a model of it, while they also read every other
 * partition and an iterator thread walks the whole map. Checks: no worker failed (a use after free throws),
 * every answer about a worker's own keys matches its model, every value read from another partition belongs
 * to that key, the final contents equal the union of the models, and nothing leaks after close. The stall
 * variant keeps a reader inside a guard for the whole run and checks the pending garbage against the scheme's
 * bound when it has one.
 */
final class MapChurnCase implements TortureCase {

    private final Scheme scheme;
    private final LongMap.Kind kind;
    private final int opsPerThread;
    private final int keyRange;
    private final boolean stall;

    MapChurnCase(Scheme scheme, LongMap.Kind kind, int opsPerThread, int keyRange, boolean stall) {
        this.scheme = scheme;
        this.kind = kind;
        this.opsPerThread = opsPerThread;
        this.keyRange = keyRange;
        this.stall = stall;
    }

    @Override
    public String name() {
        return (stall ? "stall " : "churn ") + kind.id() + "/" + scheme.id();
    }

    /** Values carry their key in the high bits, so a reader can tell a value that belongs to another key. */
    private static long valueFor(long key, long version) {
        return key << 24 | (version & 0xFF_FFFF);
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-" + kind.id()).sanitize(true).build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-" + kind.id() + "-" + scheme.id(), failures);
        LongMap map = kind.factory().apply(reclaimer, memory);
        try {
            List<Map<Long, Long>> models = new ArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            StalledReader staller = stall ? StalledReader.start(reclaimer, error) : null;
            Thread iterator = Thread.ofPlatform().name("torture-iterator").start(() -> {
                try {
                    while (!done.get()) {
                        map.forEach((k, v) -> {
                            if (v >> 24 != k) {
                                throw new AssertionError("iteration saw key " + k + " with a value of key " + (v >> 24));
                            }
                        });
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Map<Long, Long> model = new HashMap<>();
                models.add(model);
                workers.add(Thread.ofPlatform().name("torture-map-" + t).start(() -> {
                    Random random = new Random(seed * 17 + id);
                    try {
                        for (int i = 0; i < opsPerThread && error.get() == null; i++) {
                            long key = random.nextInt(keyRange);
                            boolean mine = key % threads == id;
                            int op = random.nextInt(10);
                            if (!mine || op < 4) {
                                long v = map.get(key);
                                if (v != LongMap.ABSENT && v >> 24 != key) {
                                    throw new AssertionError("get(" + key + ") returned a value of key " + (v >> 24));
                                }
                                if (mine) {
                                    expect(model.getOrDefault(key, LongMap.ABSENT), v, "get", key);
                                }
                            } else if (op < 7) {
                                long v = valueFor(key, i);
                                Long before = model.put(key, v);
                                expect(before == null ? LongMap.ABSENT : before, map.put(key, v), "put", key);
                            } else {
                                Long before = model.remove(key);
                                expect(before == null ? LongMap.ABSENT : before, map.remove(key), "remove", key);
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            long[] peaks = ChurnChecks.joinSamplingPeaks(workers, reclaimer, memory);
            // Guards open at once: the workers, the iterator and the stalled reader. The robust bound also counts
            // the most blocks live meanwhile: the allocator's peak is an upper bound (it includes the garbage).
            OptionalLong bound = Reclaimers.garbageBound(reclaimer, threads + 1 + (stall ? 1 : 0), peaks[1]);
            if (staller != null) {
                staller.release();
            }
            ChurnChecks.finish(workers, done, iterator, error);
            if (bound.isPresent() && peaks[0] > bound.getAsLong()) {
                throw new AssertionError("pending garbage peaked at " + peaks[0] + (stall ? " with" : " without")
                        + " a stalled reader, above the documented bound " + bound.getAsLong());
            }
            Map<Long, Long> expected = new HashMap<>();
            models.forEach(expected::putAll);
            Map<Long, Long> actual = new HashMap<>();
            map.forEach(actual::put);
            ChurnChecks.sameContents(expected, actual);
            map.close();
            reclaimer.close();
            if (failures.count() > 0) {
                throw new AssertionError("the reclaimer reported failures: " + failures.sample());
            }
            long live = memory.stats().liveBlocks();
            if (live != 0) {
                throw new AssertionError(live + " blocks still allocated after closing map and reclaimer");
            }
            memory.close(); // sanitizer: throws MemoryLeakException if anything is still live
            return String.format("%,d ops by %d threads over %,d keys + a concurrent iterator%s, %,d entries match the"
                            + " models, peak pending %,d%s", (long) threads * opsPerThread, threads, keyRange,
                    stall ? " + a stalled reader" : "", expected.size(), peaks[0],
                    bound.isPresent() ? " (bound " + bound.getAsLong() + ")" : "");
        } finally {
            Cleanup.closeQuietly(memory); // a failed run must not leave a sanitizing allocator open
        }
    }

    private static void expect(long expected, long actual, String op, long key) {
        if (expected != actual) {
            throw new AssertionError(op + "(" + key + ") returned " + actual + " but the owner's model says " + expected);
        }
    }
}
