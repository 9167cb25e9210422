package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import dev.reclaim.testing.Workers;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link BytesHashMap}'s blobs are the index's list nodes: an entry is one block, an update one allocation and
 * one retirement, a replaced or removed blob is retired exactly once (by the index) and freed, a blob that lost
 * an insert race is freed by the thread that built it, and close frees every blob. Counted on the allocator's
 * and the reclaimer's counters, under the sanitizer (a double free or a use after free throws).
 */
class BytesHashMapBlobNodeTest {

    private static final int UPDATES = 200;
    private static final int MAX_RACE_ROUNDS = 40_000;
    private static final int WANTED_LOST_RACES = 3;

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static MemorySegment bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return MemorySegment.ofArray(b);
    }

    /** A 16-byte key distinct for every {@code i}. */
    private static MemorySegment key(int i) {
        MemorySegment k = bytes(16, i);
        k.set(ValueLayout.JAVA_INT_UNALIGNED, 0, i);
        return k;
    }

    @Test
    void aSixteenByteKeyAndAHundredByteValueTakeOneBlockOf160Bytes() {
        SlabAllocator allocator = check.allocator();
        try (BytesHashMap m = new BytesHashMap(check.reclaimer(Scheme.EBR), allocator)) {
            long blocks = allocator.stats().liveBlocks();
            long bytes = allocator.stats().liveBytes();
            assertTrue(m.put(bytes(16, 1), bytes(100, 2)));
            assertEquals(blocks + 1, allocator.stats().liveBlocks(), "one block per entry: the blob is the node");
            assertEquals(160, allocator.stats().liveBytes() - bytes, "header 32 + lengths 8 + key 16 + value 104");
        }
    }

    /**
     * Replacing a value and removing a key each allocate at most one block and retire exactly one; once the
     * reclaimer has caught up, only the live blob is left.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void eachReplacedOrRemovedBlobIsRetiredOnceAndFreed(Scheme scheme) {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        MemorySegment key = bytes(16, 7);
        MemorySegment buf = MemorySegment.ofArray(new byte[128]);
        try (BytesHashMap m = new BytesHashMap(reclaimer, allocator)) {
            assertTrue(m.put(key, bytes(100, 0)));
            long blocks = allocator.stats().liveBlocks();
            long allocations = allocator.stats().allocations();
            long retired = reclaimer.stats().retired();
            for (int i = 1; i <= UPDATES; i++) {
                assertFalse(m.put(key, bytes(100, i)));
            }
            assertTrue(m.remove(key));
            assertTrue(m.put(key, bytes(100, UPDATES + 1)));
            reclaimer.synchronize();
            assertEquals(UPDATES + 1, allocator.stats().allocations() - allocations,
                    "one allocation per replacement and per insert, none per removal");
            assertEquals(UPDATES + 1, reclaimer.stats().retired() - retired,
                    "one retirement per replaced or removed blob");
            assertEquals(0, reclaimer.stats().pending(), "every retired blob reclaimed");
            assertEquals(blocks, allocator.stats().liveBlocks(), "every retired blob freed, the live one kept");
            assertEquals(100, m.get(key, buf));
            assertEquals(bytes(100, UPDATES + 1).get(ValueLayout.JAVA_BYTE, 99), buf.get(ValueLayout.JAVA_BYTE, 99));
        }
        assertEquals(0, allocator.stats().liveBlocks(), "close freed the last blob and the index");
    }

    /**
     * The index's node operations on caller-built nodes, one guard: an insert of a present key leaves the node
     * to its builder; a replacement or removal of a node that is no longer present fails and changes nothing.
     */
    @Test
    void nodeOperationsActOnlyOnThePresentNode() {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(Scheme.EBR);
        long key = 42;
        try (LongHashMap index = new LongHashMap(reclaimer, allocator, 0, BytesHashMap.INDEX_LOAD_FACTOR, true)) {
            long blocks = allocator.stats().liveBlocks();
            long retired = reclaimer.stats().retired();
            try (Guard g = reclaimer.enter()) {
                long a = node(g, allocator, key, 1);
                assertTrue(index.insertNodeIn(g, key, a));
                long b = node(g, allocator, key, 2);
                assertFalse(index.insertNodeIn(g, key, b), "the key is present: b stays the caller's");
                allocator.free(b);
                assertEquals(a, index.locateNodeInto(g, key, 3));
                long c = node(g, allocator, key, 3);
                assertTrue(index.replaceNodeIn(g, key, a, c));
                long d = node(g, allocator, key, 4);
                assertFalse(index.replaceNodeIn(g, key, a, d), "a was replaced: d stays the caller's");
                allocator.free(d);
                assertFalse(index.removeNodeIn(g, key, a), "a is no longer present");
                assertEquals(c, index.locateNode(g, key));
                assertTrue(index.removeNodeIn(g, key, c));
                assertEquals(0, index.locateNodeInto(g, key, 3));
            }
            reclaimer.synchronize();
            assertEquals(2, reclaimer.stats().retired() - retired, "a and c, each once");
            assertEquals(blocks, allocator.stats().liveBlocks(), "a and c freed by the reclaimer, b and d by us");
        }
    }

    private static long node(Guard g, SlabAllocator allocator, long key, long value) {
        long n = allocator.allocate(48);
        LongHashMap.initNode(g, n, key, value);
        return n;
    }

    /**
     * Two threads race to insert the same fresh keys; a thread whose blob lost the race frees it. Runs until a
     * few lost races happened (each is an allocation beyond one per key), bounded; the allocator must end with
     * exactly one blob per key.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void aBlobThatLostAnInsertRaceIsFreedByItsBuilder(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        try (BytesHashMap m = new BytesHashMap(reclaimer, allocator, MAX_RACE_ROUNDS)) {
            long blocks = allocator.stats().liveBlocks();
            long allocations = allocator.stats().allocations();
            AtomicInteger round = new AtomicInteger();
            AtomicInteger arrived = new AtomicInteger();
            AtomicLong inserted = new AtomicLong();
            AtomicLong lost = new AtomicLong();
            Workers.run(2, Thread.ofPlatform().factory(), t -> {
                for (int r = 0; r < MAX_RACE_ROUNDS; r++) {
                    while (round.get() < r) {
                        Thread.onSpinWait();
                    }
                    if (lost.get() >= WANTED_LOST_RACES) {
                        return; // both threads see the same count: the previous round is complete
                    }
                    if (m.putIfAbsent(key(r), bytes(100, t))) {
                        inserted.incrementAndGet();
                    }
                    if (arrived.incrementAndGet() == 2 * (r + 1)) {
                        lost.set(allocator.stats().allocations() - allocations - inserted.get());
                        round.set(r + 1);
                    }
                }
            });
            long keys = inserted.get();
            System.out.printf("%s: %d lost insert races in %d rounds%n", scheme.id(), lost.get(), keys);
            assertEquals(round.get(), keys, "exactly one insert per key");
            assertEquals(keys, m.size());
            assertEquals(blocks + keys, allocator.stats().liveBlocks(), "one blob per key: every loser freed");
            assertTrue(lost.get() >= WANTED_LOST_RACES || round.get() == MAX_RACE_ROUNDS,
                    "the run ends early only after lost races");
        }
    }

    /** Closing frees every blob, those holding several colliding keys too; the reclaimer frees the rest. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void closingTheMapThenTheReclaimerLeavesNoLiveBlock(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        BytesHashMap m = new BytesHashMap(reclaimer, allocator, 16, 3); // four hashes: multi-entry blobs
        for (int i = 0; i < 300; i++) {
            m.put(bytes(1 + i % 20, i % 40), bytes(i % 120, i));
            if (i % 3 == 0) {
                m.remove(bytes(1 + (i / 3) % 20, (i / 3) % 40));
            }
        }
        assertTrue(m.size() > 0);
        StructureSuite.assertClosingFreesEveryBlock(m, reclaimer, allocator);
    }
}
