package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link OutOfMemoryError}s inside the reclaimers' own growth, injected with {@link GrowthFault}: a retired
 * list's or bag's growth, a scan buffer's growth (the slot is stolen by a flush), the guard table's growth.
 * The stance these tests pin down, for EBR, HP and robust: <b>the reclaimer stays usable</b> (it does not fail
 * closed). The operation that needed the memory throws the error and fails alone:
 * <ul>
 *   <li>a retire whose growth fails is not counted and not added: the caller still owns the pointer, and
 *       {@code synchronize()} does not wait for it; a retire whose growth succeeded but whose scan then failed
 *       is counted and is reclaimed later. Either way every counted pointer is deleted exactly once and no
 *       uncounted one is ever deleted;</li>
 *   <li>a flush or synchronize whose scan fails leaves the slot it stole unlocked, so later scans,
 *       {@code synchronize()} and {@code close()} complete;</li>
 *   <li>an {@code enter()} whose table growth fails opens no guard; the next {@code enter()} grows the table;</li>
 *   <li>a {@code close()} whose drain fails throws the error with the reclaimer closed to new guards and not yet
 *       drained; calling {@code close()} again finishes the drain.</li>
 * </ul>
 */
class GrowthFaultTest {

    /** Not a timing check: a close() or synchronize() still running after this long is stuck. */
    private static final Duration STUCK = Duration.ofMinutes(2);

    @AfterEach
    void disarm() {
        GrowthFault.disarm();
    }

    private static Reclaimer create(Scheme scheme, String name) {
        Duration closeTimeout = Duration.ofSeconds(10);
        return switch (scheme) {
            case EBR -> EpochReclaimer.builder().name(name).failureHandler(FailureHandler.LOG)
                    .closeTimeout(closeTimeout).build();
            case HP -> HazardReclaimer.builder().name(name).failureHandler(FailureHandler.LOG)
                    .closeTimeout(closeTimeout).build();
            case ROBUST -> RobustReclaimer.builder().name(name).failureHandler(FailureHandler.LOG)
                    .closeTimeout(closeTimeout).build();
            case LEAK -> throw new IllegalArgumentException("the leak baseline has no growth to fail");
        };
    }

    /** Counts deletions of pointers 16 x i. */
    private static final class Counting implements Deleter {
        final AtomicLongArray deleted;

        Counting(int n) {
            deleted = new AtomicLongArray(n + 1);
        }

        @Override
        public void delete(long pointer) {
            deleted.incrementAndGet((int) (pointer / 16));
        }
    }

    /** Guards open at once on more threads than the initial table has slots: the table grows and stays grown. */
    private static int tableGrowingGuards() {
        return 4 * Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()));
    }

    /** Threads holding a guard each until {@code release}, started and open when this returns. */
    private static List<Thread> holdGuards(Reclaimer r, CountDownLatch release) throws InterruptedException {
        int n = tableGrowingGuards();
        CountDownLatch open = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    open.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        open.await();
        return threads;
    }

    /**
     * Retires pointers 1 to {@code count} from a guard of another thread, which then closes it: the entries wait
     * in a free slot, unscanned, for whoever steals it.
     */
    private static void retireInAFreeSlot(Reclaimer r, Counting d, int count) throws InterruptedException {
        Thread t = Thread.ofPlatform().start(() -> {
            try (Guard g = r.enter()) {
                for (int i = 1; i <= count; i++) {
                    g.retire(16L * i, d);
                }
            }
        });
        t.join();
    }

    /** The failures with the top of their stacks, for a message. */
    private static String describe(Iterable<Throwable> failures) {
        StringBuilder sb = new StringBuilder();
        for (Throwable e : failures) {
            sb.append("\n  ").append(e);
            StackTraceElement[] st = e.getStackTrace();
            for (int i = 0; i < Math.min(12, st.length); i++) {
                sb.append("\n    at ").append(st[i]);
            }
        }
        return sb.toString();
    }

    private static boolean injected(OutOfMemoryError e) {
        return e.getMessage() != null && e.getMessage().startsWith("injected by GrowthFault");
    }

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"EBR", "HP", "ROBUST"})
    void anErrorGrowingTheRetiredListFailsThatRetireAloneAndLosesNothing(Scheme scheme) throws Exception {
        retireWithFailingGrowth(scheme, false);
    }

    /**
     * As above with the guard table grown past its initial size and held there by open guards: a full slot list
     * then moves into the shared domain list, whose growth fails too; a move that failed half-way would free
     * entries twice.
     */
    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"EBR", "HP", "ROBUST"})
    void anErrorGrowingTheDomainListWhileASlotsListMovesThereLosesNothingAndFreesNothingTwice(Scheme scheme)
            throws Exception {
        retireWithFailingGrowth(scheme, true);
    }

    private static void retireWithFailingGrowth(Scheme scheme, boolean grownTable) throws Exception {
        int n = 5_000;
        Counting d = new Counting(n);
        boolean[] counted = new boolean[n + 1];
        Reclaimer r = create(scheme, "growth-retire");
        CountDownLatch release = new CountDownLatch(1);
        List<Thread> holders = grownTable ? holdGuards(r, release) : List.of();
        int faults = 0;
        for (int armAt = 0; armAt < 4; armAt++) {
            GrowthFault.arm(armAt); // the first growth allocations, then later ones
            int base = 1 + armAt * (n / 4);
            Guard g = null;
            while (g == null) {
                try {
                    g = r.enter(); // grows the table when the holders fill it
                } catch (OutOfMemoryError e) {
                    assertTrue(injected(e), e.toString());
                    faults++;
                }
            }
            try {
                for (int i = base; i < base + n / 4; i++) {
                    long before = r.stats().retired();
                    try {
                        g.retire(16L * i, d);
                    } catch (OutOfMemoryError e) {
                        assertTrue(injected(e), e.toString());
                        faults++;
                    }
                    counted[i] = r.stats().retired() > before;
                }
            } finally {
                try {
                    g.close(); // its maintenance may scan and move lists, and grow
                } catch (OutOfMemoryError e) {
                    assertTrue(injected(e), e.toString());
                    faults++;
                    assertFalse(g.isOpen(), scheme + ": a guard whose close() threw is still open");
                }
            }
            GrowthFault.disarm();
        }
        release.countDown();
        for (Thread h : holders) {
            h.join();
        }
        assertTrue(faults > 0, scheme + ": no growth allocation ran, so nothing was injected");
        assertTimeoutPreemptively(STUCK, () -> assertTrue(r.synchronize(Duration.ofSeconds(30)),
                scheme + ": synchronize() after a failed growth"));
        long countedTotal = 0;
        for (int i = 1; i <= n; i++) {
            if (counted[i]) {
                countedTotal++;
                assertEquals(1, d.deleted.get(i), scheme + ": counted pointer " + i + " deleted once");
            } else {
                assertEquals(0, d.deleted.get(i), scheme + ": pointer " + i + " whose retire failed was deleted");
            }
        }
        // still usable after the faults: retire, synchronize, close
        try (Guard g = r.enter()) {
            g.retire(16L * n, p -> { });
        }
        assertTimeoutPreemptively(STUCK, r::close, scheme + ": close() after failed growths");
        assertEquals(countedTotal + 1, r.stats().retired());
        assertEquals(r.stats().retired(), r.stats().reclaimed());
        assertEquals(0, r.stats().pending());
        assertEquals(0, r.stats().failures());
    }

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"EBR", "HP", "ROBUST"})
    void anErrorInAStolenSlotsScanLeavesItUnlockedForSynchronizeAndClose(Scheme scheme) throws Exception {
        int n = 200;
        Counting d = new Counting(n);
        Reclaimer r = create(scheme, "growth-flush");
        // flush() and synchronize() steal the free slot and scan it (the first scan of a slot grows its buffers)
        retireInAFreeSlot(r, d, n / 2);
        boolean thrown = false;
        GrowthFault.arm(0);
        try {
            r.flush();
        } catch (OutOfMemoryError e) {
            assertTrue(injected(e), e.toString());
            thrown = true;
        }
        GrowthFault.disarm();
        if (scheme != Scheme.EBR) {
            assertTrue(thrown, scheme + ": flush() scanned a stolen slot without growing a buffer");
        }
        GrowthFault.arm(0);
        try {
            r.synchronize(Duration.ofSeconds(5));
        } catch (OutOfMemoryError e) {
            assertTrue(injected(e), e.toString());
        }
        GrowthFault.disarm();
        for (int i = n / 2 + 1; i <= n; i++) {
            r.retire(16L * i, d);
        }
        assertTimeoutPreemptively(STUCK, () -> assertTrue(r.synchronize(Duration.ofSeconds(30)),
                scheme + ": synchronize() after a scan failed in a stolen slot: the slot was left locked?"));
        for (int i = 1; i <= n; i++) {
            assertEquals(1, d.deleted.get(i), scheme + ": pointer " + i);
        }
        assertTimeoutPreemptively(STUCK, r::close, scheme + ": close() after a scan failed in a stolen slot");
        assertEquals(n, r.stats().reclaimed());
    }

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"EBR", "HP", "ROBUST"})
    void anErrorGrowingTheGuardTableFailsThatEnterAloneAndTheNextOneGrows(Scheme scheme) throws Exception {
        Reclaimer r = create(scheme, "growth-table");
        int holders = tableGrowingGuards();
        CountDownLatch opened = new CountDownLatch(holders);
        CountDownLatch release = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        GrowthFault.arm(0);
        for (int i = 0; i < holders; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    Guard g;
                    try {
                        g = r.enter();
                    } catch (OutOfMemoryError e) {
                        failures.add(e);
                        g = r.enter(); // the table grows this time
                    }
                    try (Guard held = g) {
                        opened.countDown();
                        release.await();
                        held.retire(16, p -> { });
                    }
                } catch (Throwable e) {
                    failures.add(e);
                    opened.countDown();
                }
            }));
        }
        assertTimeoutPreemptively(STUCK, () -> opened.await());
        assertFalse(GrowthFault.armed(), scheme + ": " + holders + " guards open at once never grew the table");
        assertEquals(holders, r.stats().openGuards(), scheme + ": every thread holds a guard after the failed growth");
        release.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, failures.size(), scheme + ": exactly the one injected failure: " + describe(failures));
        assertTrue(failures.peek() instanceof OutOfMemoryError oom && injected(oom), failures.toString());
        assertTimeoutPreemptively(STUCK, () -> assertTrue(r.synchronize(Duration.ofSeconds(30))));
        assertTimeoutPreemptively(STUCK, r::close, scheme + ": close() after a failed table growth");
        assertEquals(holders, r.stats().reclaimed());
        assertEquals(0, r.stats().openGuards());
    }

    @ParameterizedTest
    @EnumSource(value = Scheme.class, names = {"EBR", "HP", "ROBUST"})
    void anErrorWhileCloseDrainsReachesTheCallerAndASecondCloseFinishesTheDrain(Scheme scheme) throws Exception {
        int n = 100;
        Counting d = new Counting(n);
        Reclaimer r = create(scheme, "growth-close");
        // the slot's scan buffers never grew: close()'s drain grows them first
        retireInAFreeSlot(r, d, n);
        boolean thrown = false;
        GrowthFault.arm(0);
        try {
            assertTimeoutPreemptively(STUCK, r::close, scheme + ": close() with a failing growth");
        } catch (OutOfMemoryError e) {
            assertTrue(injected(e), e.toString());
            thrown = true;
        }
        GrowthFault.disarm();
        if (thrown) {
            // closed to new guards (enter() fails from now on), not yet drained: close() again finishes the job
            assertTrue(r.isClosed(), scheme + ": a close() that threw must still refuse new guards");
            assertTimeoutPreemptively(STUCK, r::close, scheme + ": the second close() after a failed drain");
        } else {
            assertTrue(scheme == Scheme.EBR, scheme + ": close() drained a slot without growing a scan buffer");
        }
        for (int i = 1; i <= n; i++) {
            assertEquals(1, d.deleted.get(i), scheme + ": pointer " + i + " after the drain");
        }
        assertEquals(n, r.stats().reclaimed());
        assertEquals(0, r.stats().pending());
    }
}
