package dev.reclaim.memory;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.internal.AllocatorAccess;
import dev.reclaim.internal.CachingDeleter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A queue's node deleter frees EBR's bag runs with {@code deleteAllAndTrim} (through
 * {@link dev.reclaim.internal.AllocatorAccess}): afterwards the freeing thread's cache keeps at most one batch per
 * class when its magazine held more than two, if one of the thread's last refills found that another thread had
 * taken the class's batch before it; a thread whose refills keep finding their own (one thread recycling its own
 * blocks) keeps its cache. {@code deleteAll} (the public batch free, hazard pointers' scans, EBR runs of blocks
 * retired with the allocator itself) never trims. Negative controls, run by hand: with {@code FastSlab.trim}
 * returning at once, {@code aTrimmedRun...} and {@code anEpochReclaimersBagRuns...} fail (the cache keeps every
 * freed block); without the refill window (trim whenever asked), {@code theAllocatorsOnlyThread...} and
 * {@code aThreadWhoseRefills...} fail; with {@code Reclamation.runAll} trimming for the allocator as deleter,
 * {@code blocksRetiredWithTheAllocatorItself...} fails.
 */
@Timeout(60)
class ReclaimerTrimTest {
    private static final long SIZE = 32;
    private static final int BATCH = SlabDescriptor.BATCH_SIZES[SlabDescriptor.classIndex(SIZE)];
    private static final int BLOCKS = 3 * BATCH + BATCH / 2;

    /** Opened after each test: the other thread of {@link #anotherThreadTakesABatch} ends. */
    private final CountDownLatch otherDone = new CountDownLatch(1);

    @AfterEach
    void endTheOtherThread() {
        otherDone.countDown();
    }

    private static SlabAllocator fastAllocator() {
        return SlabAllocator.builder().name("trim-test").sanitize(false).build();
    }

    /**
     * Starts a platform thread that takes a batch of {@code SIZE} blocks from {@code al} (its first allocation
     * refills its cache) and stays alive until the test ends.
     */
    private void anotherThreadTakesABatch(SlabAllocator al) throws InterruptedException {
        CountDownLatch registered = new CountDownLatch(1);
        Thread.ofPlatform().name("other-allocating-thread").daemon().start(() -> {
            al.free(al.allocate(SIZE));
            registered.countDown();
            try {
                otherDone.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        registered.await();
    }

    /**
     * Allocates {@code n} blocks, lets another thread take a batch, then allocates {@code BATCH + 1} more, so
     * that one of this thread's refills finds the other's take: the refill window is open.
     */
    private long[] allocateAroundAnotherThreadsTake(SlabAllocator al, int n) throws InterruptedException {
        long[] first = allocate(al, n);
        anotherThreadTakesABatch(al);
        long[] more = allocate(al, BATCH + 1);
        long[] all = java.util.Arrays.copyOf(first, n + more.length);
        System.arraycopy(more, 0, all, n, more.length);
        return all;
    }

    private static long[] allocate(SlabAllocator al, int n) {
        long[] blocks = new long[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = al.allocate(SIZE);
        }
        return blocks;
    }

    /** One guard per retire: each bag's seal runs the slot's ready bags on this thread. */
    private static void retireEachUnderItsGuard(EpochReclaimer r, long[] blocks, Deleter deleter) {
        for (long b : blocks) {
            try (Guard g = r.enter()) {
                g.retire(b, deleter);
            }
        }
    }

    /** What the collections' node deleter is for a queue: frees to the allocator, trimming in EBR's bag runs. */
    private record TrimmingNodes(SlabAllocator allocator) implements CachingDeleter {
        @Override
        public void delete(long pointer) {
            allocator.free(pointer);
        }

        @Override
        public void deleteAllAndTrim(long[] pointers, int from, int to) {
            AllocatorAccess.deleteAllAndTrim(allocator, pointers, from, to);
        }
    }

    @Test
    void aTrimmedRunKeepsAtMostOneBatchWhileAnotherThreadTakesBatchesToo() throws Exception {
        try (SlabAllocator al = fastAllocator()) {
            long[] blocks = allocateAroundAnotherThreadsTake(al, BLOCKS);
            al.deleteAllAndTrim(blocks, 0, blocks.length);
            assertTrue(al.cachedBlocks(SIZE) <= BATCH, "after a trimmed run of " + blocks.length + " frees this"
                    + " thread caches " + al.cachedBlocks(SIZE) + " blocks, more than one batch (" + BATCH + ")");
            long[] again = allocate(al, BLOCKS); // the trimmed blocks come back from the depot
            al.deleteAll(again, 0, again.length);
            assertTrue(al.cachedBlocks(SIZE) >= BLOCKS, "deleteAll must not trim: this thread caches "
                    + al.cachedBlocks(SIZE) + " of the " + BLOCKS + " blocks it freed");
            assertEquals(0, al.stats().liveBytes(), "every block was freed once");
        }
    }

    @Test
    void theAllocatorsOnlyThreadKeepsItsCache() {
        try (SlabAllocator al = fastAllocator()) {
            long[] blocks = allocate(al, BLOCKS);
            al.deleteAllAndTrim(blocks, 0, blocks.length);
            assertTrue(al.cachedBlocks(SIZE) >= BLOCKS, "with no other thread on the allocator a trimmed run should"
                    + " keep its blocks; this thread caches " + al.cachedBlocks(SIZE) + " of " + BLOCKS);
        }
    }

    @Test
    void aThreadWhoseRefillsFindTheirOwnKeepsItsCache() throws Exception {
        try (SlabAllocator al = fastAllocator()) {
            anotherThreadTakesABatch(al);
            // past the refill window: after the first, this thread's refills find its own takes
            long[] blocks = allocate(al, (int) (FastSlab.TRIM_WINDOW + 8) * BATCH);
            al.deleteAllAndTrim(blocks, 0, blocks.length);
            assertTrue(al.cachedBlocks(SIZE) > 2 * BATCH, "a thread recycling its own blocks should keep its"
                    + " cache; this thread caches " + al.cachedBlocks(SIZE) + " of the " + blocks.length
                    + " blocks it freed");
        }
    }

    @Test
    void anEpochReclaimersBagRunsTrimTheCacheOfTheThreadRunningThem() throws Exception {
        try (SlabAllocator al = fastAllocator()) {
            try (EpochReclaimer r = EpochReclaimer.create()) {
                long[] blocks = allocateAroundAnotherThreadsTake(al, 8 * BATCH);
                retireEachUnderItsGuard(r, blocks, new TrimmingNodes(al));
                assertTrue(r.stats().reclaimed() > 0, "the slot's own collections should have run bags");
                // each run trims a magazine above two batches to one, so at most two remain after any run
                assertTrue(al.cachedBlocks(SIZE) <= 2 * BATCH, "after EBR ran " + r.stats().reclaimed() + " retires"
                        + " on this thread it caches " + al.cachedBlocks(SIZE) + " blocks, more than two batches ("
                        + 2 * BATCH + ")");
                r.synchronize();
                assertTrue(al.cachedBlocks(SIZE) <= 2 * BATCH, "after synchronize() this thread caches "
                        + al.cachedBlocks(SIZE) + " blocks, more than two batches (" + 2 * BATCH + ")");
            }
            assertEquals(0, al.stats().liveBytes(), "every retired block was freed once");
        }
    }

    /**
     * Blocks retired with the allocator itself as the deleter (a user's own structure, the lists' built nodes)
     * are freed with plain deleteAll: only the queue's node deleter asks for the trim. Negative control, run by
     * hand: with Reclamation.runAll trimming for a SlabAllocator deleter too, this fails.
     */
    @Test
    void blocksRetiredWithTheAllocatorItselfAreNotTrimmed() throws Exception {
        try (SlabAllocator al = fastAllocator()) {
            try (EpochReclaimer r = EpochReclaimer.create()) {
                long[] blocks = allocateAroundAnotherThreadsTake(al, 8 * BATCH);
                retireEachUnderItsGuard(r, blocks, al);
                r.synchronize();
                assertTrue(al.cachedBlocks(SIZE) > 2 * BATCH, "EBR trimmed runs of blocks retired with the"
                        + " allocator itself: this thread caches " + al.cachedBlocks(SIZE) + " of "
                        + blocks.length);
            }
        }
    }
}
