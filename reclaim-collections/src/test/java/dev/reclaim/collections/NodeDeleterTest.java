package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.internal.CachingDeleter;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Structures retire their nodes with a {@link NodeDeleter}: the reclaimer's pending bytes are the nodes' block
 * size, as if the allocator had looked each one up, and the nodes are still freed to the allocator.
 */
class NodeDeleterTest {

    private static final int NODES = 1000;

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void poppedNodesArePendingWithTheirBlockSizeAndFreedToTheAllocator() {
        Reclaimer r = check.reclaimer(Scheme.EBR);
        SlabAllocator allocator = check.allocator();
        try (TreiberStack stack = new TreiberStack(r, allocator)) {
            for (int i = 0; i < NODES; i++) {
                stack.push(i);
            }
            try (Guard held = r.enter()) { // an open guard under EBR: nothing popped from here on is freed
                for (int i = 0; i < NODES; i++) {
                    stack.pop(-1);
                }
                r.flush();
                long blockSize = allocator.blockSizeFor(TreiberStackLayout.NODE_SIZE);
                assertTrue(blockSize >= TreiberStackLayout.NODE_SIZE);
                assertEquals(NODES, r.stats().pending());
                assertEquals(NODES * blockSize, r.stats().pendingBytes(), r.stats().toString());
            }
            r.synchronize();
            assertEquals(0, r.stats().pending());
            assertEquals(0, r.stats().pendingBytes());
        }
        assertEquals(0, allocator.stats().liveBlocks(), "every node went back to the allocator");
    }

    @Test
    void polledQueueNodesArePendingWithTheirBlockSize() {
        Reclaimer r = check.reclaimer(Scheme.EBR);
        SlabAllocator allocator = check.allocator();
        try (MichaelScottQueue queue = new MichaelScottQueue(r, allocator)) {
            for (int i = 0; i < NODES; i++) {
                queue.offer(i);
            }
            try (Guard held = r.enter()) {
                for (int i = 0; i < NODES; i++) {
                    queue.poll(-1);
                }
                r.flush();
                assertEquals(NODES, r.stats().pending());
                assertEquals(NODES * allocator.blockSizeFor(MichaelScottQueueLayout.NODE_SIZE),
                        r.stats().pendingBytes());
            }
            r.synchronize();
        }
    }

    @Test
    void removedListNodesArePendingWithTheirBlockSize() {
        Reclaimer r = check.reclaimer(Scheme.EBR);
        SlabAllocator allocator = check.allocator();
        try (HarrisMichaelList list = new HarrisMichaelList(r, allocator)) {
            for (int i = 0; i < NODES; i++) {
                list.put(i, i, -1);
            }
            try (Guard held = r.enter()) {
                for (int i = 0; i < NODES; i++) {
                    list.remove(i, -1);
                }
                r.flush();
                long pending = r.stats().pending();
                assertTrue(pending >= NODES, "removed nodes pending: " + pending);
                assertEquals(pending * allocator.blockSizeFor(OrderedListLayout.NODE_SIZE), r.stats().pendingBytes());
            }
            r.synchronize();
        }
    }

    @Test
    void aSanitizingAllocatorIsItsOwnNodeDeleterSoRetireStillChecksTheBlock() {
        SlabAllocator sanitizing = check.allocator(b -> b.sanitize(true));
        assertSame(sanitizing, NodeDeleter.of(sanitizing, 16));
        SlabAllocator fast = check.allocator();
        assertNotSame(fast, NodeDeleter.of(fast, 16));
        assertEquals(fast.blockSizeFor(24), NodeDeleter.of(fast, 24).sizeOf(0));
    }

    /**
     * EBR's bag runs trim the running thread's allocator cache only through a {@link CachingDeleter}: a queue's
     * node deleter that were a plain {@code Deleter} would silently lose that, and the other structures' must
     * stay plain (trimmed, the stack measured slower). Negative control, run by hand: with
     * {@code NodeDeleter.HandedOff} not a {@code CachingDeleter} this fails.
     */
    @Test
    void aQueuesNodeDeleterFreesWithTheTrimOfEbrBagRuns() {
        SlabAllocator fast = check.allocator();
        assertFalse(NodeDeleter.of(fast, 16) instanceof CachingDeleter,
                "only a queue's node deleter asks EBR's bag runs for the trim");
        CachingDeleter d = assertInstanceOf(CachingDeleter.class, NodeDeleter.handedOff(fast, 16),
                "the node deleter must be a CachingDeleter so that EBR's bag runs trim the thread's cache");
        long[] blocks = new long[100];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = fast.allocate(16);
        }
        d.deleteAllAndTrim(blocks, 0, blocks.length);
        assertEquals(0, fast.stats().liveBlocks(), "every block freed once");
    }
}
