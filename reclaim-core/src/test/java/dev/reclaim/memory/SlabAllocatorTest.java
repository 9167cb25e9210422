package dev.reclaim.memory;

import dev.reclaim.testing.HeapAllocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fast mode. */
class SlabAllocatorTest {

    private SlabAllocator slab;

    @BeforeEach
    void open() {
        slab = SlabAllocator.builder().name("test").sanitize(false).build();
    }

    @AfterEach
    void allocatorIsBackToZero() {
        if (!slab.stats().name().isEmpty()) {
            AllocatorStats s = slab.stats();
            assertEquals(0, s.liveBlocks(), s.toString());
            assertEquals(0, s.liveBytes(), s.toString());
            assertEquals(s.allocations(), s.frees(), s.toString());
        }
        try {
            slab.close();
        } catch (IllegalStateException alreadyClosed) {
            // tests of close() close it themselves
        }
    }

    @Test
    void deleteAllFreesEveryBlockOfMixedClassesAndLargeBlocksWithExactStats() {
        Random rnd = new Random(7);
        long[] blocks = new long[1000];
        for (int i = 0; i < blocks.length; i++) {
            long size = i % 97 == 0 ? 9000 + rnd.nextInt(5000) : (i / 50 % 3 == 0 ? 64 : 1 + rnd.nextInt(4000));
            blocks[i] = slab.allocate(size);
        }
        assertEquals(1000, slab.stats().liveBlocks());
        slab.deleteAll(blocks, 10, 990);
        assertEquals(20, slab.stats().liveBlocks());
        slab.deleteAll(blocks, 0, 10);
        slab.deleteAll(blocks, 990, 1000);
        slab.deleteAll(blocks, 5, 5);
        AllocatorStats s = slab.stats();
        assertEquals(0, s.liveBlocks(), s.toString());
        assertEquals(1000, s.frees(), s.toString());
        // the freed blocks are reusable and distinct
        Set<Long> again = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(again.add(slab.allocate(64)));
        }
        for (long b : again) {
            slab.free(b);
        }
    }

    @Test
    void deleteAllFreesTheValidBlocksAndThenReportsEveryBadAddress() {
        long a = slab.allocate(64);
        long b = slab.allocate(64);
        long c = slab.allocate(200);
        long[] batch = {a, 0, b, a + 8, c, 12_345_680L * 16};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> slab.deleteAll(batch, 0, 6));
        assertTrue(e.getMessage().contains("null address 0"), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        assertTrue(e.getSuppressed()[0].getMessage().contains("not 16-byte aligned"), e.getSuppressed()[0].getMessage());
        assertTrue(e.getSuppressed()[1].getMessage().contains("was not allocated by allocator 'test'"),
                e.getSuppressed()[1].getMessage());
        assertEquals(0, slab.stats().liveBlocks()); // a, b and c were freed despite the bad entries
        assertThrows(IndexOutOfBoundsException.class, () -> slab.deleteAll(batch, 4, 7));
    }

    @Test
    void deleteAllOnAClosedAllocatorThrowsAndFreesNothing() {
        SlabAllocator other = SlabAllocator.builder().name("other").sanitize(false).build();
        long b = other.allocate(32);
        other.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> other.deleteAll(new long[] {b}, 0, 1));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    @Test
    void deleteAllFromAVirtualThreadFreesEveryBlock() throws Exception {
        long[] blocks = new long[300];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = slab.allocate(16 + i % 5 * 16);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                slab.deleteAll(blocks, 0, blocks.length);
            } catch (Throwable t) {
                failure.set(t);
            }
        }).join();
        assertEquals(null, failure.get());
        assertEquals(0, slab.stats().liveBlocks());
    }

    @Test
    void everySizeGetsAnAlignedBlockOfItsClassSizeOrMore() {
        List<Long> blocks = new ArrayList<>();
        for (long size = 1; size <= SlabDescriptor.MAX_CLASS_SIZE + 64; size += (size < 300 ? 1 : 37)) {
            long b = slab.allocate(size);
            assertTrue(b > 0);
            assertEquals(0, b % 16, "size " + size + " block 0x" + Long.toHexString(b));
            long bs = slab.blockSize(b);
            assertTrue(bs >= size, "size " + size + " blockSize " + bs);
            assertEquals(bs, slab.sizeOf(b));
            if (size <= SlabDescriptor.MAX_CLASS_SIZE) {
                assertEquals(SlabDescriptor.CLASS_SIZES[SlabDescriptor.classIndex(size)], bs);
            }
            Memory.fill(b, bs, (byte) size); // the whole usable size is writable
            blocks.add(b);
        }
        assertEquals(blocks.size(), new HashSet<>(blocks).size(), "a block was handed out twice");
        AllocatorStats s = slab.stats();
        assertEquals(blocks.size(), s.liveBlocks());
        assertTrue(s.reservedBytes() >= s.liveBytes());
        for (long b : blocks) {
            slab.free(b);
        }
    }

    @Test
    void blockSizeForPredictsTheBlockSizeOfEveryAllocationInBothModes() {
        try (SlabAllocator sanitizing = SlabAllocator.builder().name("test-sanitizing").sanitize(true).build()) {
            for (SlabAllocator a : List.of(slab, sanitizing)) {
                for (long size = 1; size <= SlabDescriptor.MAX_CLASS_SIZE + 5000; size += (size < 300 ? 1 : 37)) {
                    long b = a.allocate(size);
                    assertEquals(a.blockSize(b), a.blockSizeFor(size), a.name() + ": size " + size);
                    a.free(b);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> slab.blockSizeFor(0));
        assertThrows(IllegalArgumentException.class, () -> slab.blockSizeFor(1L << 40));
    }

    @Test
    void largeBlocksAreAlignedUsableAndFreedIndividually() {
        long[] sizes = {8193, 10_000, 65_536, 1 << 20, (3 << 20) + 5};
        long reservedBefore = slab.stats().reservedBytes();
        long[] blocks = new long[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            blocks[i] = slab.allocate(sizes[i]);
            assertEquals(0, blocks[i] % 16);
            assertTrue(slab.blockSize(blocks[i]) >= sizes[i]);
            Memory.putLong(blocks[i], i);
            Memory.putLong(blocks[i] + ((sizes[i] - 8) & -8), i);
        }
        assertTrue(slab.stats().reservedBytes() > reservedBefore + (4 << 20));
        for (int i = 0; i < sizes.length; i++) {
            assertEquals(i, Memory.getLong(blocks[i]));
            slab.free(blocks[i]);
        }
        assertEquals(reservedBefore, slab.stats().reservedBytes());
        assertThrows(IllegalArgumentException.class, () -> slab.free(blocks[0]), "large double free detected");
    }

    @Test
    void allocateZeroedClearsRecycledBlocks() {
        for (long size : new long[] {16, 100, 4000, 20_000}) {
            long b = slab.allocate(size);
            Memory.fill(b, slab.blockSize(b), (byte) 0xFF);
            slab.free(b);
            long z = slab.allocateZeroed(size);
            for (long off = 0; off < slab.blockSize(z); off += 8) {
                assertEquals(0, Memory.getLong(z + off), "size " + size + " offset " + off);
            }
            slab.free(z);
        }
    }

    @Test
    void freedBlocksAreReusedLifo() {
        long a = slab.allocate(48);
        slab.free(a);
        assertEquals(a, slab.allocate(48), "the thread cache hands back the block it just got");
        slab.free(a);
    }

    @Test
    void aBlockMayBeFreedByAnotherThread() throws Exception {
        int n = 10_000;
        long[] blocks = new long[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = slab.allocate(24);
            Memory.putLong(blocks[i], i);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    assertEquals(i, Memory.getLong(blocks[i]));
                    slab.free(blocks[i]);
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(0, slab.stats().liveBlocks());
        // the freeing thread is dead: its cached blocks come back to this thread through the depot
        long reservedBefore = slab.stats().reservedBytes();
        Set<Long> original = new HashSet<>();
        for (long b : blocks) {
            original.add(b);
        }
        Set<Long> reused = new HashSet<>();
        int recycled = 0;
        for (int i = 0; i < n; i++) {
            long b = slab.allocate(24);
            reused.add(b);
            recycled += original.contains(b) ? 1 : 0;
        }
        assertEquals(n, reused.size());
        assertTrue(recycled >= n - SlabDescriptor.MAGAZINE_CAPACITY, "only " + recycled + " of " + n
                + " blocks freed by the dead thread were reused");
        assertEquals(reservedBefore, slab.stats().reservedBytes(), "no new memory taken");
        for (long b : reused) {
            slab.free(b);
        }
    }

    @Test
    void fourThreadsAllocatingAndFreeingNeverShareABlock() throws Exception {
        int threads = 4;
        int rounds = 200;
        CyclicBarrier start = new CyclicBarrier(threads);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        // blocks handed between threads through this queue exercise cross-thread frees under contention
        ConcurrentLinkedQueue<long[]> handoff = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                Random rnd = new Random(42 + id);
                long[] live = new long[64];
                long[] stamp = new long[64];
                try {
                    start.await();
                    for (int r = 0; r < rounds; r++) {
                        int n = 1 + rnd.nextInt(live.length);
                        for (int i = 0; i < n; i++) {
                            long size = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(20_000) : 1 + rnd.nextInt(300);
                            live[i] = slab.allocate(size);
                            stamp[i] = ((long) id << 56) ^ ((long) r << 32) ^ i;
                            long bs = slab.blockSize(live[i]);
                            for (long off = 0; off + 8 <= Math.min(bs, 256); off += 8) {
                                Memory.putLong(live[i] + off, stamp[i] + off);
                            }
                        }
                        Thread.yield();
                        for (int i = 0; i < n; i++) {
                            long bs = slab.blockSize(live[i]);
                            for (long off = 0; off + 8 <= Math.min(bs, 256); off += 8) {
                                long v = Memory.getLong(live[i] + off);
                                if (v != stamp[i] + off) {
                                    throw new AssertionError("block 0x" + Long.toHexString(live[i])
                                            + " overwritten at offset " + off + ": handed out twice");
                                }
                            }
                            if (rnd.nextBoolean()) {
                                slab.free(live[i]);
                            } else {
                                handoff.add(new long[] {live[i]});
                            }
                        }
                        long[] other;
                        while ((other = handoff.poll()) != null) {
                            slab.free(other[0]);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        long[] other;
        while ((other = handoff.poll()) != null) {
            slab.free(other[0]);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("worker failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    @Test
    void tenThousandVirtualThreadsLeaveNoLiveBlocks() throws Exception {
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10_000; i++) {
                int id = i;
                ex.submit(() -> {
                    long b = slab.allocate(16 + id % 200);
                    Memory.putLong(b, id);
                    Thread.yield();
                    if (Memory.getLong(b) != id) {
                        throw new AssertionError("block shared between virtual threads");
                    }
                    slab.free(b);
                    return null;
                }).get();
            }
        }
        AllocatorStats s = slab.stats();
        assertEquals(0, s.liveBlocks(), s.toString());
        assertEquals(10_000, s.allocations());
    }

    @Test
    void concurrentVirtualThreadsNeverShareABlock() throws Exception {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2_000; i++) {
                int id = i;
                ex.submit(() -> {
                    try {
                        long[] bs = new long[8];
                        for (int k = 0; k < bs.length; k++) {
                            bs[k] = slab.allocate(32);
                            Memory.putLong(bs[k], id * 8L + k);
                        }
                        Thread.yield();
                        for (int k = 0; k < bs.length; k++) {
                            assertEquals(id * 8L + k, Memory.getLong(bs[k]), "block shared");
                            slab.free(bs[k]);
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
    }

    @Test
    void platformAndVirtualThreadsExchangingBlocksNeverShareOne() throws Exception {
        int platform = 2;
        int virtual = 200;
        int perThread = 3_000;
        java.util.concurrent.LinkedBlockingQueue<long[]> exchange = new java.util.concurrent.LinkedBlockingQueue<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < platform + virtual; t++) {
            int id = t;
            Runnable work = () -> {
                Random rnd = new Random(id);
                try {
                    for (int i = 0; i < perThread / (id < platform ? 1 : 30); i++) {
                        long size = 1 + rnd.nextInt(512);
                        long b = slab.allocate(size);
                        long stamp = ((long) id << 40) | i;
                        Memory.putLong(b, stamp);
                        Memory.putLong(b + slab.blockSize(b) - 8, ~stamp);
                        exchange.add(new long[] {b, stamp});
                        long[] other = exchange.poll();
                        if (other != null) {
                            if (Memory.getLong(other[0]) != other[1]
                                    || Memory.getLong(other[0] + slab.blockSize(other[0]) - 8) != ~other[1]) {
                                throw new AssertionError("block 0x" + Long.toHexString(other[0])
                                        + " changed while in the exchange: handed out twice");
                            }
                            slab.free(other[0]);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            };
            ts.add(id < platform ? Thread.ofPlatform().start(work) : Thread.ofVirtual().start(work));
        }
        for (Thread t : ts) {
            t.join();
        }
        long[] rest;
        while ((rest = exchange.poll()) != null) {
            assertEquals(rest[1], Memory.getLong(rest[0]));
            slab.free(rest[0]);
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
    }

    @Test
    void producersAndConsumersCycleBlocksThroughTheDepotWithoutLossOrDuplication() throws Exception {
        // producers only allocate (their caches refill from the depot), consumers only free (their caches
        // flush to the depot): every block travels through the lock-free depot
        int pairs = 2;
        int perProducer = 100_000;
        java.util.concurrent.ArrayBlockingQueue<long[]> queue = new java.util.concurrent.ArrayBlockingQueue<>(512);
        Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> ts = new ArrayList<>();
        for (int p = 0; p < pairs; p++) {
            int id = p;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        long b = slab.allocate(64);
                        long stamp = ((long) id << 40) | i;
                        Memory.putLong(b, stamp);
                        Memory.putLong(b + 56, ~stamp);
                        if (!queue.offer(new long[] {b, stamp}, 20, java.util.concurrent.TimeUnit.SECONDS)) {
                            throw new AssertionError("consumers stopped");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        long[] e = queue.poll(20, java.util.concurrent.TimeUnit.SECONDS);
                        if (e == null) {
                            throw new AssertionError("producers stopped");
                        }
                        if (Memory.getLong(e[0]) != e[1] || Memory.getLong(e[0] + 56) != ~e[1]) {
                            throw new AssertionError("block 0x" + Long.toHexString(e[0]) + " handed out twice");
                        }
                        seen.add(e[0]);
                        slab.free(e[0]);
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("worker failed");
            failures.forEach(e::addSuppressed);
            throw e;
        }
        // at most 512 queued + 4 threads' caches (64 each) + the depot are ever in use: a few chunks' worth of
        // distinct blocks unless free blocks get lost and new ones carved
        long perChunk = SlabDescriptor.blocksPerChunk(SlabDescriptor.classIndex(64));
        assertTrue(seen.size() <= 3 * perChunk, seen.size() + " distinct blocks cycled: free blocks were lost");
    }

    @Test
    void manyPlatformThreadsGetTheirOwnCachesAndDeadOnesStrandNothing() throws Exception {
        // 64 live threads at once grow the thread-cache table; 5 waves of them die and get swept
        long reservedAfterFirstWave = 0;
        for (int wave = 0; wave < 5; wave++) {
            CyclicBarrier allAlive = new CyclicBarrier(64);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 64; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        long[] bs = new long[40];
                        for (int i = 0; i < bs.length; i++) {
                            bs[i] = slab.allocate(1000);
                            Memory.putLong(bs[i], id * 100L + i);
                        }
                        allAlive.await();
                        for (int i = 0; i < bs.length; i++) {
                            assertEquals(id * 100L + i, Memory.getLong(bs[i]), "block shared between threads");
                            slab.free(bs[i]); // stays in this thread's cache until it dies and is swept
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertTrue(failures.isEmpty(), () -> failures.peek().toString());
            assertEquals(0, slab.stats().liveBlocks());
            if (wave == 0) {
                reservedAfterFirstWave = slab.stats().reservedBytes();
            }
        }
        assertEquals(reservedAfterFirstWave, slab.stats().reservedBytes(),
                "blocks cached by dead threads were reused, not stranded");
    }

    @Test
    void exhaustingTheCapacityThrowsAndFreeingMakesRoom() {
        slab.close();
        slab = SlabAllocator.builder().name("small").sanitize(false).capacity(256 * 1024).build();
        List<Long> blocks = new ArrayList<>();
        OffHeapExhaustedException e = assertThrows(OffHeapExhaustedException.class, () -> {
            while (true) {
                blocks.add(slab.allocate(100));
            }
        });
        assertTrue(e.getMessage().contains("262144"), e.getMessage());
        assertTrue(e.getMessage().contains("capacity"), e.getMessage());
        assertTrue(e.getMessage().contains("live"), e.getMessage());
        assertTrue(e.getMessage().contains("Builder.capacity"), e.getMessage());
        assertEquals(100, e.requestedBytes());
        assertTrue(blocks.size() > 1500, "only " + blocks.size() + " blocks fit in 256 KiB");
        assertTrue(slab.stats().reservedBytes() <= 256 * 1024);
        assertThrows(OffHeapExhaustedException.class, () -> slab.allocate(100_000), "large path checks too");
        for (int i = 0; i < 10; i++) {
            slab.free(blocks.remove(blocks.size() - 1));
        }
        for (int i = 0; i < 10; i++) {
            blocks.add(slab.allocate(100));
        }
        for (long b : blocks) {
            slab.free(b);
        }
    }

    @Test
    void misuseThrowsWithAHelpfulMessage() {
        assertThrows(IllegalArgumentException.class, () -> slab.allocate(0));
        assertThrows(IllegalArgumentException.class, () -> slab.allocate(-1));
        IllegalArgumentException huge = assertThrows(IllegalArgumentException.class, () -> slab.allocate(1L << 40));
        assertTrue(huge.getMessage().contains("2^40"), huge.getMessage());
        assertThrows(IllegalArgumentException.class, () -> slab.allocateZeroed(0));
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> slab.free(0));
        assertTrue(nul.getMessage().contains("null"), nul.getMessage());
        assertThrows(IllegalArgumentException.class, () -> slab.free(-16));
        assertThrows(IllegalArgumentException.class, () -> slab.free(17));
        Random rnd = new Random(7);
        for (int i = 0; i < 1000; i++) {
            long garbage = rnd.nextLong() & 0x0000_7fff_ffff_fff0L;
            if (garbage != 0) {
                assertThrows(IllegalArgumentException.class, () -> slab.free(garbage));
                assertThrows(IllegalArgumentException.class, () -> slab.blockSize(garbage));
            }
        }
        assertThrows(IllegalArgumentException.class, () -> slab.free(Long.MAX_VALUE & -16));
        try (SlabAllocator other = SlabAllocator.builder().sanitize(false).build()) {
            long b = other.allocate(16);
            IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class, () -> slab.free(b));
            assertTrue(foreign.getMessage().contains("another slab allocator"), foreign.getMessage());
            long large = other.allocate(100_000);
            assertThrows(IllegalArgumentException.class, () -> slab.free(large));
            assertThrows(IllegalArgumentException.class, () -> other.free(large + 16), "interior of a large block");
            other.free(large);
            other.free(b);
        }
        assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().capacity(0));
        assertThrows(NullPointerException.class, () -> SlabAllocator.builder().name(null));
        UnsupportedOperationException uoe = assertThrows(UnsupportedOperationException.class, slab::liveBlocks);
        assertTrue(uoe.getMessage().contains("sanitize"), uoe.getMessage());
    }

    @Test
    void everyMethodThrowsAfterCloseExceptReporting() {
        long b = slab.allocate(16);
        slab.free(b);
        long large = slab.allocate(50_000); // close() returns it
        slab.close();
        for (Runnable r : List.<Runnable>of(() -> slab.allocate(16), () -> slab.allocateZeroed(16),
                () -> slab.free(b), () -> slab.blockSize(b), () -> slab.delete(b), () -> slab.sizeOf(b),
                slab::liveBlocks, slab::close)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, r::run);
            assertTrue(e.getMessage().contains("allocator 'test' is closed"), e.getMessage());
        }
        AllocatorStats s = slab.stats();
        assertEquals(0, s.reservedBytes(), "close() returned every segment and large block");
        assertEquals("test", s.name());
        assertTrue(slab.toString().contains("closed"));
        assertTrue(large != 0);
        slab = SlabAllocator.builder().name("test").sanitize(false).build(); // for the after-each check
    }

    @Test
    void deleterFreesAndReportsTheBlockSize() {
        dev.reclaim.Deleter d = slab;
        long b = slab.allocate(40);
        assertEquals(48, d.sizeOf(b));
        d.delete(b);
        assertEquals(0, slab.stats().liveBlocks());
    }

    @Test
    void statsCountBlocksBytesAndPeak() {
        long a = slab.allocate(16);
        long b = slab.allocate(1000);
        long c = slab.allocate(20_000);
        AllocatorStats s = slab.stats();
        assertEquals(3, s.liveBlocks());
        assertEquals(16 + 1024 + 20_000, s.liveBytes());
        assertEquals(3, s.allocations());
        assertEquals(0, s.frees());
        assertTrue(s.reservedBytes() >= SlabDescriptor.CHUNK_SIZE + 20_000);
        assertEquals(false, s.sanitizing());
        slab.free(a);
        slab.free(b);
        slab.free(c);
        s = slab.stats();
        assertEquals(0, s.liveBytes());
        assertEquals(16 + 1024 + 20_000, s.peakLiveBytes());
        assertEquals(3, s.frees());
    }

    @Test
    void steadyStateAllocateAndFreeAllocateNothingOnTheHeap() {
        long[] held = new long[100];
        long sink = 0;
        for (int warm = 0; warm < 3; warm++) {
            for (int i = 0; i < 100_000; i++) {
                int k = i % held.length;
                if (held[k] != 0) {
                    slab.free(held[k]);
                }
                held[k] = slab.allocate(16 + (i % 50) * 16);
                sink += held[k];
            }
        }
        long[] sinks = {sink};
        long allocated = HeapAllocation.fewestBytes(() -> {
            for (int i = 0; i < 100_000; i++) {
                int k = i % held.length;
                slab.free(held[k]);
                held[k] = slab.allocate(16 + (i % 50) * 16);
                sinks[0] += held[k];
            }
        });
        sink = sinks[0];
        for (long b : held) {
            slab.free(b);
        }
        assertTrue(sink != 0);
        assertTrue(allocated < 512, "100_000 allocate+free pairs allocated " + allocated + " heap bytes");
    }
}
