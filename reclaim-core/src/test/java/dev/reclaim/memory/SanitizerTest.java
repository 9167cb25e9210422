package dev.reclaim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sanitizer mode. */
class SanitizerTest {

    private SlabAllocator slab;

    @BeforeEach
    void open() {
        slab = SlabAllocator.builder().name("san").sanitize(true).siteSampling(1).build(); // these tests read the stacks
    }

    @AfterEach
    void close() {
        try {
            slab.close();
        } catch (IllegalStateException alreadyClosed) {
            // closed by the test
        }
        assertFalse(Sanitizer.enabled, "no sanitizing allocator is open any more");
    }

    private static long allocateHere(SlabAllocator slab, long size) {
        return slab.allocate(size);
    }

    private static void freeHere(SlabAllocator slab, long address) {
        slab.free(address);
    }

    @Test
    void useAfterFreeThroughMemoryNamesBothSites() {
        assertTrue(slab.isSanitizing());
        assertTrue(Sanitizer.enabled);
        long b = allocateHere(slab, 32);
        Memory.putLong(b + 8, 1);
        freeHere(slab, b);
        UseAfterFreeException e = assertThrows(UseAfterFreeException.class, () -> Memory.getLong(b + 8));
        String m = e.getMessage();
        assertTrue(m.contains("0x" + Long.toHexString(b + 8)), m);
        assertTrue(m.contains("block 0x" + Long.toHexString(b)), m);
        assertTrue(m.contains("allocated by thread '" + Thread.currentThread().getName() + "'"), m);
        assertTrue(m.contains("allocateHere"), "allocation site frames in message: " + m);
        assertTrue(m.contains("freeHere"), "free site frames in message: " + m);
        assertTrue(m.contains("'san'"), m);
        assertEquals(b + 8, e.address());
        assertEquals(b, e.blockAddress());
        // every accessor is checked
        assertThrows(UseAfterFreeException.class, () -> Memory.putLong(b, 1));
        assertThrows(UseAfterFreeException.class, () -> Memory.getLongAcquire(b));
        assertThrows(UseAfterFreeException.class, () -> Memory.compareAndSetLong(b, 0, 1));
        assertThrows(UseAfterFreeException.class, () -> Memory.getAndAddInt(b + 4, 1));
        assertThrows(UseAfterFreeException.class, () -> Memory.fill(b, 16, (byte) 0));
        assertThrows(UseAfterFreeException.class, () -> slab.blockSize(b));
    }

    @Test
    void freedMemoryIsPoisonedAndNewMemoryIsNotZero() {
        long b = slab.allocate(16);
        assertEquals(0xA5A5A5A5A5A5A5A5L, Memory.getLong(b), "fresh blocks are filled with 0xA5");
        long z = slab.allocateZeroed(16);
        assertEquals(0, Memory.getLong(z));
        slab.free(b);
        // read the poison without the check, as a racing reader in fast mode would see it
        assertEquals((byte) 0xDF, Memory.ALL.get(java.lang.foreign.ValueLayout.JAVA_BYTE, b));
        slab.free(z);
    }

    @Test
    void accessPastTheEndOrBeforeTheStartOfABlockThrows() {
        long b = slab.allocate(24); // class 32
        assertEquals(32, slab.blockSize(b));
        Memory.putLong(b + 24, 1); // inside the block size
        IndexOutOfBoundsException past = assertThrows(IndexOutOfBoundsException.class, () -> Memory.getLong(b + 32));
        assertTrue(past.getMessage().contains("offset 32"), past.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> Memory.getLong(b - 8));
        assertThrows(IndexOutOfBoundsException.class, () -> Memory.fill(b, 33, (byte) 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Memory.getLong(b + 28));
        slab.free(b);
    }

    @Test
    void accessesOutsideSanitizedMemoryPass() {
        try (SlabAllocator fast = SlabAllocator.builder().sanitize(false).build()) {
            long f = fast.allocate(64);
            Memory.putLong(f, 5); // a fast-mode block is not checked
            assertEquals(5, Memory.getLong(f));
            fast.free(f);
        }
    }

    @Test
    void doubleFreeNamesTheAllocationAndFirstFreeSites() {
        long b = allocateHere(slab, 100);
        freeHere(slab, b);
        UseAfterFreeException e = assertThrows(UseAfterFreeException.class, () -> slab.free(b));
        String m = e.getMessage();
        assertTrue(m.startsWith("double free of block 0x" + Long.toHexString(b)), m);
        assertTrue(m.contains("allocateHere"), m);
        assertTrue(m.contains("first freed by thread"), m);
        assertTrue(m.contains("freeHere"), m);
    }

    @Test
    void closeReportsLeaksWithAllocationSitesAfterFreeingThem() {
        long a = allocateHere(slab, 16);
        long b = slab.allocate(5000);
        long c = slab.allocate(3);
        slab.free(c);
        List<LeakedBlock> live = slab.liveBlocks();
        assertEquals(2, live.size());
        assertTrue(live.stream().anyMatch(l -> l.address() == a && l.size() == 16
                && l.allocationSite().contains("allocateHere")), live.toString());
        MemoryLeakException e = assertThrows(MemoryLeakException.class, slab::close);
        assertEquals(2, e.getLeaks().size());
        String m = e.getMessage();
        assertTrue(m.contains("2 block(s)"), m);
        assertTrue(m.contains("0x" + Long.toHexString(a)) && m.contains("0x" + Long.toHexString(b)), m);
        assertTrue(m.contains("allocateHere"), m);
        AllocatorStats s = slab.stats();
        assertEquals(0, s.liveBlocks(), "leaked blocks were freed");
        assertEquals(0, s.reservedBytes(), "quarantine released");
        assertThrows(IllegalStateException.class, () -> slab.allocate(1));
    }

    @Test
    void leakMessageListsAtMostTwentyBlocks() {
        for (int i = 0; i < 30; i++) {
            slab.allocate(16);
        }
        MemoryLeakException e = assertThrows(MemoryLeakException.class, slab::close);
        assertEquals(30, e.getLeaks().size());
        assertTrue(e.getMessage().contains("and 10 more"), e.getMessage());
    }

    @Test
    void freeOfForeignInteriorOrGarbageAddressesThrows() {
        long b = slab.allocate(64);
        assertThrows(IllegalArgumentException.class, () -> slab.free(b + 16));
        assertThrows(IllegalArgumentException.class, () -> slab.free(0));
        assertThrows(IllegalArgumentException.class, () -> slab.free(16));
        assertThrows(IllegalArgumentException.class, () -> slab.free(b + 1));
        try (SlabAllocator other = SlabAllocator.builder().name("other").sanitize(true).build()) {
            long o = other.allocate(16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> slab.free(o));
            assertTrue(e.getMessage().contains("'other'"), e.getMessage());
            other.free(o);
        }
        assertTrue(Sanitizer.enabled, "still enabled while 'san' is open");
        slab.free(b);
    }

    @Test
    void capacityBoundsLiveBytes() {
        slab.close();
        slab = SlabAllocator.builder().name("san").sanitize(true).capacity(1024).build();
        long a = slab.allocate(512);
        long b = slab.allocate(512);
        OffHeapExhaustedException e = assertThrows(OffHeapExhaustedException.class, () -> slab.allocate(16));
        assertTrue(e.getMessage().contains("1024") && e.getMessage().contains("Builder.capacity"), e.getMessage());
        slab.free(a);
        long c = slab.allocate(16);
        slab.free(b);
        slab.free(c);
    }

    @Test
    void statsAreExact() {
        long a = slab.allocate(10);
        long b = slab.allocate(20_000);
        AllocatorStats s = slab.stats();
        assertTrue(s.sanitizing());
        assertEquals(2, s.liveBlocks());
        assertEquals(16 + 20_000, s.liveBytes());
        slab.free(a);
        slab.free(b);
        s = slab.stats();
        assertEquals(0, s.liveBlocks());
        assertEquals(16 + 20_000, s.peakLiveBytes());
        assertEquals(2, s.allocations());
        assertEquals(2, s.frees());
        assertTrue(s.reservedBytes() > 0, "freed blocks sit in quarantine");
    }

    @Test
    void quarantineNeverHandsOutARecentlyFreedAddress() {
        List<Long> freed = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long b = slab.allocate(32);
            assertFalse(freed.contains(b), "address reused while quarantined");
            slab.free(b);
            freed.add(b);
        }
        assertThrows(UseAfterFreeException.class, () -> Memory.getLong(freed.get(0)));
    }

    @Test
    void tenThousandVirtualThreadsLeaveNoLiveBlocks() throws Exception {
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 10_000; i++) {
                int id = i;
                ex.submit(() -> {
                    try {
                        long b = slab.allocate(16 + id % 100);
                        Memory.putLong(b, id);
                        Thread.yield();
                        assertEquals(id, Memory.getLong(b));
                        slab.free(b);
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        assertEquals(0, slab.stats().liveBlocks());
        assertEquals(0, slab.liveBlocks().size());
    }

    @Test
    void concurrentFreesOfOneBlockLetExactlyOneWin() throws Exception {
        for (int round = 0; round < 50; round++) {
            long b = slab.allocate(16);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        slab.free(b);
                    } catch (IllegalStateException e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(3, failures.size(), "round " + round);
        }
    }

    @Test
    void systemPropertyTurnsSanitizerModeOn() {
        String old = System.getProperty("reclaim.sanitize");
        System.setProperty("reclaim.sanitize", "true");
        try (SlabAllocator byProperty = SlabAllocator.create()) {
            assertTrue(byProperty.isSanitizing());
        } finally {
            if (old == null) {
                System.clearProperty("reclaim.sanitize");
            } else {
                System.setProperty("reclaim.sanitize", old);
            }
        }
        try (SlabAllocator explicit = SlabAllocator.builder().sanitize(false).build()) {
            assertFalse(explicit.isSanitizing());
        }
    }
}
