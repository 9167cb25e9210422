package dev.reclaim.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.testing.HeapAllocation;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RcuCell with every scheme: replaced values close only after the readers that could see them leave. */
class RcuCellTest {

    /** A closeable value that records its closing and fails if used or closed after close. */
    static final class Resource implements AutoCloseable {
        final long value;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger closes;

        Resource(long value, AtomicInteger closes) {
            this.value = value;
            this.closes = closes;
        }

        long use() {
            if (closed.get()) {
                throw new IllegalStateException("use after close of resource " + value);
            }
            return value;
        }

        boolean isClosed() {
            return closed.get();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                throw new IllegalStateException("resource " + value + " closed twice");
            }
            closes.incrementAndGet();
        }
    }

    static Stream<Scheme> allSchemes() {
        return Stream.of(Scheme.values());
    }

    static Stream<Scheme> freeingSchemes() {
        return Stream.of(Scheme.values()).filter(s -> s != Scheme.LEAK);
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void replacedValueClosesOnlyAfterTheReaderLeaves(Scheme scheme) throws Exception {
        AtomicInteger closes = new AtomicInteger();
        try (Reclaimer r = scheme.create()) {
            Resource first = new Resource(1, closes);
            RcuCell<Resource> cell = new RcuCell<>(r, first);
            Guard reader = r.enter();
            Resource seen = cell.read(reader);
            assertSame(first, seen);
            cell.update(old -> new Resource(old.value + 1, closes));
            Thread.ofPlatform().start(() -> r.synchronize(Duration.ofMillis(50))).join();
            assertFalse(first.isClosed(), scheme + " closed a value a reader still holds");
            assertEquals(1, seen.use());
            reader.close();
            r.synchronize();
            assertTrue(first.isClosed(), scheme + " never closed the replaced value");
            assertEquals(2, cell.readUnprotected().value);
        }
        assertEquals(1, closes.get());
    }

    /** Concurrent updaters increment through update(); readers use values under guards; no use-after-close. */
    @ParameterizedTest
    @MethodSource("allSchemes")
    void concurrentUpdatesAreAtomicAndReadersNeverSeeAClosedValue(Scheme scheme) throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Set<Long> installed = ConcurrentHashMap.newKeySet();
        Reclaimer r = scheme.create();
        RcuCell<Resource> cell = new RcuCell<>(r, new Resource(0, closes));
        int perUpdater = 2_000;
        SyncTesting.runThreads(4, i -> {
            if (i < 2) {
                for (int k = 0; k < perUpdater; k++) {
                    Resource now = cell.update(old -> new Resource(old.value + 1, closes));
                    assertTrue(installed.add(now.value), "value " + now.value + " installed twice");
                }
            } else {
                for (int k = 0; k < 20_000; k++) {
                    try (Guard g = r.enter()) {
                        cell.read(g).use();
                    }
                }
            }
        });
        assertEquals(2L * perUpdater, cell.readUnprotected().value, "lost update");
        r.close();
        if (scheme != Scheme.LEAK) {
            // every replaced value, including those built for a lost CAS, was closed once; the current one was not
            assertTrue(closes.get() >= 2 * perUpdater, scheme + ": " + closes.get() + " closes");
            assertFalse(cell.readUnprotected().isClosed());
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void readAllocatesNothing(Scheme scheme) {
        try (Reclaimer r = scheme.create()) {
            RcuCell<String> cell = new RcuCell<>(r, "v", v -> { }, 1);
            Runnable loop = () -> {
                for (int i = 0; i < 100_000; i++) {
                    try (Guard g = r.enter()) {
                        if (cell.read(g) == null) {
                            throw new AssertionError();
                        }
                    }
                }
            };
            loop.run();
            long bytes = dev.reclaim.testing.HeapAllocation.fewestBytes(loop);
            assertTrue(bytes < 1024, scheme + ": guarded read allocated " + bytes + " bytes");
        }
    }
}
