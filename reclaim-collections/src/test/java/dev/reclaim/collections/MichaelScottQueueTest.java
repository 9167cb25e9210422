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
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.robust.RobustReclaimer;
import dev.reclaim.testing.Workers;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MichaelScottQueue}: the container suite, exhaustion, helping a lagging tail, and the garbage bound its
 * birth eras give under the robust scheme.
 */
class MichaelScottQueueTest extends ContainerSuite {

    @Override
    LongContainer create(Reclaimer reclaimer, SlabAllocator allocator) {
        return LongContainer.of(new MichaelScottQueue(reclaimer, allocator));
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

    // ---------------------------------------------------------------- garbage bound under the robust scheme

    /*
     * 4 threads offer and poll on a queue of about BOUND_LIVE values, with and without a reader parked in a guard.
     * In a FIFO every node lives for the whole queue length, so a guard that stalls -- the parked reader, or just
     * a worker descheduled in the middle of a poll -- keeps every node polled during its pause, up to the
     * queue's length. Pending garbage must stay within RobustReclaimer.garbageBound(int, long) counted over
     * every guard that may be open (the workers and the parked reader), while under EBR the same run with a
     * parked reader keeps every polled node, far above that bound.
     */

    private static final int BOUND_THREADS = 4;
    private static final int BOUND_LIVE = 1_000;
    private static final int BOUND_PAIRS = 25_000; // per thread: offer then poll, so the queue stays near LIVE
    /** The queue's largest possible length: LIVE plus one offer in flight per worker, plus the dummy. */
    private static final long MAX_NODES = BOUND_LIVE + BOUND_THREADS + 1;

    @Test
    void pendingStaysWithinTheRobustBoundForEveryWorkerGuardWithoutAStalledReader() throws Exception {
        RobustReclaimer r = check.reclaimer(RobustReclaimer::create);
        long bound = r.garbageBound(BOUND_THREADS, MAX_NODES);
        long peak = runWithWorkers(r, false);
        assertTrue(peak <= bound, "robust, no stalled reader: peak pending " + peak + " > bound " + bound);
    }

    @Test
    void pendingStaysWithinTheRobustBoundWithAStalledReaderWhileEbrKeepsEveryPolledNode() throws Exception {
        RobustReclaimer robust = check.reclaimer(RobustReclaimer::create);
        long bound = robust.garbageBound(BOUND_THREADS + 1, MAX_NODES); // the workers and the parked reader
        long robustPeak = runWithWorkers(robust, true);
        assertTrue(robustPeak <= bound, "robust, stalled reader: peak pending " + robustPeak + " > bound " + bound);
        long ebrPeak = runWithWorkers(check.reclaimer(EpochReclaimer::create), true);
        // The same workload violates the bound when birth eras are not used (EBR keeps everything): the bound
        // is tight enough to catch a queue that retired its nodes without their birth era.
        assertTrue(ebrPeak > 3 * bound, "ebr keeps every polled node while a reader stalls: peak " + ebrPeak
                + ", robust bound " + bound);
    }

    /**
     * Fills the queue with LIVE values, optionally parks a guard that read head, then lets the workers offer and
     * poll PAIRS times each; returns the peak pending garbage (the reclaimer's own peak, taken at every scan, and
     * the pending count sampled meanwhile by this thread).
     */
    private long runWithWorkers(Reclaimer r, boolean stall) throws Exception {
        AtomicLong sampledPeak = new AtomicLong();
        SlabAllocator allocator = check.allocator(b -> b.name("msq-bound-" + r.scheme().id()));
        try (MichaelScottQueue queue = new MichaelScottQueue(r, allocator)) {
            for (int i = 0; i < BOUND_LIVE; i++) {
                queue.offer(i);
            }
            Guard stalled = null;
            if (stall) {
                stalled = r.enter(); // the parked reader: holds head's node and its reservation for the whole run
                stalled.protect(0, queue.rootAddress() + HEAD_OFFSET);
            }
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    sampledPeak.accumulateAndGet(r.stats().pending(), Math::max);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                Workers.run(BOUND_THREADS, Thread.ofPlatform().name("msq-bound-", 0).factory(), id -> {
                    for (int i = 0; i < BOUND_PAIRS; i++) {
                        queue.offer(i);
                        if (queue.poll(-1) == -1) {
                            throw new AssertionError("the queue ran empty although it holds about " + BOUND_LIVE);
                        }
                    }
                });
            } finally {
                sampler.interrupt();
                sampler.join();
            }
            long peak = Math.max(sampledPeak.get(), r.stats().peakPending());
            assertEquals((long) BOUND_THREADS * BOUND_PAIRS, r.stats().retired(), "every poll retired its old dummy");
            if (stalled != null) {
                stalled.close();
            }
            r.synchronize();
            assertEquals(0, r.stats().pending(), r.scheme().id() + ": everything freed once the reader left");
            return peak;
        }
    }
}
