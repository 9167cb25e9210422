package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link LongHashMap}'s growth of a large segment is spread over many puts, each zeroing at most 64 KiB, and a growth still under way when the map closes leaks nothing.
 */
class LongHashMapGrowthTest {

    /** Hands out the reclaimers and allocators and checks after each test that everything was freed. */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    /** 2^16 buckets: the next segment holds 2^16 slots, 2 MiB, far more than one chunk. */
    private static final int BITS = 16;

    /** Whether a put of {@code key} checks the load (LongHashMap.sampleLoad): 1 put in 64. */
    private static boolean sampled(long key) {
        return (Hashing.mix(key) >>> 58) == 0;
    }

    /**
     * Fills a map from the smallest table until it has 2^16 buckets and more than 2^16 entries, then counts the
     * sampled puts until the table doubles: every one zeroes one chunk, so at least as many as the next segment
     * has chunks. (Zeroing the segment in one put, as a non-cooperative growth does, doubles it at the first.)
     */
    @Test
    void aLargeSegmentIsZeroedOneChunkPerSampledPut() {
        SlabAllocator allocator = check.allocator();
        try (LongHashMap map = new LongHashMap(check.reclaimer(Scheme.EBR), allocator, 0)) {
            long key = 0;
            while (map.bucketCount() < 1L << BITS || map.size() <= 1L << BITS) {
                map.put(key, key, -1);
                key++;
            }
            assertEquals(1L << BITS, map.bucketCount(), "filled to the growth threshold without growing past it");
            long sampledPuts = 0;
            while (map.bucketCount() == 1L << BITS) {
                if (sampled(key)) {
                    sampledPuts++;
                }
                map.put(key, key, -1);
                key++;
            }
            // the documented bound, 64 KiB per operation, not ZERO_CHUNK: a change of the constant must fail here
            long chunks = LongHashMapLayout.segmentBytes(LongHashMapLayout.baseBitsFor(0), BITS + 1
                    - LongHashMapLayout.baseBitsFor(0)) / (64 * 1024);
            assertTrue(sampledPuts >= chunks, "the table doubled after " + sampledPuts
                    + " sampled puts; zeroing its " + chunks + " chunks needs one sampled put each");
            for (long k = 0; k < key; k += 101) {
                assertEquals(k, map.get(k, -1), "key " + k + " after the growth");
            }
            assertEquals(key, map.size());
        }
    }

    /**
     * Closes a map while the zeroing of a large segment is under way (pending, not installed): the pending
     * block is freed with the rest, which the check after the test verifies (no live block is left).
     */
    @Test
    void closingDuringACooperativeGrowthFreesThePendingSegment() {
        SlabAllocator allocator = check.allocator();
        LongHashMap map = new LongHashMap(check.reclaimer(Scheme.EBR), allocator, 0);
        long key = 0;
        while (map.bucketCount() < 1L << BITS || map.size() <= 1L << BITS) {
            map.put(key, key, -1);
            key++;
        }
        while (!sampled(key)) { // the next sampled put starts the growth: allocates the pending block
            map.put(key, key, -1);
            key++;
        }
        long blocksBefore = allocator.stats().liveBlocks();
        map.put(key, key, -1);
        assertEquals(1L << BITS, map.bucketCount(), "one chunk zeroed: the table has not doubled yet");
        assertEquals(blocksBefore + 2, allocator.stats().liveBlocks(), "the entry's node and the pending segment");
        map.close();
        assertEquals(0, allocator.stats().liveBlocks(), "close() freed the pending segment too");
    }

    /**
     * The load factor sets the entries per bucket at which the table doubles: 1 for the public constructors,
     * 4 for a BytesHashMap's index, whose table for the same entries is a quarter as large; a sized map of either
     * never grows while filled to its hint.
     */
    @Test
    void theLoadFactorSetsEntriesPerBucket() {
        SlabAllocator allocator = check.allocator();
        int n = 20_000;
        try (LongHashMap one = new LongHashMap(check.reclaimer(Scheme.EBR), allocator, 0);
             LongHashMap four = new LongHashMap(check.reclaimer(Scheme.EBR), allocator, 0,
                     BytesHashMap.INDEX_LOAD_FACTOR);
             LongHashMap sized = new LongHashMap(check.reclaimer(Scheme.EBR), allocator, n,
                     BytesHashMap.INDEX_LOAD_FACTOR)) {
            long sizedBuckets = sized.bucketCount();
            for (long k = 0; k < n; k++) {
                one.put(k, k, -1);
                four.put(k, k, -1);
                sized.put(k, k, -1);
            }
            assertEquals(4, BytesHashMap.INDEX_LOAD_FACTOR);
            assertTrue(one.bucketCount() >= n / 2, "load factor 1: " + one.bucketCount() + " buckets");
            assertEquals(one.bucketCount() / 4, four.bucketCount(), "load factor 4: a quarter of the buckets");
            assertEquals(sizedBuckets, sized.bucketCount(), "sized for " + n + ": no growth");
            assertTrue(sizedBuckets * 4 >= n && sizedBuckets < n / 2, sizedBuckets + " buckets for " + n);
            for (long k = 0; k < n; k += 7) {
                assertEquals(k, four.get(k, -1), "key " + k);
            }
        }
    }
}
