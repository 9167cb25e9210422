package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.realtime.CloseReport;
import dev.reclaim.realtime.RealtimeCollector;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@code Arc.of(value, releaser, RealtimeCollector)}: the release action runs once, on the collector, never on
 * the releasing thread, which allocates nothing; close of the collector runs what is pending; misuse still
 * throws; a weak handle never resurrects a value whose release is pending.
 */
class ArcCollectorTest {

    private static RealtimeCollector manual() {
        return RealtimeCollector.builder().ownThread(false).closeTimeout(Duration.ofSeconds(2)).build();
    }

    @Test
    void releaseRunsOnTheCollectorThreadExactlyOnce() throws Exception {
        RealtimeCollector collector = RealtimeCollector.builder().interval(Duration.ofMillis(1)).build();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Thread> where = new AtomicReference<>();
        Arc<String> a = Arc.of("v", v -> {
            where.set(Thread.currentThread());
            runs.incrementAndGet();
        }, collector);
        Arc<String> b = a.retain();
        Thread hot = Thread.ofPlatform().name("hot").start(() -> {
            a.close();
            b.close();
        });
        hot.join();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (runs.get() == 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        assertSame(collector.thread(), where.get(), "the releaser ran on " + where.get());
        collector.close();
        assertEquals(1, runs.get());
        assertEquals(0, b.strongCount());
    }

    @Test
    void nothingIsReleasedOnTheReleasingThreadAndUpgradeDoesNotResurrect() {
        RealtimeCollector collector = manual();
        AtomicInteger runs = new AtomicInteger();
        Arc<String> a = Arc.of("v", v -> runs.incrementAndGet(), collector);
        Weak<String> w = a.downgrade();
        a.close();
        assertEquals(0, runs.get(), "the last release ran the releaser on the releasing thread");
        assertEquals(0, w.strongCount());
        assertTrue(w.upgrade().isEmpty(), "upgrade() resurrected a value whose release is pending");
        assertEquals(1, collector.collect());
        assertEquals(1, runs.get());
        assertTrue(w.upgrade().isEmpty());
        assertEquals(0, collector.collect());
        collector.close();
        assertEquals(1, runs.get());
    }

    @Test
    void closingTheCollectorRunsPendingReleases() {
        RealtimeCollector collector = manual();
        AtomicInteger runs = new AtomicInteger();
        List<Arc<Integer>> arcs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            arcs.add(Arc.of(i, v -> runs.incrementAndGet(), collector));
        }
        arcs.forEach(Arc::close);
        assertEquals(0, runs.get());
        CloseReport report = collector.close(Duration.ofSeconds(2));
        assertTrue(report.clean(), report.toString());
        assertEquals(10, runs.get());
    }

    @Test
    void collectorCloseReportsAnUnreleasedArcWhichLaterReleasesOnItsOwnThread() {
        RealtimeCollector collector = manual();
        AtomicReference<Thread> where = new AtomicReference<>();
        Arc<String> a = Arc.of("v", v -> where.set(Thread.currentThread()), collector);
        CloseReport report = collector.close(Duration.ZERO);
        assertFalse(report.clean());
        assertEquals(1, report.notDestroyed());
        a.close();
        assertSame(Thread.currentThread(), where.get(), "a release after close runs on the releasing thread");
    }

    @Test
    void doubleReleaseStillThrowsAndTheReleaserRunsOnce() {
        RealtimeCollector collector = manual();
        AtomicInteger runs = new AtomicInteger();
        Arc<String> a = Arc.of("v", v -> runs.incrementAndGet(), collector);
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::close);
        assertTrue(e.getMessage().contains("exactly once"), e.getMessage());
        assertThrows(IllegalStateException.class, a::get);
        assertEquals(1, collector.collect());
        assertThrows(IllegalStateException.class, a::close);
        assertEquals(0, collector.collect());
        collector.close();
        assertEquals(1, runs.get());
    }

    @Test
    void aThrowingReleaserIsReportedToTheCollectorsFailureHandler() {
        List<Throwable> failures = new ArrayList<>();
        RealtimeCollector collector = RealtimeCollector.builder().ownThread(false)
                .failureHandler((name, what, error) -> failures.add(error)).build();
        Arc<String> a = Arc.of("v", v -> {
            throw new IOException("disk gone");
        }, collector);
        a.close(); // does not throw: the releaser has not run here
        collector.collect();
        assertEquals(1, failures.size());
        ArcReleaseException e = assertInstanceOf(ArcReleaseException.class, failures.get(0));
        assertInstanceOf(IOException.class, e.getCause());
        assertTrue(e.getMessage().contains("failure handler"), e.getMessage());
        assertEquals(1, collector.stats().failures());
        collector.close();
    }

    @Test
    void misuseAtCreationNamesTheFix() {
        assertTrue(assertThrows(NullPointerException.class,
                () -> Arc.of("v", v -> { }, (RealtimeCollector) null)).getMessage().contains("Arc.of(value, releaser)"));
        RealtimeCollector collector = manual();
        collector.close();
        assertThrows(IllegalStateException.class, () -> Arc.of("v", v -> { }, collector));
    }

    @Test
    void arcSwapReleasesReplacedValuesThroughTheCollector() {
        RealtimeCollector collector = manual();
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        ArcSwap<String> swap = ArcSwap.of(Arc.of("one", v -> first.incrementAndGet(), collector));
        try (ArcGuard<String> g = swap.load()) {
            swap.store(Arc.of("two", v -> second.incrementAndGet(), collector));
            assertEquals("one", g.get());
            assertEquals(0, collector.collect(), "released while a guard still holds the value");
        }
        assertEquals(0, first.get(), "the guard's close ran the releaser on the reading thread");
        assertEquals(1, collector.collect());
        assertEquals(1, first.get());
        swap.close();
        assertEquals(0, second.get());
        collector.close();
        assertEquals(1, second.get());
    }

    // ---------------------------------------------------------------- the realtime promise

    private static final int ARCS = 20_000;
    private static final long SLACK = 256;

    /**
     * The hot thread receives handles made elsewhere (here: made by itself outside the measured window) and
     * drops them: a non-last release and the last release of each value. Checked over several rounds after
     * warm-up: the fewest bytes the hot thread allocated in a round, and that every release ran on the
     * collector thread.
     */
    @Test
    void finalReleaseOnAHotThreadAllocatesNothingAfterWarmUp() throws Exception {
        RealtimeCollector collector = RealtimeCollector.builder().interval(Duration.ofMillis(1)).build();
        Set<Thread> releasers = ConcurrentHashMap.newKeySet();
        AtomicInteger runs = new AtomicInteger();
        Releaser<Integer> releaser = v -> {
            releasers.add(Thread.currentThread());
            runs.incrementAndGet();
        };
        int rounds = 10;
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            @SuppressWarnings("unchecked")
            Arc<Integer>[] firsts = new Arc[ARCS];
            @SuppressWarnings("unchecked")
            Arc<Integer>[] seconds = new Arc[ARCS];
            for (int i = 0; i < ARCS; i++) {
                firsts[i] = Arc.of(i, releaser, collector);
                seconds[i] = firsts[i].retain();
            }
            long before = HeapAllocation.currentThread();
            dropAll(firsts, seconds);
            long bytes = HeapAllocation.currentThread() - before;
            if (round >= rounds / 2) {
                fewest = Math.min(fewest, bytes);
            }
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (runs.get() < rounds * ARCS && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        collector.close();
        System.out.println("final Arc release on a hot thread: fewest " + fewest + " B per round of " + ARCS
                + " values (2 releases each)");
        assertTrue(fewest < SLACK, "the releasing thread allocated " + fewest + " B for " + ARCS + " final releases");
        assertEquals(rounds * ARCS, runs.get());
        assertEquals(Set.of(collector.thread()), releasers);
    }

    private static void dropAll(Arc<Integer>[] firsts, Arc<Integer>[] seconds) {
        for (int i = 0; i < firsts.length; i++) {
            firsts[i].close();  // not the last: one decrement
            seconds[i].close(); // the last: hands the release to the collector
        }
    }

    /**
     * The classes on the release path hold no string constant that only an error path would resolve (HotSpot
     * resolves them on the thread that requests a C2 compilation: see ArcMessages). Allowed: strings each
     * normal run resolves anyway (VarHandle field names, the null checks of {@code Arc.of}).
     */
    @Test
    void releasePathClassesHoldNoStringThatOnlyAnErrorPathWouldResolve() throws IOException {
        Map<Class<?>, Set<String>> allowed = Map.of(
                Arc.class, Set.of("closed", "Arc value is null; use ArcSwapOption for an optional slot",
                        "Arc releaser is null; pass v -> {} for a value without a release action",
                        "Arc collector is null; use Arc.of(value, releaser) to release on the releasing thread"),
                Counted.class, Set.of("strong", "weak", "released", "stamp", "nextStamp"),
                CollectorRelease.class, Set.of());
        List<String> offending = new ArrayList<>();
        for (Map.Entry<Class<?>, Set<String>> e : allowed.entrySet()) {
            Class<?> c = e.getKey();
            try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
                for (PoolEntry p : ClassFile.of().parse(in.readAllBytes()).constantPool()) {
                    if (p instanceof StringEntry s && !e.getValue().contains(s.stringValue())) {
                        offending.add(c.getSimpleName() + ": \"" + s.stringValue() + "\"");
                    }
                }
            }
        }
        assertEquals(List.of(), offending, "move these strings to ArcMessages");
    }
}
