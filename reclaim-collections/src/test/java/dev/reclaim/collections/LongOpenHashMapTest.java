package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LongOpenHashMap}: the map suite (and {@link LongOpenHashMapLincheckTest}), on a map starting at 2
 * entries so that the suite exercises resizes; then what is particular to it: its reserved values, and the
 * cooperative resize, which must lose no update, hide no key from readers or iteration, and free every replaced
 * table.
 */
class LongOpenHashMapTest extends LongLongMapSuite<LongOpenHashMap> {

    LongOpenHashMapTest() {
        super((reclaimer, allocator) -> new LongOpenHashMap(reclaimer, allocator, 0, 2));
    }

    @Override
    boolean valuesInline() {
        return true;
    }

    @Test
    void reservedValuesAreRejectedNamingTheFixButWorkAsAbsentMarkers() {
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(Scheme.EBR), check.allocator())) {
            for (long r : new long[] {LongOpenHashMap.RESERVED_EMPTY, LongOpenHashMap.RESERVED_MOVED}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.put(1, r, -1));
                assertTrue(e.getMessage().contains("LongHashMap"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> m.putIfAbsent(1, r, -1));
                assertThrows(IllegalArgumentException.class, () -> m.replaceIfPresent(1, r, -1));
                assertThrows(IllegalArgumentException.class, () -> m.replace(1, 5, r));
                assertFalse(m.replace(1, r, 5), "a reserved value is never present");
                assertFalse(m.removeIfEquals(1, r));
            }
            assertEquals(Long.MIN_VALUE, m.put(1, Long.MAX_VALUE, Long.MIN_VALUE), "reserved value as absent");
            assertEquals(Long.MAX_VALUE, m.get(1, Long.MIN_VALUE));
            assertEquals(Long.MAX_VALUE, m.put(1, Long.MIN_VALUE + 2, 0));
            assertEquals(Long.MIN_VALUE + 2, m.get(1, 0), "the smallest storable value round-trips");
            assertEquals(-1, m.put(0, 0, -1), "key 0 with value 0");
            assertEquals(0, m.get(0, -1));
            assertEquals(2, m.size());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void concurrentIncrementsSurviveRepeatedResizes(Scheme scheme) throws InterruptedException {
        int counters = 16; // few hot counters: copies of their entries often race with increments
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(scheme), check.allocator())) {
            for (long k = 0; k < counters; k++) {
                m.put(k, 0, -1);
            }
            AtomicBoolean churning = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long[] done = new long[2];
            List<Thread> incrementers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                incrementers.add(Thread.ofPlatform().start(() -> {
                    try {
                        SplittableRandom rnd = new SplittableRandom(id);
                        for (int i = 0; i < 500_000; i++) {
                            long k = rnd.nextInt(counters);
                            long v;
                            do {
                                v = m.get(k, -1);
                                if (v < 0) {
                                    throw new AssertionError("counter " + k + " vanished during a resize");
                                }
                            } while (!m.replace(k, v, v + 1));
                            done[id]++;
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            Thread churn = Thread.ofPlatform().start(() -> {
                try {
                    long next = 1_000_000; // unique keys: every resize grows or sheds tombstones
                    int live = 0;
                    while (churning.get()) {
                        m.put(next++, 1, -1);
                        if (++live > 400) {
                            for (long k = next - live; k < next - 100; k++) {
                                m.remove(k, -1);
                            }
                            live = 100;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            for (Thread t : incrementers) {
                t.join();
            }
            churning.set(false);
            churn.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get().toString(), failure.get());
            }
            long sum = 0;
            for (long k = 0; k < counters; k++) {
                sum += m.get(k, -1);
            }
            assertEquals(done[0] + done[1], sum, "increments lost across " + m.resizeCount() + " resizes");
            assertTrue(m.resizeCount() >= 20, "the churn resized the table " + m.resizeCount() + " times");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void readersAndIterationSeeEveryStableKeyWhileTablesAreReplaced(Scheme scheme) throws InterruptedException {
        int stable = 2_000;
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(scheme), check.allocator())) {
            for (long k = 0; k < stable; k++) {
                m.put(-k, k * 11, -1); // includes key 0
            }
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong checks = new AtomicLong();
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    long i = 0;
                    while (writing.get()) {
                        long k = i++ % stable;
                        long v = m.get(-k, -1);
                        if (v != k * 11) {
                            throw new AssertionError("key " + (-k) + " read " + v + " during a resize");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            Thread iterator = Thread.ofPlatform().start(() -> {
                try {
                    while (writing.get()) {
                        Map<Long, Long> seen = new HashMap<>();
                        m.forEach((k, v) -> {
                            if (seen.put(k, v) != null) {
                                throw new AssertionError("key " + k + " reported twice in one forEach");
                            }
                        });
                        for (long k = 0; k < stable; k++) {
                            if (!Long.valueOf(k * 11).equals(seen.get(-k))) {
                                throw new AssertionError("forEach missed or misread stable key " + (-k) + ": "
                                        + seen.get(-k));
                            }
                        }
                        checks.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (long k = 1; k <= 300_000 && failure.get() == null; k++) {
                        m.put(k, k, -1);
                        if (k % 3 == 0) {
                            m.remove(k - 1, -1);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            writer.join();
            writing.set(false);
            reader.join();
            iterator.join();
            if (failure.get() != null) {
                throw new AssertionError(failure.get().toString(), failure.get());
            }
            assertTrue(checks.get() > 0, "the iterator completed at least one pass");
            assertTrue(m.resizeCount() >= 5, "resizes: " + m.resizeCount());
            assertEquals(stable + 200_000, m.size());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void aReaderInAReplacedTableFindsKeysInsertedStraightIntoItsSuccessor(Scheme scheme) {
        Reclaimer reclaimer = check.reclaimer(scheme);
        try (LongOpenHashMap m = new LongOpenHashMap(reclaimer, check.allocator());
             Guard g = reclaimer.enter()) { // keeps the replaced table allocated for the stale reader
            LongOpenHashMap.Table stale = m.currentTable();
            long k = 1;
            while (m.currentTable() == stale) { // resize and copy the stale table completely
                m.put(k, k, -1);
                k++;
            }
            int found = 0;
            for (long n = k + 1_000; n < k + 1_100; n++) {
                m.put(n, -n, -1); // inserted into the new table only: the stale one is frozen
                assertEquals(-n, LongOpenHashMap.getFrom(stale, n, -1), "key " + n + " seen from the old table");
                found++;
            }
            assertEquals(100, found);
            assertEquals(1, LongOpenHashMap.getFrom(stale, 1, -1), "a moved key is followed too");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void churnOfUniqueKeysKeepsTheTableSmallAndFreesReplacedTables(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        LongOpenHashMap m = new LongOpenHashMap(reclaimer, allocator);
        for (long k = 0; k < 200_000; k++) {
            m.put(k, k, -1);
            if (k >= 100) {
                assertEquals(k - 100, m.remove(k - 100, -1));
            }
        }
        assertEquals(100, m.size());
        assertTrue(m.capacity() <= 1024, "100 live keys in a table of " + m.capacity());
        assertTrue(m.resizeCount() > 100, "tombstones were shed " + m.resizeCount() + " times");
        reclaimer.synchronize();
        assertTrue(allocator.stats().liveBlocks() <= 2, "replaced tables freed: " + allocator.liveBlocks());
        assertClosingFreesEveryBlock(m, reclaimer, allocator);
    }
}
