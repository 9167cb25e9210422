package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Scheme;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LongHashMap}: the map suite, on a map that starts with the smallest table so that the suite exercises
 * growth; and growth that never stops readers.
 */
class LongHashMapTest extends LongLongMapSuite<LongHashMap> {

    LongHashMapTest() {
        super((reclaimer, allocator) -> new LongHashMap(reclaimer, allocator, 0));
    }

    /**
     * The table grows without stopping readers: while writers insert enough keys to double the bucket table many
     * times, readers keep finding every key inserted before they started, with its value, on every lookup.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void readersNeverMissAnEntryWhileTheTableDoublesUnderThem(Scheme scheme) throws InterruptedException {
        try (LongHashMap map = new LongHashMap(check.reclaimer(scheme), check.allocator())) {
            int stable = 1_000;
            for (long k = 0; k < stable; k++) {
                map.put(-k - 1, k * 11, -1);
            }
            long bucketsBefore = map.bucketCount();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicLong lookups = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                int seed = r;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        long n = 0;
                        long i = seed;
                        while (writing.get()) {
                            long k = i++ % stable;
                            long v = map.get(-k - 1, -1);
                            if (v != k * 11) {
                                throw new AssertionError("key " + (-k - 1) + " read " + v + " during growth, buckets "
                                        + map.bucketCount());
                            }
                            n++;
                        }
                        lookups.addAndGet(n);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                        writing.set(false);
                    }
                }));
            }
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int id = w;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (long k = id; k < 200_000 && failure.get() == null; k += 2) {
                            map.put(k, k, -1);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread t : writers) {
                t.join();
            }
            writing.set(false);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get().toString(), failure.get());
            }
            assertTrue(map.bucketCount() >= 64 * bucketsBefore, "table grew from " + bucketsBefore + " to "
                    + map.bucketCount());
            assertTrue(lookups.get() > 0);
            assertEquals(200_000 + stable, map.size());
            for (long k = 0; k < 200_000; k += 997) {
                assertEquals(k, map.get(k, -1));
            }
        }
    }
}
