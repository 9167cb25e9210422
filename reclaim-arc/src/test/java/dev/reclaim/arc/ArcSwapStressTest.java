package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Readers hammer load()/loadFull()/ArcCache while writers store, swap, CAS and rcu resources whose close()
 * fails if any guard still uses them: a released resource that a reader can still see fails the test.
 */
class ArcSwapStressTest {

    /** A resource that counts the readers inside it and refuses to close while any is. */
    static final class Resource implements AutoCloseable {
        static final AtomicLong CREATED = new AtomicLong();
        static final AtomicLong CLOSED = new AtomicLong();
        final long id;
        final AtomicInteger liveGuards = new AtomicInteger();
        volatile boolean closed;
        final AtomicInteger closedCount = new AtomicInteger();
        final ConcurrentLinkedQueue<String> failures;

        Resource(long id, ConcurrentLinkedQueue<String> failures) {
            this.id = id;
            this.failures = failures;
            CREATED.incrementAndGet();
        }

        void use() {
            liveGuards.incrementAndGet();
            for (int i = 0; i < 64; i++) { // hold the guard a while: widens the window a wrong release would hit
                if (closed) {
                    failures.add("resource " + id + " used after close");
                    break;
                }
                Thread.onSpinWait();
            }
            liveGuards.decrementAndGet();
        }

        @Override
        public void close() {
            closed = true;
            if (liveGuards.get() > 0) {
                failures.add("resource " + id + " closed while " + liveGuards.get() + " guards use it");
            }
            if (closedCount.getAndIncrement() != 0) {
                failures.add("resource " + id + " closed twice");
            }
            CLOSED.incrementAndGet();
        }
    }

    /** One stress run's shared state: a swap of resources, its failures, and the resource counts at its start. */
    static final class StressRun {
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        final long created0 = Resource.CREATED.get();
        final long closed0 = Resource.CLOSED.get();
        final AtomicLong ids = new AtomicLong();
        final ArcSwap<Resource> swap;

        StressRun(boolean helpingOnly) {
            ArcSwap.helpingOnly = helpingOnly;
            swap = ArcSwap.of(Arc.of(new Resource(ids.incrementAndGet(), failures)));
        }

        /** The end of the run: no failure, every resource closed once, no slot or hold left behind. */
        void assertEveryResourceClosedAndNothingLeft() {
            assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
            assertEquals(Resource.CREATED.get() - created0, Resource.CLOSED.get() - closed0,
                    "every resource is closed exactly once when the swap and all guards are done");
            assertEquals(0, DebtPool.claimed(), "no debt slot is left claimed");
            assertEquals(0, DebtLane.claimed(), "no lane slot is left claimed");
            assertEquals(0, PendingReleases.size(), "no count is left held back");
        }
    }

    @AfterEach
    void reset() {
        ArcSwap.helpingOnly = false;
    }

    @ParameterizedTest(name = "helpingOnly={0}")
    @ValueSource(booleans = {false, true})
    void noResourceIsClosedWhileAGuardUsesIt(boolean helpingOnly) throws Exception {
        StressRun run = new StressRun(helpingOnly);
        ConcurrentLinkedQueue<String> failures = run.failures;
        AtomicLong ids = run.ids;
        ArcSwap<Resource> swap = run.swap;
        int readers = 4;
        int writers = 2;
        int readerOps = 60_000;
        int writerOps = 4_000;
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int seed = r;
            threads.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(seed);
                try (ArcCache<Resource> cache = swap.cache()) {
                    for (int i = 0; i < readerOps; i++) {
                        int op = rnd.nextInt(10);
                        if (op < 7) {
                            try (ArcGuard<Resource> g = swap.load()) {
                                g.get().use();
                            }
                        } else if (op < 9) {
                            cache.get().use();
                        } else {
                            try (Arc<Resource> a = swap.loadFull()) {
                                a.get().use();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failures.add("reader: " + t);
                }
            }));
        }
        for (int w = 0; w < writers; w++) {
            int seed = 100 + w;
            threads.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(seed);
                try {
                    for (int i = 0; i < writerOps; i++) {
                        switch (rnd.nextInt(4)) {
                            case 0 -> swap.store(Arc.of(new Resource(ids.incrementAndGet(), failures)));
                            case 1 -> swap.swap(Arc.of(new Resource(ids.incrementAndGet(), failures))).close();
                            case 2 -> swap.rcu(cur -> Arc.of(new Resource(ids.incrementAndGet(), failures)));
                            default -> {
                                Resource expected;
                                try (ArcGuard<Resource> g = swap.load()) {
                                    expected = g.get();
                                }
                                Arc<Resource> next = Arc.of(new Resource(ids.incrementAndGet(), failures));
                                if (!swap.compareAndSet(expected, next)) {
                                    next.close();
                                }
                            }
                        }
                    }
                } catch (Throwable t) {
                    failures.add("writer: " + t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        swap.close();
        run.assertEveryResourceClosedAndNothingLeft();
    }

    /**
     * Virtual readers (carrier lanes by default, the pool in the {@code pool-for-virtual-threads} run) that keep
     * some guards open across an unmount, so that one carrier's lane holds guards of several virtual threads and
     * guards are closed on another carrier than the one they were loaded on, while writers replace the value.
     */
    @ParameterizedTest(name = "helpingOnly={0}")
    @ValueSource(booleans = {false, true})
    void virtualReadersUnmountingInsideTheirGuardsNeverSeeAClosedResource(boolean helpingOnly) throws Exception {
        StressRun run = new StressRun(helpingOnly);
        ConcurrentLinkedQueue<String> failures = run.failures;
        AtomicLong ids = run.ids;
        ArcSwap<Resource> swap = run.swap;
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (running.get()) {
                        swap.store(Arc.of(new Resource(ids.incrementAndGet(), failures)));
                        Thread.yield();
                    }
                } catch (Throwable t) {
                    failures.add("writer: " + t);
                }
            }));
        }
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 5_000; r++) {
            int seed = r;
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 32; i++) {
                        try (ArcGuard<Resource> g = swap.load()) {
                            g.get().use();
                            if (((i + seed) & 3) == 0) {
                                Thread.yield(); // unmounts with the guard open; may resume on another carrier
                                g.get().use();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failures.add("reader: " + t);
                }
            }));
        }
        for (Thread t : readers) {
            t.join();
        }
        running.set(false);
        for (Thread t : writers) {
            t.join();
        }
        swap.close();
        run.assertEveryResourceClosedAndNothingLeft();
    }

    @ParameterizedTest(name = "helpingOnly={0}")
    @ValueSource(booleans = {false, true})
    void virtualThreadsDoNotStrandSlots(boolean helpingOnly) throws Exception {
        ArcSwap.helpingOnly = helpingOnly;
        ArcSwap<String> swap = ArcSwap.of(Arc.of("v", v -> { }));
        int before = DebtPool.size();
        List<Thread> vts = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            vts.add(Thread.ofVirtual().start(() -> {
                try (ArcGuard<String> g = swap.load()) {
                    Thread.yield(); // may unmount inside the guard
                    if (!"v".equals(g.get())) {
                        throw new AssertionError(g.get());
                    }
                }
            }));
        }
        for (Thread t : vts) {
            t.join();
        }
        swap.close();
        assertEquals(0, DebtPool.claimed());
        assertTrue(DebtPool.size() <= Math.max(before, 4096), "the pool grows with open guards, not with threads");
    }
}
