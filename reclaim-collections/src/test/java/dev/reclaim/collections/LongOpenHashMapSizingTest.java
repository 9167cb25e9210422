package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LongOpenHashMap} at the sizes its users pick it for: what {@code expectedSize} promises, where it is
 * refused, and how much memory replaced tables hold (and show) until the reclaimer frees them.
 */
class LongOpenHashMapSizingTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, 1L << 62, 1L << 40, LongOpenHashMap.MAX_EXPECTED_SIZE + 1})
    void anExpectedSizeBeyondTheLargestTableIsRefusedNamingTheLimit(long expectedSize) {
        SlabAllocator allocator = check.allocator();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LongOpenHashMap(check.reclaimer(Scheme.EBR), allocator, expectedSize));
        assertTrue(e.getMessage().contains(String.valueOf(LongOpenHashMap.MAX_EXPECTED_SIZE)), e.getMessage());
        assertTrue(e.getMessage().contains(String.valueOf(expectedSize)), e.getMessage());
        assertEquals(0, allocator.stats().liveBlocks(), "nothing allocated for a refused size");
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 100, 1000, 4096, 100_000, 1_000_000})
    void aMapSizedForItsLiveKeysDoesNotResizeUnderChurn(long expectedSize) {
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(Scheme.EBR), check.allocator(), expectedSize)) {
            long capacity = m.capacity();
            for (long k = 0; k < expectedSize; k++) {
                m.put(k, k, -1);
            }
            assertEquals(capacity, m.capacity(), "filling to expectedSize grew the table");
            assertEquals(0, m.resizeCount(), "filling to expectedSize resized");
            long churn = Math.max(10 * expectedSize, 10_000); // many times the table in tombstones
            for (long k = expectedSize; k < expectedSize + churn; k++) {
                m.put(k, k, -1);
                assertEquals(k - expectedSize, m.remove(k - expectedSize, -1));
            }
            assertEquals(expectedSize, m.size());
            assertEquals(capacity, m.capacity(), "churn at expectedSize live keys grew the table");
            for (long k = churn; k < expectedSize + churn; k++) {
                assertEquals(k, m.get(k, -1));
            }
        }
    }

    @Test
    void aSmallerHintGrowsTheTableAsBefore() {
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(Scheme.EBR), check.allocator(), 1000)) {
            long capacity = m.capacity();
            for (long k = 0; k < 100_000; k++) {
                m.put(k, k, -1);
            }
            assertTrue(m.capacity() >= 2 * 100_000 && m.capacity() > capacity, "grew to " + m.capacity());
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void replacedTablesCountAsPendingBytesAndFlushFreesThem(Scheme scheme) {
        SlabAllocator allocator = check.allocator();
        Reclaimer reclaimer = check.reclaimer(scheme);
        try (LongOpenHashMap m = new LongOpenHashMap(reclaimer, allocator)) {
            for (long k = 0; k < 1_000_000; k++) {
                m.put(k, k, -1);
            }
            assertTrue(m.resizeCount() >= 16, "resizes: " + m.resizeCount());
            for (long k = 0; k < 2_000_000; k++) {
                assertEquals(k >> 1, m.get(k >> 1, -1));
            }
            ReclaimerStats s = reclaimer.stats();
            long tables = allocator.stats().liveBlocks();
            if (s.pending() > 0) {
                assertTrue(s.pendingBytes() >= 16L * s.pending(), scheme + ": " + s.pending()
                        + " replaced tables pending with pendingBytes " + s.pendingBytes());
            }
            long liveTable = LongOpenHashMapLayout.tableBytes(m.capacity());
            reclaimer.flush();
            ReclaimerStats after = reclaimer.stats();
            assertEquals(0, after.pending(), scheme + ": flush() left replaced tables pending: " + after);
            assertEquals(0, after.pendingBytes(), scheme + ": " + after);
            assertEquals(1, allocator.stats().liveBlocks(), scheme + ": " + tables + " tables before flush()");
            assertTrue(allocator.stats().liveBytes() >= liveTable, "the live table remains");
            for (long k = 0; k < 1_000_000; k += 999) {
                assertEquals(k, m.get(k, -1));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void aResizeIsCopiedAChunkPerOperationAndReadersFinishIt(Scheme scheme) {
        try (LongOpenHashMap m = new LongOpenHashMap(check.reclaimer(scheme), check.allocator())) {
            long k = 0;
            while (m.capacity() < (1 << 18)) {
                m.put(k, k, -1);
                k++;
            }
            long resizes = m.resizeCount();
            LongOpenHashMap.Table t = m.currentTable(); // a heap object: its counters stay readable
            while (t.nextVolatile() == null) {
                m.put(k, k, -1);
                k++;
            }
            long total = t.capacity + 1;
            assertTrue(t.cursorOpaque() <= 2L * LongOpenHashMap.CHUNK, "the put that started the resize copied "
                    + t.cursorOpaque() + " of " + total + " entries");
            assertEquals(resizes, m.resizeCount(), "the resize finished inside one put");
            long gets = 0;
            long before = t.cursorOpaque();
            while (m.resizeCount() == resizes) {
                long key = gets % k;
                assertEquals(key, m.get(key, -1), "a key moved by the incremental copy");
                long after = t.cursorOpaque();
                assertTrue(after - before <= LongOpenHashMap.CHUNK, "one get copied " + (after - before));
                before = after;
                gets++;
                assertTrue(gets < 100 * total, "readers did not finish the resize");
            }
            assertTrue(gets >= total / LongOpenHashMap.CHUNK / 2, "finished after " + gets + " gets");
            for (long j = 0; j < k; j++) {
                assertEquals(j, m.get(j, -1));
            }
        }
    }
}
