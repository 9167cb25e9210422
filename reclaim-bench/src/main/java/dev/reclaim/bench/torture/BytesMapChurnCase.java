package dev.reclaim.bench.torture;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.BytesHashMap;
import dev.reclaim.memory.SlabAllocator;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link MapChurnCase} for {@link BytesHashMap}: randomized get/put/putIfAbsent/remove on byte-string keys of
 * 4 to 16 bytes and values of 8 to 24 bytes, in a sanitizing allocator, by workers that each own a partition of
 * the keys (key mod threads) and keep a model of it, while they also read every other partition and an iterator
 * thread walks the whole map. Values encode their key and a version, with a filler derived from the version, so
 * any read can tell a value of another key, or a torn or freed one. Checks: no worker failed (a use after free
 * throws), every answer about a worker's own keys matches its model, every value read anywhere is a whole value
 * of its key, the final contents equal the union of the models, and nothing leaks after close.
 */
final class BytesMapChurnCase implements TortureCase {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final Scheme scheme;
    private final int opsPerThread;
    private final int keyRange;

    BytesMapChurnCase(Scheme scheme, int opsPerThread, int keyRange) {
        this.scheme = scheme;
        this.opsPerThread = opsPerThread;
        this.keyRange = keyRange;
    }

    @Override
    public String name() {
        return "churn bytesmap/" + scheme.id();
    }

    /** Key {@code k}: its int, then {@code k % 13} filler bytes. */
    static MemorySegment key(int k) {
        MemorySegment s = MemorySegment.ofArray(new byte[4 + k % 13]);
        s.set(INT, 0, k);
        for (int i = 4; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (k + i));
        }
        return s;
    }

    /** The value of key {@code k} at {@code version}: the key, the version, then {@code version % 17} filler bytes. */
    static MemorySegment value(int k, int version) {
        MemorySegment s = MemorySegment.ofArray(new byte[8 + version % 17]);
        s.set(INT, 0, k);
        s.set(INT, 4, version);
        for (int i = 8; i < s.byteSize(); i++) {
            s.set(ValueLayout.JAVA_BYTE, i, (byte) (version * 7 + i));
        }
        return s;
    }

    /** The version encoded by the {@code len} bytes of {@code v}, checked whole and belonging to key {@code k}. */
    static int version(int k, MemorySegment v, long len) {
        if (len < 8 || v.get(INT, 0) != k) {
            throw new AssertionError("a value of " + len + " bytes read for key " + k + " belongs to key "
                    + (len >= 4 ? v.get(INT, 0) : -1));
        }
        int version = v.get(INT, 4);
        if (len != 8 + Math.floorMod(version, 17)) {
            throw new AssertionError("key " + k + ": value of version " + version + " has " + len + " bytes");
        }
        for (int i = 8; i < len; i++) {
            if (v.get(ValueLayout.JAVA_BYTE, i) != (byte) (version * 7 + i)) {
                throw new AssertionError("key " + k + ": torn value of version " + version + " at byte " + i);
            }
        }
        return version;
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-bytesmap").sanitize(true).build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-bytesmap-" + scheme.id(), failures);
        BytesHashMap map = new BytesHashMap(reclaimer, memory);
        try {
            List<Map<Integer, Integer>> models = new ArrayList<>();
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicBoolean done = new AtomicBoolean();
            Thread iterator = Thread.ofPlatform().name("torture-iterator").start(() -> {
                try {
                    while (!done.get()) {
                        map.forEach((k, v) -> version(k.get(INT, 0), v, v.byteSize()));
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Map<Integer, Integer> model = new HashMap<>();
                models.add(model);
                workers.add(Thread.ofPlatform().name("torture-bytesmap-" + t).start(() -> {
                    Random random = new Random(seed * 31 + id);
                    MemorySegment buf = MemorySegment.ofArray(new byte[32]);
                    try {
                        for (int i = 0; i < opsPerThread && error.get() == null; i++) {
                            int k = random.nextInt(keyRange);
                            boolean mine = k % threads == id;
                            int op = random.nextInt(10);
                            if (!mine || op < 4) {
                                long len = map.get(key(k), buf);
                                int seen = len < 0 ? -1 : version(k, buf, len);
                                if (mine) {
                                    expect(model.getOrDefault(k, -1), seen, "get", k);
                                }
                            } else if (op < 7) {
                                boolean inserted = map.put(key(k), value(k, i));
                                expect(model.put(k, i) == null ? 1 : 0, inserted ? 1 : 0, "put (inserted?)", k);
                            } else if (op < 8) {
                                boolean inserted = map.putIfAbsent(key(k), value(k, i));
                                boolean absent = !model.containsKey(k);
                                expect(absent ? 1 : 0, inserted ? 1 : 0, "putIfAbsent (inserted?)", k);
                                if (absent) {
                                    model.put(k, i);
                                }
                            } else {
                                boolean removed = map.remove(key(k));
                                expect(model.remove(k) != null ? 1 : 0, removed ? 1 : 0, "remove (present?)", k);
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            ChurnChecks.finish(workers, done, iterator, error);
            Map<Integer, Integer> expected = new HashMap<>();
            models.forEach(expected::putAll);
            Map<Integer, Integer> actual = new HashMap<>();
            map.forEach((k, v) -> actual.put(k.get(INT, 0), version(k.get(INT, 0), v, v.byteSize())));
            ChurnChecks.sameContents(expected, actual);
            if (map.size() != expected.size()) {
                throw new AssertionError("size() is " + map.size() + " at rest, the models hold " + expected.size());
            }
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
            return String.format("%,d ops by %d threads over %,d byte keys + a concurrent iterator, %,d entries"
                    + " match the models", (long) threads * opsPerThread, threads, keyRange, expected.size());
        } finally {
            if (!map.isClosed()) {
                try {
                    map.close();
                } catch (RuntimeException ignored) {
                    // the case already failed; closing is best effort
                }
            }
            Cleanup.closeQuietly(memory); // a failed run must not leave a sanitizing allocator open
        }
    }

    private static void expect(int expected, int actual, String op, int key) {
        if (expected != actual) {
            throw new AssertionError(op + "(" + key + ") returned " + actual + " but the owner's model says "
                    + expected);
        }
    }
}
