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
import dev.reclaim.memory.UseAfterFreeException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sequential behaviour of {@link MichaelScottQueue}, with a sanitizing allocator so that any stray access fails. */
class MichaelScottQueueTest {

    private static final long EMPTY = QueueConservationRun.EMPTY;

    static Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    static Stream<Scheme> freeingSchemes() {
        return Schemes.freeing();
    }

    private static SlabAllocator sanitizing(String name) {
        return SlabAllocator.builder().name(name).sanitize(true).build();
    }

    /**
     * A sanitizing allocator for schemes that free; a fast one for {@link Scheme#LEAK}, whose polled nodes are
     * never freed and would make a sanitizing allocator's close() report them as leaks.
     */
    private static SlabAllocator allocatorFor(Scheme scheme, String name) {
        return Schemes.frees(scheme) ? sanitizing(name) : SlabAllocator.builder().name(name).build();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void pollsInFirstInFirstOutOrder(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "fifo");
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            for (long v = 1; v <= 100; v++) {
                queue.offer(v);
            }
            assertEquals(100, queue.size());
            for (long v = 1; v <= 100; v++) {
                assertEquals(v, queue.peek(EMPTY));
                assertEquals(v, queue.poll(EMPTY));
            }
            assertEquals(EMPTY, queue.poll(EMPTY));
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void emptyQueueReturnsTheEmptyValueAndStaysUsable(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "empty");
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            assertTrue(queue.isEmpty());
            assertEquals(0, queue.size());
            assertEquals(-7, queue.poll(-7));
            assertEquals(42, queue.peek(42));
            queue.offer(Long.MIN_VALUE + 1);
            queue.offer(0);
            assertFalse(queue.isEmpty());
            assertEquals(Long.MIN_VALUE + 1, queue.peek(EMPTY));
            assertEquals(Long.MIN_VALUE + 1, queue.poll(EMPTY));
            assertEquals(0, queue.poll(EMPTY));
            assertTrue(queue.isEmpty());
            assertEquals(0, queue.size());
            assertEquals(5, queue.peek(5));
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void matchesArrayDequeOnRandomSequentialOperations(Scheme scheme) {
        Random random = new Random(0x5eed);
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (SlabAllocator allocator = allocatorFor(scheme, "model");
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            for (int i = 0; i < 20_000; i++) {
                int op = random.nextInt(6);
                if (op < 2) {
                    long v = random.nextLong();
                    if (v == EMPTY) {
                        v = 0;
                    }
                    queue.offer(v);
                    model.offer(v);
                } else if (op < 4) {
                    Long expected = model.poll();
                    assertEquals(expected == null ? EMPTY : expected, queue.poll(EMPTY), "poll #" + i);
                } else if (op < 5) {
                    Long expected = model.peek();
                    assertEquals(expected == null ? EMPTY : expected, queue.peek(EMPTY), "peek #" + i);
                } else {
                    assertEquals(model.isEmpty(), queue.isEmpty(), "isEmpty #" + i);
                    assertEquals(model.size(), queue.size(), "size #" + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void closeFreesEveryNodeTheDummyAndTheRoot(Scheme scheme) {
        SlabAllocator allocator = sanitizing("close-frees");
        Reclaimer reclaimer = scheme.create();
        MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
        for (long v = 0; v < 1_000; v++) {
            queue.offer(v);
        }
        for (int i = 0; i < 400; i++) {
            queue.poll(EMPTY); // some nodes are retired, some stay in the queue
        }
        assertTrue(allocator.stats().liveBlocks() > 600, "nodes still in the queue are live before close");
        queue.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(),
                "after queue.close() and reclaimer.close() no block may be live; live: " + allocator.liveBlocks());
        allocator.close(); // sanitizer mode: would throw MemoryLeakException if anything were live
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void useAfterCloseThrowsIllegalStateNamingTheFix(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "after-close");
             Reclaimer reclaimer = scheme.create()) {
            MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
            queue.offer(1);
            queue.close();
            assertTrue(queue.isClosed());
            for (Runnable op : new Runnable[] {() -> queue.offer(2), () -> queue.poll(EMPTY),
                    () -> queue.peek(EMPTY), queue::isEmpty, queue::size}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
                assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("before close()"),
                        e.getMessage());
            }
            IllegalStateException twice = assertThrows(IllegalStateException.class, queue::close);
            assertTrue(twice.getMessage().contains("exactly once"), twice.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void operationsAfterTheReclaimerClosedThrowIllegalStateAndAllocateNothing(Scheme scheme) {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = scheme.create();
            MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);
            queue.offer(1);
            reclaimer.close();
            long live = allocator.stats().liveBlocks();
            assertThrows(IllegalStateException.class, () -> queue.poll(EMPTY));
            assertThrows(IllegalStateException.class, () -> queue.offer(2));
            assertEquals(live, allocator.stats().liveBlocks(), "a rejected offer must not allocate a node");
            queue.close(); // closing the queue after its reclaimer is allowed and frees the remaining nodes
            assertEquals(0, allocator.stats().liveBlocks());
        }
    }

    @Test
    void constructorRejectsNullsAndAClosedReclaimer() {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = Scheme.LEAK.create();
            NullPointerException npe = assertThrows(NullPointerException.class,
                    () -> new MichaelScottQueue(null, allocator));
            assertTrue(npe.getMessage().contains("Scheme.EBR.create()"), npe.getMessage());
            assertThrows(NullPointerException.class, () -> new MichaelScottQueue(reclaimer, null));
            reclaimer.close();
            IllegalStateException ise = assertThrows(IllegalStateException.class,
                    () -> new MichaelScottQueue(reclaimer, allocator));
            assertTrue(ise.getMessage().contains("open reclaimer"), ise.getMessage());
            assertEquals(0, allocator.stats().liveBlocks(), "a rejected constructor must not allocate");
        }
    }

    /**
     * When the allocator is full, offer throws the allocator's exception, leaves the queue unchanged (no value
     * lost, none half-enqueued), and works again once polled nodes have been reclaimed.
     */
    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void exhaustedAllocatorFailsTheOfferClearlyAndLosesNoValue(Scheme scheme) {
        SlabAllocator allocator = SlabAllocator.builder().name("tiny").sanitize(true).capacity(4096).build();
        Reclaimer reclaimer = scheme.create();
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
        queue.close();
        reclaimer.close();
        allocator.close(); // sanitizer mode: throws MemoryLeakException if the failed offers leaked a block
    }

    /**
     * Tail lags behind the last node (an offer linked its node and stalled before swinging tail): poll must help
     * tail forward before moving head past it, and offer must help before linking its own node.
     */
    @ParameterizedTest
    @MethodSource("allSchemes")
    void pollAndOfferHelpALaggingTail(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "lagging-tail");
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
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

    /**
     * The dummy and the first node a reader protected must stay readable while its guard is open, even after
     * another thread polled (and retired) the dummy; once the guard is closed and the reclaimer synchronized,
     * the dummy is freed, which the sanitizer proves by failing the same read (the negative control that shows
     * the sanitizer is active).
     */
    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void protectedNodesOutliveTheirPollUntilTheGuardCloses(Scheme scheme) throws InterruptedException {
        try (SlabAllocator allocator = sanitizing("protect");
             Reclaimer reclaimer = scheme.create();
             MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
            queue.offer(11);
            queue.offer(22);
            long headAddress = queue.rootAddress() + HEAD_OFFSET;
            long dummy;
            try (Guard g = reclaimer.enter()) {
                dummy = g.protect(0, headAddress);
                long first = g.protect(1, dummy + NEXT_OFFSET);
                AtomicLong polledElsewhere = new AtomicLong();
                Thread poller = Thread.ofPlatform().start(() -> {
                    polledElsewhere.set(queue.poll(EMPTY));
                    reclaimer.flush();
                });
                poller.join();
                assertEquals(11, polledElsewhere.get());
                assertEquals(first, Memory.getLong(dummy + NEXT_OFFSET),
                        "the polled dummy must stay allocated while a guard protects it");
                assertEquals(11, Memory.getLong(first + VALUE_OFFSET));
            }
            reclaimer.synchronize();
            assertThrows(UseAfterFreeException.class, () -> Memory.getLong(dummy + NEXT_OFFSET),
                    "after the guard closed and synchronize() returned, the old dummy must have been freed");
            assertEquals(22, queue.poll(EMPTY));
        }
    }
}
