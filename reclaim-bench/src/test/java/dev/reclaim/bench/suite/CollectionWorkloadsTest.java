package dev.reclaim.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The {@code msqueue}, {@code list} and {@code hashmap} workloads: every scheme and baseline runs and passes its
 * close-time invariant, the invariant catches a broken structure, the plug-in path for our maps works, and our
 * queue's worker loop allocates nothing on the heap.
 */
class CollectionWorkloadsTest {

    private static Workload.Params params(int threads, int keyRange, double updateRatio, boolean sanitize) {
        return new Workload.Params(threads, keyRange, updateRatio, sanitize, 7);
    }

    /** Opens a trial, runs {@code threads} workers for {@code ops} operations each, closes it. */
    private static void runTrial(Workload w, String scheme, Workload.Params p, int ops) throws Exception {
        Workload.Trial trial = w.open(scheme, p);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < p.threads(); i++) {
            int index = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Workload.Worker worker = trial.worker(index);
                    for (int done = 0; done < ops; done += 32) {
                        worker.run(1);
                        worker.run(31);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        trial.close();
        if (failure.get() != null) {
            throw new AssertionError(w.id() + "/" + scheme + ": a worker failed", failure.get());
        }
    }

    @Test
    void msqueueRunsEverySchemeAndBaselineUnderTheSanitizerAndConservesValues() throws Exception {
        Workload w = Workloads.byId("msqueue");
        assertEquals(List.of("jdk-clq", "jctools-mpmc"), w.baselines());
        for (String s : Workloads.schemesOf(w)) {
            boolean sanitize = Workloads.isScheme(s) && !s.equals("leak");
            runTrial(w, s, params(3, 16, -1, sanitize), 20_000);
        }
    }

    @Test
    void setbenchWorkloadsRunTheirBaselinesOnlyUntilOurMapsArePluggedIn() throws Exception {
        for (String id : List.of("list", "hashmap", "openmap")) {
            Workload w = Workloads.byId(id);
            assertEquals(0.1, w.defaultUpdateRatio());
            if (OurMaps.HARRIS_MICHAEL_LIST == null && id.equals("list")
                    || OurMaps.LONG_HASH_MAP == null && id.equals("hashmap")) {
                assertEquals(w.baselines(), Workloads.schemesOf(w), id + " runs its baselines only");
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> w.open("ebr", params(1, 100, 0.5, false)));
                assertTrue(e.getMessage().contains("OurMaps"), e.getMessage());
            }
            for (String s : Workloads.schemesOf(w)) {
                runTrial(w, s, params(2, 2_000, 0.5, false), 20_000);
            }
        }
        assertEquals(2_000, Workloads.byId("list").defaultKeyRange());
        assertEquals(1_000_000, Workloads.byId("hashmap").defaultKeyRange());
        assertEquals(1_000_000, Workloads.byId("openmap").defaultKeyRange());
    }

    /**
     * A stand-in for our maps through the plug-in path: a ConcurrentHashMap whose every entry owns an off-heap
     * block retired to the scheme on remove. Every scheme runs, and the trial's checks (no block left after the
     * reclaimer closed, size invariant) pass.
     */
    @Test
    void pluggedInFactoryRunsWithEverySchemeAndItsBlocksAreAllFreed() throws Exception {
        SetBenchWorkload w = new SetBenchWorkload("plugged", "stand-in", 500, List.of(SetBenchWorkload.CHM),
                OffHeapBackedMap::new);
        assertEquals(Workloads.schemeIds(), w.schemeIds());
        for (String s : Workloads.schemesOf(w)) {
            runTrial(w, s, params(2, 500, 0.5, !s.equals("leak") && Workloads.isScheme(s)), 10_000);
        }
    }

    /** The size invariant fails the trial when the structure loses updates (a remove that removes nothing). */
    @Test
    void sizeInvariantCatchesAMapThatLosesRemoves() {
        SetBenchWorkload w = new SetBenchWorkload("broken", "broken map", 500, List.of(SetBenchWorkload.CHM),
                (reclaimer, allocator) -> {
                    LongMapAdapter real = LongMapAdapter.of(new ConcurrentHashMap<>());
                    return new LongMapAdapter() {
                        @Override
                        public long get(long key) {
                            return real.get(key);
                        }

                        @Override
                        public boolean put(long key, long value) {
                            return real.put(key, value);
                        }

                        @Override
                        public boolean remove(long key) {
                            return real.get(key) != MISSING; // claims success, removes nothing
                        }

                        @Override
                        public long size() {
                            return real.size();
                        }

                        @Override
                        public void close() {
                            real.close();
                        }
                    };
                });
        AssertionError e = assertThrows(AssertionError.class,
                () -> runTrialWrapped(w, "ebr", params(1, 500, 1.0, false), 5_000));
        assertTrue(String.valueOf(e.getCause()).contains("lost or duplicated"), String.valueOf(e.getCause()));
    }

    private static void runTrialWrapped(Workload w, String scheme, Workload.Params p, int ops) {
        try {
            runTrial(w, scheme, p, ops);
        } catch (Exception e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Test
    void msqueueWorkerAllocatesNothingOnTheHeapForOurQueue() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Workload w = Workloads.byId("msqueue");
        for (String s : List.of("ebr", "hp")) {
            Workload.Trial trial = w.open(s, params(1, 64, -1, false));
            try {
                Workload.Worker worker = trial.worker(0);
                worker.run(200_000);
                long fewest = Long.MAX_VALUE;
                for (int i = 0; i < 3; i++) {
                    long before = mx.getCurrentThreadAllocatedBytes();
                    worker.run(100_000);
                    fewest = Math.min(fewest, mx.getCurrentThreadAllocatedBytes() - before);
                }
                assertTrue(fewest <= 512, s + ": " + fewest + " heap bytes for 100 000 queue operations");
            } finally {
                trial.close();
            }
        }
    }

    /**
     * The plug-in stand-in: an off-heap array of slots, one per key, each holding 0 or the address of a block
     * with the value; a remove unlinks the block with a CAS and retires it, a get protects the slot (so it is
     * correct under hazard pointers too, as our structures must be).
     */
    private static final class OffHeapBackedMap implements LongMapAdapter {
        private static final int KEYS = 500;
        private final Reclaimer reclaimer;
        private final SlabAllocator allocator;
        private final long slots;

        OffHeapBackedMap(Reclaimer reclaimer, SlabAllocator allocator) {
            this.reclaimer = reclaimer;
            this.allocator = allocator;
            this.slots = allocator.allocateZeroed(8L * KEYS);
        }

        private long slot(long key) {
            return slots + 8 * key;
        }

        @Override
        public long get(long key) {
            try (Guard g = reclaimer.enter()) {
                long b = g.protect(0, slot(key)); // acquire: pairs with the CAS in put()
                return b == 0 ? MISSING : Memory.getLong(b);
            }
        }

        @Override
        public boolean put(long key, long value) {
            long b = allocator.allocate(16);
            Memory.putLong(b, value);
            if (!Memory.compareAndSetLong(slot(key), 0, b)) { // CAS (volatile): publishes b; pairs with protect()
                allocator.free(b);
                return false;
            }
            return true;
        }

        @Override
        public boolean remove(long key) {
            try (Guard g = reclaimer.enter()) {
                long b = g.protect(0, slot(key)); // acquire: pairs with the CAS in put()
                if (b == 0 || !Memory.compareAndSetLong(slot(key), b, 0)) { // CAS (volatile): unlinks b
                    return false;
                }
                g.retire(b, allocator);
                return true;
            }
        }

        @Override
        public long size() {
            long n = 0;
            for (int k = 0; k < KEYS; k++) {
                n += Memory.getLongVolatile(slot(k)) != 0 ? 1 : 0; // volatile: quiescent, after the workers joined
            }
            return n;
        }

        @Override
        public void close() {
            for (int k = 0; k < KEYS; k++) {
                long b = Memory.getLongVolatile(slot(k)); // volatile: quiescent
                if (b != 0) {
                    allocator.free(b);
                }
            }
            allocator.free(slots);
        }
    }
}
