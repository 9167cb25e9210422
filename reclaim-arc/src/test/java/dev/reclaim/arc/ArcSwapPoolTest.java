package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The debt-slot pool under bursts of guards held open by virtual threads: it grows for the burst, a store after
 * the burst gives the slots back, and a shrink never cuts off a slot that holds a debt (with the negative control
 * that publishes the smaller table without marking the removed slots). Virtual threads load from the pool only
 * when carrier lanes are off: this class runs in the {@code pool-for-virtual-threads} execution
 * ({@code -Dreclaim.arc.carrierLanes=false}) and is skipped in the others.
 */
class ArcSwapPoolTest {

    @BeforeEach
    void virtualThreadsUseThePool() {
        Assumptions.assumeFalse(DebtLane.CARRIERS, "virtual threads use their carrier's lane in this run");
    }

    /** A value that fails the test if it is released while a guard marked as using it is open. */
    static final class Val {
        final int id;
        final AtomicBoolean inUse = new AtomicBoolean();
        final AtomicInteger releases = new AtomicInteger();

        Val(int id) {
            this.id = id;
        }

        Arc<Val> arc(ConcurrentLinkedQueue<String> failures) {
            return Arc.of(this, v -> {
                if (v.inUse.get()) {
                    failures.add("value " + v.id + " released while a guard used it");
                }
                v.releases.incrementAndGet();
            });
        }
    }

    @AfterEach
    void seamsOff() {
        DebtPool.shrinkUnmarkedForTests = false;
    }

    /** Opens {@code n} guards on virtual threads that end with their guard open (guards may close anywhere). */
    private static List<ArcGuard<Val>> openOnVirtualThreads(ArcSwap<Val> swap, int n) throws InterruptedException {
        ArcGuard<?>[] guards = new ArcGuard<?>[n];
        CountDownLatch loaded = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            ts.add(Thread.ofVirtual().start(() -> {
                guards[k] = swap.load();
                loaded.countDown();
                try {
                    release.await(); // unmounted with the guard open: the guards pile up in the pool
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        loaded.await();
        release.countDown();
        for (Thread t : ts) {
            t.join();
        }
        List<ArcGuard<Val>> out = new ArrayList<>();
        for (ArcGuard<?> g : guards) {
            @SuppressWarnings("unchecked")
            ArcGuard<Val> v = (ArcGuard<Val>) g;
            out.add(v);
        }
        return out;
    }

    @Test
    void aBurstOfOpenGuardsGrowsThePoolAndTheFirstStoreAfterItGivesTheSlotsBack() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ArcSwap<Val> swap = ArcSwap.of(new Val(0).arc(failures));
        List<ArcGuard<Val>> guards = openOnVirtualThreads(swap, 5_000);
        assertTrue(DebtPool.size() >= 5_000, "the pool grew for 5,000 open guards: " + DebtPool.size());
        assertTrue(DebtPool.size() <= 4 * 8_192, "and not far beyond: " + DebtPool.size());
        for (ArcGuard<Val> g : guards) {
            g.close();
        }
        swap.store(new Val(1).arc(failures));
        assertEquals(DebtPool.MIN_SIZE, DebtPool.size(), "the store's scan found every slot free and shrank the pool");
        swap.close();
        assertTrue(failures.isEmpty(), () -> failures.peek());
        assertEquals(0, DebtPool.claimed());
    }

    @Test
    void aShrinkNeverCutsOffASlotHoldingADebt() throws Exception {
        assertTrue(heldDebtSurvivesAShrinkAttempt(), "the value was released under a guard");
    }

    @Test
    void negativeControlAShrinkThatDoesNotMarkTheRemovedSlotsLosesTheDebt() throws Exception {
        DebtPool.shrinkUnmarkedForTests = true;
        assertFalse(heldDebtSurvivesAShrinkAttempt(),
                "without the REMOVED marks the writer misses the cut-off slot's debt and releases the value");
    }

    /**
     * Holds one guard in the top quarter of a grown pool, asks for a shrink below it, then stores: true when the
     * held value survived until its guard closed.
     */
    private static boolean heldDebtSurvivesAShrinkAttempt() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Val first = new Val(0);
        ArcSwap<Val> swap = ArcSwap.of(first.arc(failures));
        // Where 3,000 loads land depends on the per-CPU cursors and the slow path's random starts: a batch can
        // leave the top quarter empty. Such a batch is closed and another opened, probing on from where the
        // last claims ended.
        DebtSlot[] table = null;
        ArcGuard<Val> high = null;
        for (int batch = 0; batch < 4 && high == null; batch++) {
            List<ArcGuard<Val>> guards = openOnVirtualThreads(swap, 3_000);
            table = DebtPool.tableVolatile();
            List<DebtSlot> slots = Arrays.asList(table);
            for (ArcGuard<Val> g : guards) {
                if (high == null && slots.indexOf(g) >= table.length * 3 / 4) {
                    high = g;
                } else {
                    g.close();
                }
            }
        }
        assertNotNull(high, "some guard of 4 batches of 3,000 lies in the top quarter of the table");
        assertEquals(first, high.get());
        first.inUse.set(true);
        boolean shrunk = DebtPool.shrink(table, DebtPool.MIN_SIZE);
        assertEquals(DebtPool.shrinkUnmarkedForTests, shrunk, "a claimed slot above the target blocks the shrink");
        swap.store(new Val(1).arc(failures)); // must pay the held debt on `first`
        first.inUse.set(false);
        high.close();
        swap.close();
        DebtPool.shrinkUnmarkedForTests = false;
        swap = ArcSwap.of(new Val(2).arc(failures));
        swap.store(new Val(3).arc(failures)); // a clean pool for the next test
        swap.close();
        assertEquals(1, first.releases.get(), "released exactly once");
        return failures.isEmpty();
    }

    @Test
    void shrinksRacingBurstsOfVirtualReadersAndWritersNeverReleaseAValueUnderAGuard() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        long created0 = ArcSwapStressTest.Resource.CREATED.get();
        long closed0 = ArcSwapStressTest.Resource.CLOSED.get();
        ArcSwap<ArcSwapStressTest.Resource> swap = ArcSwap.of(Arc.of(new ArcSwapStressTest.Resource(0, failures)));
        AtomicBoolean running = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (long i = 1; running.get(); i++) {
                swap.store(Arc.of(new ArcSwapStressTest.Resource(i, failures)));
                Thread.yield();
            }
        });
        Thread shrinker = Thread.ofPlatform().start(() -> {
            while (running.get()) {
                DebtPool.shrink(DebtPool.tableVolatile(), DebtPool.MIN_SIZE); // races the loads' claims
                Thread.onSpinWait();
            }
        });
        for (int burst = 0; burst < 5; burst++) {
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2_000; r++) {
                readers.add(Thread.ofVirtual().start(() -> {
                    for (int j = 0; j < 8; j++) {
                        try (ArcGuard<ArcSwapStressTest.Resource> g = swap.load()) {
                            g.get().use();
                            Thread.yield(); // unmounts with the guard open: the pool grows under the shrinker
                            g.get().use();
                        }
                    }
                }));
            }
            for (Thread t : readers) {
                t.join();
            }
        }
        running.set(false);
        writer.join();
        shrinker.join();
        swap.close();
        assertTrue(failures.isEmpty(), () -> failures.size() + " failures, first: " + failures.peek());
        assertEquals(ArcSwapStressTest.Resource.CREATED.get() - created0,
                ArcSwapStressTest.Resource.CLOSED.get() - closed0, "every resource closed exactly once");
        assertEquals(0, DebtPool.claimed());
    }
    @Test
    void virtualThreadsRunOneAfterAnotherReuseTheSlotOfTheirCpu() throws Exception {
        Assumptions.assumeTrue(CpuHint.ENABLED, "sched_getcpu is unavailable here: loads start from the thread-id hash");
        ArcSwap<String> swap = ArcSwap.of(Arc.of("v", v -> { }));
        Set<Object> slots = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 2_000; i++) {
            Thread.ofVirtual().start(() -> {
                try (ArcGuard<String> g = swap.load()) {
                    slots.add(g); // the guard is its slot
                }
            }).join();
        }
        swap.close();
        int cpus = Runtime.getRuntime().availableProcessors();
        // one load open at a time: each CPU's cursor slot is free whenever a load comes, so the loads use about
        // one slot per CPU (a cursor moves only when another thread of this JVM holds its slot); 2,000 loads
        // starting from their thread-id hashes spread over the whole table (at least 8 slots)
        assertTrue(slots.size() <= cpus + 2, "2,000 virtual threads in turn used " + slots.size() + " slots on "
                + cpus + " CPUs (pool of " + DebtPool.size() + ")");
        assertEquals(0, DebtPool.claimed());
    }

    /**
     * A pool guard whose debt a writer paid (its debt word now PAID, no longer the block's stamp) still reads the
     * value it loaded, keeps it alive, and releases the paid count when it closes, on any thread. Negative
     * controls (run by hand): a close that ignores PAID leaves the old value unreleased; a writer that does not
     * add the count before it pays releases the value under the guard; a writer that compares the debt word with
     * anything but the removed block's stamp pays nothing, and the value is released under the guard.
     */
    @Test
    void aPaidPoolDebtKeepsItsValueAndTheGuardsCloseReleasesIt() throws Exception {
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Val a = new Val(1);
        ArcSwap<Val> swap = ArcSwap.of(a.arc(failures));
        ArcSwapView<Integer> ids = swap.map(v -> v.id);
        ArcGuard<?>[] guards = new ArcGuard<?>[2];
        Thread t = Thread.ofVirtual().start(() -> { // a virtual thread loads from the pool (no lane)
            guards[0] = swap.load();
            guards[1] = ids.load();
        });
        t.join();
        assertEquals(2, DebtPool.claimed(), "both guards hold a pool slot");
        a.inUse.set(true);
        long paid0 = swap.stats().debtsPaid();
        swap.store(new Val(2).arc(failures));
        assertEquals(2, swap.stats().debtsPaid() - paid0, "the store paid both debts on the old value");
        assertEquals(0, a.releases.get(), "the paid counts keep the old value alive");
        assertTrue(guards[0].get() == a, "the guard still reads the value it loaded");
        assertEquals(1, guards[1].get(), "the projected guard still reads its projection");
        guards[1].close();
        assertEquals(0, a.releases.get(), "one guard is still open");
        a.inUse.set(false);
        guards[0].close();
        assertEquals(1, a.releases.get(), "the last close released the old value");
        assertEquals(0, DebtPool.claimed(), "both slots are free again");
        assertEquals(0, slotsReferencing(a), "a paid guard's close leaves no reference to the removed value");
        swap.close();
        assertTrue(failures.isEmpty(), failures.toString());
    }

    /**
     * A closed pool guard leaves its block in its slot (the next load of the same block then stores nothing);
     * the store that removes the block clears it from every free slot, so a removed value does not stay
     * reachable from the pool. The negative control counts the same references where no writer removed the
     * block: before the store, and after a store on another swap (whose scan visits every slot but removes
     * another block); a writer that did not clear them would leave that count.
     */
    @Test
    void aStoreClearsTheValueItRemovedFromTheSlotsOfClosedGuards() throws Exception {
        assertEquals(0, slotsLeftReferencingAValue(true), "the store cleared every slot that referenced the old value");
    }

    @Test
    void negativeControlWithoutTheStoreThatRemovesItTheSlotsStillReferenceTheValue() throws Exception {
        assertTrue(slotsLeftReferencingAValue(false) > 0, "without its remover's scan the references stay in place");
    }

    /**
     * Loads a value from pool slots (a virtual thread), then stores into another swap (a scan of every slot),
     * then into the value's own swap when {@code removeIt}: the slots still referencing the value afterwards.
     */
    private static int slotsLeftReferencingAValue(boolean removeIt) throws InterruptedException {
        assertTrue(DebtPool.resetForTests(DebtPool.MIN_SIZE), "no slot is claimed between tests");
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>(); // (a small table: no shrink)
        Val a = new Val(7);
        ArcSwap<Val> swap = ArcSwap.of(a.arc(failures));
        ArcSwap<Val> other = ArcSwap.of(new Val(9).arc(failures));
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 100; i++) {
                try (ArcGuard<Val> g = swap.load()) {
                    assertTrue(g.get() == a);
                }
            }
        });
        t.join();
        assertTrue(slotsReferencing(a) >= 1, "closed pool guards leave their block in their slot");
        other.store(new Val(10).arc(failures)); // a scan of every slot that removes another block
        if (removeIt) {
            swap.store(new Val(8).arc(failures));
        }
        int left = slotsReferencing(a);
        swap.close();
        other.close();
        assertEquals(1, a.releases.get());
        assertTrue(failures.isEmpty(), failures.toString());
        return left;
    }

    /** Pool slots whose guard block holds {@code value}. */
    private static int slotsReferencing(Object value) {
        int n = 0;
        for (DebtSlot s : DebtPool.tableVolatile()) {
            Counted<?> c = s.guardBlock;
            if (c != null && c.value == value) {
                n++;
            }
        }
        return n;
    }
}
