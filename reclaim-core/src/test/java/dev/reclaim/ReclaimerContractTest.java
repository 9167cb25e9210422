package dev.reclaim;

import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.hazard.HazardReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Reclaimer} contract, written once and run against every scheme that frees (EBR, HP, robust): API
 * behaviour, misuse messages, grace periods, synchronize, close, failure reporting, hand-over of guards and
 * zero allocation. Scheme-specific behaviour stays in each scheme's own tests.
 */
class ReclaimerContractTest {

    static Stream<Scheme> schemes() {
        return Stream.of(Scheme.values()).filter(s -> s != Scheme.LEAK);
    }

    /** Creates a reclaimer of {@code scheme} with a name, a failure handler and a short close timeout. */
    static Reclaimer create(Scheme scheme, String name, FailureHandler handler, Duration closeTimeout) {
        return switch (scheme) {
            case EBR -> EpochReclaimer.builder().name(name).failureHandler(handler).closeTimeout(closeTimeout).build();
            case HP -> HazardReclaimer.builder().name(name).failureHandler(handler).closeTimeout(closeTimeout).build();
            case ROBUST -> RobustReclaimer.builder().name(name).failureHandler(handler).closeTimeout(closeTimeout)
                    .build();
            case LEAK -> throw new IllegalArgumentException("the leak baseline does not implement the full contract");
        };
    }

    static Reclaimer create(Scheme scheme, String name) {
        return create(scheme, name, FailureHandler.LOG, Duration.ofSeconds(10));
    }

    /** A deleter over numbers 16 x i (tag bits clear) that counts deletions per pointer. */
    static final class Counting implements Deleter {
        final AtomicLongArray deleted;
        final long bytesEach;

        Counting(int n, long bytesEach) {
            this.deleted = new AtomicLongArray(n + 1);
            this.bytesEach = bytesEach;
        }

        static long ptr(int i) {
            return 16L * i;
        }

        @Override
        public void delete(long pointer) {
            deleted.incrementAndGet((int) (pointer / 16));
        }

        @Override
        public long sizeOf(long pointer) {
            return bytesEach;
        }

        long count(int i) {
            return deleted.get(i);
        }
    }

    /** Records failure reports. */
    static final class Recording implements FailureHandler {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();

        @Override
        public void failed(String reclaimerName, String what, Throwable error) {
            messages.add(what);
            if (error != null) {
                errors.add(error);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void enterReturnsAnOpenGuardOfThisReclaimerAndCloseClosesIt(Scheme scheme) {
        try (Reclaimer r = create(scheme, "api")) {
            Guard g = r.enter();
            assertTrue(g.isOpen());
            assertSame(r, g.reclaimer());
            assertEquals(1, r.stats().openGuards());
            g.close();
            assertFalse(g.isOpen());
            assertEquals(0, r.stats().openGuards());
            assertEquals("api", r.name());
            assertEquals(scheme, r.scheme());
            assertEquals(scheme, r.stats().scheme());
            assertSame(scheme, Scheme.fromId(scheme.id().toUpperCase(java.util.Locale.ROOT)));
            assertFalse(r.isClosed());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void manyNestedGuardsAreDistinctAndGrowTheSlotTable(Scheme scheme) {
        try (Reclaimer r = create(scheme, "nested")) {
            Guard[] gs = new Guard[100];
            for (int i = 0; i < gs.length; i++) {
                gs[i] = r.enter();
            }
            assertNotSame(gs[0], gs[1]);
            assertEquals(100, r.stats().openGuards());
            assertTrue(r.stats().guardSlots() >= 100, "100 open guards need 100 slots: " + r.stats());
            for (Guard g : gs) {
                g.close();
            }
            assertEquals(0, r.stats().openGuards());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void guardObjectsArePooledPerSlot(Scheme scheme) {
        try (Reclaimer r = create(scheme, "pool")) {
            Guard a = r.enter();
            a.close();
            Guard b = r.enter();
            assertSame(a, b, "the same thread re-enters the same slot and gets its pooled guard");
            b.close();
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void synchronizeOnceReclaimsEverythingRetiredBeforeIt(Scheme scheme) {
        Counting d = new Counting(2, 16);
        try (Reclaimer r = create(scheme, "sync")) {
            try (Guard g = r.enter()) {
                g.retire(Counting.ptr(1), d);
                g.retire(Counting.ptr(2), d);
            }
            ReclaimerStats s = r.stats();
            assertEquals(2, s.retired());
            assertEquals(2, s.pending());
            assertEquals(32, s.pendingBytes());
            r.synchronize();
            assertEquals(1, d.count(1));
            assertEquals(1, d.count(2));
            s = r.stats();
            assertEquals(2, s.reclaimed());
            assertEquals(0, s.pending());
            assertEquals(0, s.pendingBytes());
            assertTrue(s.peakPending() >= 2);
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void deferWaitsForEveryGuardOpenAtTheCall(Scheme scheme) throws Exception {
        int[] ran = new int[1];
        try (Reclaimer r = create(scheme, "defer")) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread reader = Thread.ofPlatform().start(() -> {
                try (Guard g = r.enter()) {
                    entered.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            entered.await();
            try (Guard g = r.enter()) {
                g.defer(() -> ran[0]++);
            }
            assertFalse(r.synchronize(Duration.ofMillis(50)), "the reader's guard was open at the defer call");
            assertEquals(0, ran[0]);
            release.countDown();
            reader.join();
            assertTrue(r.synchronize(Duration.ofSeconds(10)));
            assertEquals(1, ran[0]);
            assertEquals(1, r.stats().reclaimed());
        }
    }

    /**
     * A heap reference is held back by the reader's whole guard, not by the protection index it was loaded
     * with: unprotecting (or reusing) the index does not let a deferred retirement of the object run while
     * the guard is open. Heap objects are given up only through defer, whose grace period is the guard's.
     */
    @ParameterizedTest
    @MethodSource("schemes")
    void aProtectedReferenceStaysHeldUntilItsGuardClosesWhateverTheIndex(Scheme scheme) {
        try (Reclaimer r = create(scheme, "reference")) {
            AtomicReference<String> cell = new AtomicReference<>("v1");
            boolean[] retired = new boolean[1];
            Guard reader = r.enter();
            String seen = reader.protect(2, cell);
            String old = cell.getAndSet("v2");
            try (Guard w = r.enter()) {
                w.defer(() -> retired[0] = true);
            }
            reader.unprotect(2);
            reader.protect(2, new AtomicReference<>("other")); // the index now holds something else
            r.flush();
            assertEquals("v1", seen);
            assertEquals("v1", old);
            assertFalse(retired[0], "the reader's guard is still open");
            reader.close();
            assertTrue(r.synchronize(Duration.ofSeconds(10)));
            assertTrue(retired[0], "the guard closed: the grace period is over");
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void retireRejectsPointerZeroAndNullDeleter(Scheme scheme) {
        try (Reclaimer r = create(scheme, "args"); Guard g = r.enter()) {
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> g.retire(0, p -> { }));
            assertTrue(zero.getMessage().contains("pointer 0"));
            NullPointerException nul = assertThrows(NullPointerException.class, () -> g.retire(16, null));
            assertTrue(nul.getMessage().contains("deleter"));
            assertThrows(NullPointerException.class, () -> g.defer(null));
            assertTrue(g.isOpen(), "misuse does not close the guard");
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void everyMethodOfAClosedGuardThrowsNamingTheFix(Scheme scheme) {
        try (Reclaimer r = create(scheme, "closed-guard")) {
            Guard g = r.enter();
            g.close();
            AtomicReference<String> ref = new AtomicReference<>("x");
            for (Runnable op : new Runnable[] {
                    () -> g.protect(0, 64L), () -> g.protect(0, ref), () -> g.unprotect(0), g::repin,
                    () -> g.retire(16, p -> { }), () -> g.defer(() -> { })}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
                assertTrue(e.getMessage().contains("is closed") && e.getMessage().contains("try (Guard g"),
                        e.getMessage());
            }
            IllegalStateException e = assertThrows(IllegalStateException.class, g::close);
            assertTrue(e.getMessage().contains("already closed"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void protectChecksTheIndexAndReturnsTheWordWithItsTag(Scheme scheme) {
        try (Arena arena = Arena.ofConfined(); Reclaimer r = create(scheme, "protect"); Guard g = r.enter()) {
            assertThrows(IndexOutOfBoundsException.class, () -> g.protect(Guard.PROTECT_SLOTS, 64L));
            assertThrows(IndexOutOfBoundsException.class, () -> g.protect(-1, new AtomicReference<>()));
            assertThrows(IndexOutOfBoundsException.class, () -> g.unprotect(4));
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, 0x1234_5678_9AB0L | 5);
            assertEquals(0x1234_5678_9AB0L | 5, g.protect(1, word.address()), "tag bits are returned as loaded");
            AtomicReference<String> ref = new AtomicReference<>("value");
            assertEquals("value", g.protect(2, ref));
            g.unprotect(1);
            g.unprotect(2);
            g.repin();
            assertTrue(g.isOpen());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aClosedReclaimerRefusesWorkButStillReportsStats(Scheme scheme) {
        Reclaimer r = create(scheme, "gone");
        r.close();
        assertTrue(r.isClosed());
        for (Runnable op : new Runnable[] {r::enter, r::flush, r::synchronize,
                () -> r.synchronize(Duration.ofMillis(1)), () -> r.retire(16, p -> { })}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
            assertTrue(e.getMessage().contains("reclaimer 'gone' is closed"), e.getMessage());
        }
        assertEquals(0, r.stats().pending());
        IllegalStateException again = assertThrows(IllegalStateException.class, r::close);
        assertTrue(again.getMessage().contains("already closed"), again.getMessage());
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void synchronizeAndCloseInsideOwnGuardThrow(Scheme scheme) {
        try (Reclaimer r = create(scheme, "self")) {
            try (Guard g = r.enter()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, r::synchronize);
                assertTrue(e.getMessage().contains("close the guard first"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> r.synchronize(Duration.ofSeconds(1)));
                assertThrows(IllegalStateException.class, r::close);
                assertFalse(r.isClosed(), "a refused close leaves the reclaimer open");
                r.flush(); // allowed inside a guard
                assertTrue(g.isOpen());
            }
            r.synchronize();
        }
    }

    static Stream<Scheme> everyScheme() {
        return Stream.of(Scheme.values());
    }

    /** The synchronize contract holds for the leak baseline too: it must not hide a self-wait bug. */
    @ParameterizedTest
    @MethodSource("everyScheme")
    void synchronizeInsideOwnGuardThrowsUnderEveryScheme(Scheme scheme) throws Exception {
        try (Reclaimer r = scheme.create()) {
            try (Guard g = r.enter(); Guard nested = r.enter()) {
                IllegalStateException e = assertThrows(IllegalStateException.class, r::synchronize);
                assertTrue(e.getMessage().contains("close the guard first"), e.getMessage());
                assertThrows(IllegalStateException.class, () -> r.synchronize(Duration.ofSeconds(1)));
                assertTrue(g.isOpen() && nested.isOpen());
            }
            r.synchronize(); // outside every guard: allowed
            // a guard closed on another thread is not held by this one any more
            Guard handed = r.enter();
            Thread other = Thread.ofPlatform().start(handed::close);
            other.join();
            assertTrue(r.synchronize(Duration.ofSeconds(10)));
            // another thread's open guard is not this thread's: synchronize waits for it (or, leak, returns)
            try (OpenGuardOnAnotherThread _ = new OpenGuardOnAnotherThread(r, "reader")) {
                r.synchronize(Duration.ofMillis(20)); // no exception, whatever it returns
            }
        }
    }

    /** A thread that holds a guard of a reclaimer open until {@link #close()}. */
    private static final class OpenGuardOnAnotherThread implements AutoCloseable {
        private final CountDownLatch release = new CountDownLatch(1);
        private final Thread thread;

        OpenGuardOnAnotherThread(Reclaimer r, String name) throws InterruptedException {
            CountDownLatch entered = new CountDownLatch(1);
            thread = Thread.ofPlatform().name(name).start(() -> {
                try (Guard g = r.enter()) {
                    entered.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            entered.await();
        }

        @Override
        public void close() throws InterruptedException {
            release.countDown();
            thread.join();
        }
    }

    /** A close timeout names the holder, and says nothing untrue about how long its guard was open. */
    @ParameterizedTest
    @MethodSource("schemes")
    void closeTimeoutNamesTheHolderWithoutAMadeUpAge(Scheme scheme) throws Exception {
        Reclaimer r = create(scheme, "timeout", FailureHandler.LOG, Duration.ofMillis(300));
        IllegalStateException e;
        try (OpenGuardOnAnotherThread _ = new OpenGuardOnAnotherThread(r, "slow-reader")) {
            Thread.sleep(100);
            e = assertThrows(IllegalStateException.class, r::close);
        }
        r.close();
        assertTrue(e.getMessage().contains("slow-reader"), e.getMessage());
        assertFalse(e.getMessage().contains("open for 0 ms"), e.getMessage());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("open for at least (\\d+) ms").matcher(e.getMessage());
        if (m.find()) { // a scheme that keeps a timestamp: at least the time it really was open before close
            assertTrue(Long.parseLong(m.group(1)) > 0, e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void closeRunsEveryPendingDeleter(Scheme scheme) {
        int n = 5_000;
        Counting d = new Counting(n, 0);
        Reclaimer r = create(scheme, "close-runs");
        for (int i = 1; i <= n; i++) {
            try (Guard g = r.enter()) {
                g.retire(Counting.ptr(i), d);
            }
        }
        r.close();
        for (int i = 1; i <= n; i++) {
            assertEquals(1, d.count(i), "pointer " + i);
        }
        assertEquals(0, r.stats().pending());
        assertEquals(n, r.stats().reclaimed());
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void closeTimesOutNamingTheHolderThreadAndCanBeRetried(Scheme scheme) throws Exception {
        Reclaimer r = create(scheme, "timeout", FailureHandler.LOG, Duration.ofMillis(50));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().name("slow-holder").start(() -> {
            try (Guard g = r.enter()) {
                entered.countDown();
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        entered.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, r::close);
        assertTrue(e.getMessage().contains("slow-holder") && e.getMessage().contains("\n      at "), e.getMessage());
        assertTrue(r.isClosed(), "closing has started");
        release.countDown();
        holder.join();
        r.close();
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void throwingDeletersAreReportedAndTheOthersStillRun(Scheme scheme) {
        Recording h = new Recording();
        Counting ok = new Counting(10, 0);
        Deleter bad = p -> {
            throw new IllegalStateException("boom " + p);
        };
        try (Reclaimer r = create(scheme, "failing", h, Duration.ofSeconds(10))) {
            try (Guard g = r.enter()) {
                g.retire(Counting.ptr(1), ok);
                g.retire(Counting.ptr(2), bad);
                g.retire(Counting.ptr(3), bad);
                g.retire(Counting.ptr(4), ok);
                g.defer(() -> {
                    throw new IllegalArgumentException("deferred boom");
                });
                g.retire(Counting.ptr(5), ok);
            }
            r.synchronize();
            assertEquals(1, ok.count(1));
            assertEquals(1, ok.count(4));
            assertEquals(1, ok.count(5));
            assertEquals(3, r.stats().failures());
            assertEquals(6, r.stats().reclaimed());
            long thrown = h.errors.stream().mapToLong(t -> 1 + t.getSuppressed().length).sum();
            assertEquals(3, thrown, h.messages.toString());
            assertTrue(h.messages.stream().allMatch(m -> m.contains("the remaining deleters still ran")), h.messages.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aGuardHandedToAnotherThreadWorksAndClosesThere(Scheme scheme) throws Exception {
        Counting d = new Counting(2, 0);
        try (Reclaimer r = create(scheme, "hand-over"); Arena arena = Arena.ofShared()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, Counting.ptr(1));
            Guard g = r.enter();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    assertEquals(Counting.ptr(1), g.protect(0, word.address()));
                    g.retire(Counting.ptr(2), d);
                    g.close();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            other.join(); // join: the happens-before edge of the hand-over (and back)
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertFalse(g.isOpen());
            r.synchronize();
            assertEquals(1, d.count(2));
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void virtualThreadsCanEnterAndRetire(Scheme scheme) throws Exception {
        int n = 1_000;
        Counting d = new Counting(n, 0);
        try (Reclaimer r = create(scheme, "virtual")) {
            Thread[] ts = new Thread[4];
            for (int t = 0; t < ts.length; t++) {
                int base = t * (n / ts.length);
                ts[t] = Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= n / ts.length; i++) {
                        try (Guard g = r.enter()) {
                            Thread.yield(); // may unmount and resume on another carrier inside the guard
                            g.retire(Counting.ptr(base + i), d);
                        }
                    }
                });
            }
            for (Thread t : ts) {
                t.join();
            }
            r.synchronize();
            for (int i = 1; i <= n; i++) {
                assertEquals(1, d.count(i), "pointer " + i);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aGuardDroppedOpenByAThreadThatEndsIsDetectedAndItsProtectionReleased(Scheme scheme) throws Exception {
        Recording h = new Recording();
        Counting d = new Counting(2, 0);
        try (Arena arena = Arena.ofShared();
             Reclaimer r = create(scheme, "abandon", h, Duration.ofSeconds(10))) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, Counting.ptr(1));
            Thread dying = Thread.ofPlatform().name("dies-in-guard").start(() -> {
                Guard g = r.enter();
                assertEquals(Counting.ptr(1), g.protect(0, word.address())); // protects node 1 ...
                g.retire(Counting.ptr(2), d);                                  // ... and retires node 2
            });                                                                // never closed
            dying.join();
            word.set(ValueLayout.JAVA_LONG, 0, 0L); // unlink node 1, then retire it
            r.retire(Counting.ptr(1), d);
            r.flush();
            assertEquals(0, d.count(1), scheme + ": the dropped guard still protects node 1 until it is found");
            assertEquals(1, r.stats().openGuards());
            assertSynchronizesAfterGc(r, scheme);
            assertEquals(1, d.count(1), "the protection of the dropped guard was released");
            assertEquals(1, d.count(2), "garbage retired by the dropped guard is not lost");
            assertEquals(1, h.messages.size(), h.messages.toString());
            assertTrue(h.messages.get(0).contains("dies-in-guard") && h.messages.get(0).contains("never closed"),
                    h.messages.get(0));
            ReclaimerStats st = r.stats();
            assertEquals(0, st.openGuards());
            assertEquals(1, st.failures());
            try (Guard g = r.enter()) { // every slot is usable again
                assertTrue(g.isOpen());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aGuardDroppedOpenByAThreadThatLivesOnIsRecoveredAfterGc(Scheme scheme) throws Exception {
        Recording h = new Recording();
        Counting d = new Counting(1, 0);
        CountDownLatch dropped = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        try (Reclaimer r = create(scheme, "drop-live", h, Duration.ofSeconds(10))) {
            Thread living = Thread.ofPlatform().name("drops-a-guard").start(() -> {
                dropOpen(r, d);
                dropped.countDown();
                try {
                    end.await(); // stays alive: recovery cannot rely on the thread having ended
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                dropped.await();
                assertEquals(1, r.stats().openGuards());
                assertSynchronizesAfterGc(r, scheme);
                assertTrue(living.isAlive());
                assertEquals(1, d.count(1), "garbage retired by the dropped guard is not lost");
                assertEquals(1, h.messages.size(), h.messages.toString());
                assertTrue(h.messages.get(0).contains("drops-a-guard") && h.messages.get(0).contains("never closed"),
                        h.messages.get(0));
                assertEquals(0, r.stats().openGuards());
            } finally {
                end.countDown();
                living.join();
            }
        }
    }

    /** Collects garbage and synchronizes until a dropped guard has been recovered (bounded: 50 rounds). */
    private static void assertSynchronizesAfterGc(Reclaimer r, Scheme scheme) {
        boolean done = false;
        for (int i = 0; i < 50 && !done; i++) {
            System.gc();
            done = r.synchronize(Duration.ofMillis(100));
        }
        assertTrue(done, scheme + ": synchronize completes once a GC has collected the dropped guard");
    }

    /** Enters, retires pointer 1 and drops the guard open (no reference to it survives the call). */
    private static void dropOpen(Reclaimer r, Deleter d) {
        Guard g = r.enter();
        g.retire(Counting.ptr(1), d); // never closed
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void aGuardHandedOnOutlivesTheThreadThatEnteredIt(Scheme scheme) throws Exception {
        Recording h = new Recording();
        Counting d = new Counting(1, 0);
        try (Arena arena = Arena.ofShared(); Reclaimer r = create(scheme, "hand-on", h, Duration.ofSeconds(10))) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, Counting.ptr(1));
            AtomicReference<Guard> handed = new AtomicReference<>();
            Thread entering = Thread.ofPlatform().name("enters-and-ends").start(() -> {
                Guard g = r.enter();
                assertEquals(Counting.ptr(1), g.protect(0, word.address()));
                handed.set(g); // handed on open; this thread ends
            });
            entering.join(); // join: the happens-before edge of the hand-over; the entering thread has ended
            Guard g = handed.get();
            word.set(ValueLayout.JAVA_LONG, 0, 0L); // unlink node 1, then retire it
            r.retire(Counting.ptr(1), d);
            for (int i = 0; i < 5; i++) { // recovery passes and GCs: the guard is held, so none may take it
                System.gc();
                assertEquals(1, r.stats().openGuards());
                assertFalse(r.synchronize(Duration.ofMillis(20)), scheme + ": the handed guard still protects node 1");
            }
            assertEquals(0, d.count(1), "node 1 stays protected while the guard is held");
            assertTrue(g.isOpen());
            assertEquals(0L, g.protect(1, word.address()), "the guard still works on this thread");
            g.close();
            r.synchronize();
            assertEquals(1, d.count(1));
            assertTrue(h.messages.isEmpty(), h.messages.toString());
            assertEquals(0, r.stats().failures());
            try (Guard again = r.enter()) { // the slot is usable again
                assertTrue(again.isOpen());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void enterAndCloseAllocateNothing(Scheme scheme) {
        try (Reclaimer r = create(scheme, "alloc")) {
            long sink = 0;
            for (int w = 0; w < 5; w++) {
                sink += loopEnterClose(r, 100_000); // warm up: JIT, slot table
            }
            long[] sinks = new long[1];
            long allocated = HeapAllocation.fewestBytes(() -> sinks[0] += loopEnterClose(r, 100_000));
            sink += sinks[0];
            assertTrue(allocated <= 512, scheme.id() + ": " + allocated + " bytes for 100_000 enter+close (" + sink + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void enterProtectAndCloseAllocateNothing(Scheme scheme) {
        try (Reclaimer r = create(scheme, "alloc-protect"); Arena arena = Arena.ofConfined()) {
            MemorySegment word = arena.allocate(ValueLayout.JAVA_LONG);
            word.set(ValueLayout.JAVA_LONG, 0, 4096);
            long address = word.address();
            long sink = 0;
            for (int w = 0; w < 5; w++) {
                sink += loopEnterProtectClose(r, address, 100_000); // warm up
            }
            long[] sinks = new long[1];
            long allocated = HeapAllocation.fewestBytes(() -> sinks[0] += loopEnterProtectClose(r, address, 100_000));
            sink += sinks[0];
            assertTrue(allocated <= 512, scheme.id() + ": " + allocated + " bytes for 100_000 enter+protect+close (" + sink + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("schemes")
    void enterRetireAndCloseAllocateNothingInSteadyState(Scheme scheme) {
        long[] deleted = new long[1];
        Deleter d = p -> deleted[0]++;
        try (Reclaimer r = create(scheme, "alloc-retire")) {
            for (int w = 0; w < 5; w++) {
                loopEnterRetireClose(r, d, 100_000); // warm up: JIT, retired lists / bag pool
            }
            long allocated = HeapAllocation.fewestBytes(() -> loopEnterRetireClose(r, d, 100_000));
            assertTrue(allocated <= 512, scheme.id() + ": " + allocated + " bytes for 100_000 enter+retire+close");
            assertTrue(deleted[0] > 0, scheme.id() + ": garbage was reclaimed (and bags/lists recycled) during the loops");
        }
    }

    private static void loopEnterRetireClose(Reclaimer r, Deleter d, int n) {
        for (int i = 1; i <= n; i++) {
            try (Guard g = r.enter()) {
                g.retire(16L * i, d);
            }
        }
    }

    private static long loopEnterClose(Reclaimer r, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                sum += g.isOpen() ? 1 : 0;
            }
        }
        return sum;
    }

    private static long loopEnterProtectClose(Reclaimer r, long address, int n) {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            try (Guard g = r.enter()) {
                sum += g.protect(i & 3, address);
            }
        }
        return sum;
    }
}
