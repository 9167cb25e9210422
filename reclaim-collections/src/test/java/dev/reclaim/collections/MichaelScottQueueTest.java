package dev.reclaim.collections;

import static dev.reclaim.collections.MichaelScottQueueLayout.BIRTH_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.HEAD_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.NEXT_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.NODE_SIZE;
import static dev.reclaim.collections.MichaelScottQueueLayout.SEQ_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.TAIL_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.VALUE_OFFSET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MichaelScottQueue}: the container suite, exhaustion, and helping a lagging tail (its robust garbage
 * bound: {@link MichaelScottQueueRobustBoundTest}).
 */
class MichaelScottQueueTest extends ContainerSuite {

    MichaelScottQueueTest() {
        super((reclaimer, allocator) -> LongContainer.of(new MichaelScottQueue(reclaimer, allocator)));
    }

    @Test
    void theBackoffIsTheOneGivenAndNeverNull() {
        Reclaimer reclaimer = check.reclaimer(Scheme.EBR);
        SlabAllocator allocator = check.allocator();
        NullPointerException npe = assertThrows(NullPointerException.class,
                () -> new MichaelScottQueue(reclaimer, allocator, null));
        assertTrue(npe.getMessage().contains("Backoff.none()"), npe.getMessage());
        assertEquals(0, allocator.stats().liveBlocks(), "a rejected constructor must not allocate");
        try (MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            assertEquals(Backoff.standard(), queue.backoff());
        }
        try (MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator, Backoff.none())) {
            assertEquals(Backoff.none(), queue.backoff());
        }
    }

    static Stream<Arguments> schemesAndBackoffs() {
        return Schemes.freeing().flatMap(s -> Stream.of(Backoff.none(), Backoff.exponential(1, 1))
                .map(b -> Arguments.of(s, b)));
    }

    /** Contention under the sanitizer with no back-off and with one that yields from the second failure. */
    @ParameterizedTest
    @MethodSource("schemesAndBackoffs")
    void contendedOfferAndPollConserveEveryValueInOrderWithEveryBackoff(Scheme scheme, Backoff backoff)
            throws Exception {
        try (MichaelScottQueue queue = new MichaelScottQueue(check.reclaimer(scheme),
                check.allocator(b -> b.sanitize(true)), backoff)) {
            ConservationRun.run(LongContainer.of(queue), 4, 50_000, 50, 20261206L, Thread.ofPlatform().factory());
            assertTrue(queue.isEmpty());
        }
    }

    /** Protects the dummy (the node a poll retires) and the first node, whose value the poll returns. */
    @Override
    LongSupplier protectNextRemoved(LongContainer queue, Guard g) {
        long dummy = g.protect(0, queue.rootAddress() + HEAD_OFFSET);
        long first = g.protect(1, dummy + NEXT_OFFSET);
        return () -> {
            assertEquals(first, Memory.getLong(dummy + NEXT_OFFSET), "the polled dummy still links the first node");
            return Memory.getLong(first + VALUE_OFFSET);
        };
    }

    /**
     * When the allocator is full, offer throws the allocator's exception, leaves the queue unchanged (no value
     * lost, none half-enqueued), and works again once polled nodes have been reclaimed.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void exhaustedAllocatorFailsTheOfferClearlyAndLosesNoValue(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.name("tiny").sanitize(true).capacity(4096));
        Reclaimer reclaimer = check.reclaimer(scheme);
        MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
        long offered = 0;
        OffHeapExhaustedException full = null;
        while (full == null) {
            try {
                queue.offer(offered);
                offered++;
            } catch (OffHeapExhaustedException e) {
                full = e;
            }
            assertTrue(offered < 10_000, "a 4 KiB allocator must fill up");
        }
        assertTrue(offered > 10, "the allocator should hold some nodes before it is full: " + offered);
        assertTrue(full.getMessage().contains("capacity"), full.getMessage());
        assertEquals(offered, queue.size(), "the failed offer must not count");
        OffHeapExhaustedException again = assertThrows(OffHeapExhaustedException.class, () -> queue.offer(-1));
        assertNotEquals(null, again.getMessage());
        for (long v = 0; v < offered / 2; v++) {
            assertEquals(v, queue.poll(EMPTY), "values offered before exhaustion come out in order");
        }
        reclaimer.synchronize(); // the polled nodes are freed: room for new offers
        queue.offer(1_000_000);
        for (long v = offered / 2; v < offered; v++) {
            assertEquals(v, queue.poll(EMPTY), "no value was lost by the failed offers");
        }
        assertEquals(1_000_000, queue.poll(EMPTY));
        assertEquals(EMPTY, queue.poll(EMPTY));
        // sanitizer mode: closing the allocator throws MemoryLeakException if the failed offers leaked a block
        assertClosingFreesEveryBlock(queue, reclaimer, allocator);
    }

    /**
     * Tail lags behind the last node (an offer linked its node and stalled before swinging tail): poll must help
     * tail forward before moving head past it, and offer must help before linking its own node.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void pollAndOfferHelpALaggingTail(Scheme scheme) {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        try (MichaelScottQueue queue = new MichaelScottQueue(check.reclaimer(scheme), allocator)) {
            long root = queue.rootAddress();
            long dummy = Memory.getLongVolatile(root + TAIL_OFFSET);
            long stalled = linkWithoutSwingingTail(allocator, dummy, 7);
            assertEquals(dummy, Memory.getLongVolatile(root + TAIL_OFFSET), "tail lags before the poll");
            assertFalse(queue.isEmpty(), "a linked node is in the queue even while tail lags");
            assertEquals(7, queue.poll(EMPTY));
            assertEquals(stalled, Memory.getLongVolatile(root + TAIL_OFFSET), "poll helped tail forward");
            assertEquals(stalled, Memory.getLongVolatile(root + HEAD_OFFSET), "head never passes tail");

            long stalled2 = linkWithoutSwingingTail(allocator, stalled, 8);
            queue.offer(9); // must first help tail to stalled2, then link behind it
            assertEquals(8, queue.poll(EMPTY));
            assertEquals(9, queue.poll(EMPTY));
            assertNotEquals(stalled2, Memory.getLongVolatile(root + TAIL_OFFSET));
            assertEquals(EMPTY, queue.poll(EMPTY));
        }
    }

    /** Does the first half of an offer: links a node behind {@code last} and leaves tail where it is. */
    private static long linkWithoutSwingingTail(SlabAllocator allocator, long last, long value) {
        long node = allocator.allocate(NODE_SIZE);
        Memory.putLong(node + VALUE_OFFSET, value);
        Memory.putLong(node + NEXT_OFFSET, 0);
        Memory.putLong(node + BIRTH_OFFSET, 0);
        Memory.putLong(node + SEQ_OFFSET, Memory.getLong(last + SEQ_OFFSET) + 1);
        assertTrue(Memory.compareAndSetLong(last + NEXT_OFFSET, 0, node));
        return node;
    }
}
