package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Arc and Weak: every operation and every misuse. */
class ArcTest {

    /** An AutoCloseable that counts its close() calls. */
    static final class Res implements AutoCloseable {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void lastReleaseRunsReleaserExactlyOnce() {
        AtomicInteger released = new AtomicInteger();
        Arc<String> a = Arc.of("v", v -> released.incrementAndGet());
        Arc<String> b = a.retain();
        assertEquals(2, a.strongCount());
        a.clone().close();
        assertEquals(2, a.strongCount());
        a.close();
        assertEquals(0, released.get());
        assertEquals(1, b.strongCount());
        assertEquals("v", b.get());
        b.close();
        assertEquals(1, released.get());
        assertEquals(0, b.strongCount());
    }

    @Test
    void autoCloseableValueIsReleasedByClose() {
        Res r = new Res();
        try (Arc<Res> a = Arc.of(r)) {
            assertSame(r, a.get());
        }
        assertEquals(1, r.closes.get());
    }

    @Test
    void releaseIsAnAliasOfClose() {
        Res r = new Res();
        Arc.of(r).release();
        assertEquals(1, r.closes.get());
    }

    @Test
    void doubleReleaseThrowsAndNeverRunsReleaserTwice() {
        Res r = new Res();
        Arc<Res> a = Arc.of(r);
        Arc<Res> b = a.retain();
        a.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, a::close);
        assertTrue(e.getMessage().contains("exactly once"), e.getMessage());
        assertEquals(1, b.strongCount(), "the shared count is untouched by the refused release");
        b.close();
        assertThrows(IllegalStateException.class, b::close);
        assertEquals(1, r.closes.get());
        assertEquals(0, b.strongCount());
    }

    @Test
    void getAndRetainAfterReleaseThrow() {
        Arc<String> a = Arc.of("v", v -> { });
        a.close();
        assertTrue(a.isReleased());
        assertTrue(assertThrows(IllegalStateException.class, a::get).getMessage().contains("released"));
        assertTrue(assertThrows(IllegalStateException.class, a::retain).getMessage().contains("retain()"));
        assertThrows(IllegalStateException.class, a::downgrade);
        assertThrows(IllegalStateException.class, () -> a.map(String::length));
    }

    @Test
    void nullsAreRejectedWithTheFix() {
        assertTrue(assertThrows(NullPointerException.class, () -> Arc.of(null, v -> { })).getMessage()
                .contains("ArcSwapOption"));
        assertTrue(assertThrows(NullPointerException.class, () -> Arc.of("v", null)).getMessage()
                .contains("v -> {}"));
        assertThrows(NullPointerException.class, () -> Arc.of((Res) null));
    }

    @Test
    void throwingReleaserCountsAsReleasedAndRunsOnce() {
        AtomicInteger runs = new AtomicInteger();
        Arc<String> a = Arc.of("v", v -> {
            runs.incrementAndGet();
            throw new java.io.IOException("disk gone");
        });
        Arc<String> b = a.retain();
        a.close();
        ArcReleaseException e = assertThrows(ArcReleaseException.class, b::close);
        assertTrue(e.getCause() instanceof java.io.IOException);
        assertTrue(e.getMessage().contains("will not run again"), e.getMessage());
        assertEquals(1, runs.get());
        assertEquals(0, b.strongCount());
        assertThrows(IllegalStateException.class, b::close);
        assertEquals(1, runs.get());
    }

    @Test
    void executorRunsTheReleaserOffTheReleasingThread() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> new Thread(r, "releaser-thread"));
        try {
            AtomicReference<String> where = new AtomicReference<>();
            Arc<String> a = Arc.of("v", v -> where.set(Thread.currentThread().getName()), ex);
            a.close();
            ex.shutdown();
            assertTrue(ex.awaitTermination(10, TimeUnit.SECONDS));
            assertEquals("releaser-thread", where.get());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void rejectingExecutorFallsBackToTheReleasingThread() {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        ex.shutdown();
        AtomicReference<Thread> where = new AtomicReference<>();
        Arc.of("v", v -> where.set(Thread.currentThread()), ex).close();
        assertSame(Thread.currentThread(), where.get());
    }

    @Test
    void mapSharesTheCountAndKeepsTheWholeValueAlive() {
        Res r = new Res();
        Arc<Res> a = Arc.of(r);
        Arc<Integer> closes = a.map(x -> 42);
        assertEquals(2, a.strongCount());
        a.close();
        assertEquals(0, r.closes.get());
        assertEquals(42, closes.get());
        closes.close();
        assertEquals(1, r.closes.get());
    }

    @Test
    void weakUpgradesWhileLiveAndNotAfterRelease() {
        Res r = new Res();
        Arc<Res> a = Arc.of(r);
        Weak<Res> w = a.downgrade();
        assertEquals(1, a.weakCount());
        try (Arc<Res> up = w.upgrade().orElseThrow()) {
            assertSame(r, up.get());
            assertEquals(2, w.strongCount());
        }
        a.close();
        assertEquals(1, r.closes.get(), "a weak handle does not keep the value");
        assertTrue(w.upgrade().isEmpty());
        assertEquals(0, w.strongCount());
        w.close();
        assertEquals(0, a.weakCount());
        assertThrows(IllegalStateException.class, w::close);
        assertThrows(IllegalStateException.class, w::upgrade);
    }

    @Test
    void concurrentRetainReleaseRunsReleaserOnceAndCountsEndAtZero() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicInteger released = new AtomicInteger();
            Arc<String> root = Arc.of("v", v -> released.incrementAndGet());
            Weak<String> weak = root.downgrade();
            List<Thread> ts = new ArrayList<>();
            List<Arc<String>> handles = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                handles.add(root.retain());
            }
            for (int t = 0; t < 4; t++) {
                Arc<String> mine = handles.get(t);
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        mine.retain().close();
                        weak.upgrade().ifPresent(Arc::close);
                    }
                    mine.close();
                }));
            }
            root.close();
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(1, released.get());
            assertEquals(0, weak.strongCount());
            assertFalse(weak.upgrade().isPresent());
        }
    }

    @Test
    void releasingMoreThanRetainedIsRefusedAtTheCount() {
        // Handles refuse double release themselves; this drives the shared block directly, as a bug inside the
        // package would, and checks that the count neither goes negative nor runs the releaser again.
        AtomicInteger released = new AtomicInteger();
        Counted<String> c = new Counted<>("v", v -> released.incrementAndGet(), null);
        c.decrement();
        assertEquals(1, released.get());
        assertThrows(IllegalStateException.class, c::decrement);
        assertThrows(IllegalStateException.class, c::increment);
        assertEquals(0, c.strongCount());
        assertEquals(1, released.get());
        assertFalse(c.tryIncrementIfLive());
    }
}
