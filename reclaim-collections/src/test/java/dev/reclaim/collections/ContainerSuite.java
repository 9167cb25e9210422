package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tests every stack and queue passes ({@link LongContainer}): removal order against an {@link ArrayDeque},
 * the empty value, a protected node outliving its removal, use after the reclaimer closed, conservation of
 * values under platform and virtual threads (and order per producer for a queue), and everything of
 * {@link StructureSuite}. Sanitizing allocators wherever a stray access could happen.
 */
abstract class ContainerSuite extends StructureSuite<LongContainer> {

    static final long EMPTY = ConservationRun.EMPTY;

    /**
     * Protects the node that the next remove unlinks (and whatever else the reader of it needs) in {@code g}, and
     * returns a read of the value that remove returns, through the protected nodes: it must succeed while
     * {@code g} is open and throw {@link UseAfterFreeException} once the node is freed.
     *
     * @param container the container, sanitizing allocator, holding at least two values
     * @param g         an open guard
     * @return the read
     */
    abstract LongSupplier protectNextRemoved(LongContainer container, Guard g);

    /**
     * A suite for one container.
     *
     * @param factory makes the container
     */
    ContainerSuite(BiFunction<Reclaimer, SlabAllocator, LongContainer> factory) {
        super(factory, LongContainer::isClosed);
    }

    @Override
    final void churn(LongContainer container, SlabAllocator allocator) {
        for (long v = 0; v < 1_000; v++) {
            container.add(v);
        }
        for (int i = 0; i < 400; i++) {
            container.remove(EMPTY); // some nodes are retired, some stay in the container
        }
        assertTrue(allocator.stats().liveBlocks() > 600, "nodes still in the container are live before close");
    }

    @Override
    final List<Executable> operations(LongContainer c) {
        List<Executable> ops = new ArrayList<>(List.of(() -> c.add(2), () -> c.remove(EMPTY), c::isEmpty, c::size));
        if (c.hasPeek()) {
            ops.add(() -> c.peek(EMPTY));
        }
        return ops;
    }

    @Override
    final LongUnaryOperator steadyState(LongContainer c) {
        for (int i = 0; i < 8; i++) {
            c.add(i); // the loop never empties the container
        }
        return n -> {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                c.add(i);
                if (c.hasPeek()) {
                    sum += c.peek(-1);
                }
                sum += c.remove(-1);
            }
            return sum;
        };
    }

    @Override
    final String torture(LongContainer c) throws InterruptedException {
        int threads = 4;
        int totalOps = 1_000_000;
        long added = ConservationRun.run(c, threads, totalOps / threads, 50, 20240601L, Thread.ofPlatform().factory());
        return totalOps + " ops (" + added + " adds) by " + threads + " threads";
    }

    /** A sanitizing allocator for schemes that free; a fast one for the leak baseline (nothing to check). */
    private SlabAllocator allocatorFor(Scheme scheme) {
        return check.allocator(b -> b.sanitize(Schemes.frees(scheme)));
    }

    // ---------------------------------------------------------------- sequential

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void removesInStackOrQueueOrder(Scheme scheme) throws Exception {
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (LongContainer c = create(check.reclaimer(scheme), allocatorFor(scheme))) {
            for (long v = 1; v <= 100; v++) {
                c.add(v);
                c.addTo(model, v);
            }
            assertEquals(100, c.size());
            for (Long expected; (expected = model.poll()) != null; ) {
                if (c.hasPeek()) {
                    assertEquals(expected, c.peek(EMPTY));
                }
                assertEquals(expected, c.remove(EMPTY));
            }
            assertEquals(EMPTY, c.remove(EMPTY));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void emptyContainerReturnsTheEmptyValueAndStaysUsable(Scheme scheme) throws Exception {
        try (LongContainer c = create(check.reclaimer(scheme), allocatorFor(scheme))) {
            assertTrue(c.isEmpty());
            assertEquals(0, c.size());
            assertEquals(-7, c.remove(-7));
            assertEquals(42, c.remove(42));
            if (c.hasPeek()) {
                assertEquals(42, c.peek(42));
            }
            ArrayDeque<Long> model = new ArrayDeque<>();
            for (long v : new long[] {Long.MIN_VALUE + 1, 0}) {
                c.add(v);
                c.addTo(model, v);
            }
            assertFalse(c.isEmpty());
            for (Long expected; (expected = model.poll()) != null; ) {
                if (c.hasPeek()) {
                    assertEquals(expected, c.peek(EMPTY));
                }
                assertEquals(expected, c.remove(EMPTY));
            }
            assertTrue(c.isEmpty());
            assertEquals(0, c.size());
            if (c.hasPeek()) {
                assertEquals(5, c.peek(5));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void matchesArrayDequeOnRandomSequentialOperations(Scheme scheme) throws Exception {
        Random random = new Random(0x5eed);
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (LongContainer c = create(check.reclaimer(scheme), allocatorFor(scheme))) {
            for (int i = 0; i < 20_000; i++) {
                int op = random.nextInt(c.hasPeek() ? 6 : 5);
                if (op < 2) {
                    long v = random.nextLong();
                    if (v == EMPTY) {
                        v = 0;
                    }
                    c.add(v);
                    c.addTo(model, v);
                } else if (op < 4) {
                    Long expected = model.poll();
                    assertEquals(expected == null ? EMPTY : expected, c.remove(EMPTY), "remove #" + i);
                } else if (op < 5 && c.hasPeek()) {
                    Long expected = model.peek();
                    assertEquals(expected == null ? EMPTY : expected, c.peek(EMPTY), "peek #" + i);
                } else {
                    assertEquals(model.isEmpty(), c.isEmpty(), "isEmpty #" + i);
                    assertEquals(model.size(), c.size(), "size #" + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void operationsAfterTheReclaimerClosedThrowIllegalStateAndAllocateNothing(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator();
        Reclaimer reclaimer = check.reclaimer(scheme);
        LongContainer c = create(reclaimer, allocator);
        c.add(1);
        reclaimer.close();
        long live = allocator.stats().liveBlocks();
        assertThrows(IllegalStateException.class, () -> c.remove(EMPTY));
        if (c.addNeedsTheReclaimer()) {
            assertThrows(IllegalStateException.class, () -> c.add(2));
            assertEquals(live, allocator.stats().liveBlocks(), "a rejected add must not allocate a node");
        }
        c.close(); // closing the container after its reclaimer is allowed and frees the remaining nodes
        assertEquals(0, allocator.stats().liveBlocks());
    }

    /**
     * The node a reader protected must stay readable while its guard is open, even after another thread removed
     * (and retired) it; once the guard is closed and the reclaimer synchronized, it is freed, which the
     * sanitizer proves by failing the same read (the negative control that shows the sanitizer is active).
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void protectedNodeOutlivesItsRemovalUntilTheGuardCloses(Scheme scheme) throws Exception {
        Reclaimer reclaimer = check.reclaimer(scheme);
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (LongContainer c = create(reclaimer, check.allocator(b -> b.sanitize(true)))) {
            for (long v : new long[] {11, 22}) {
                c.add(v);
                c.addTo(model, v);
            }
            long removedFirst = model.poll();
            LongSupplier read;
            try (Guard g = reclaimer.enter()) {
                read = protectNextRemoved(c, g);
                AtomicLong removedElsewhere = new AtomicLong();
                Thread remover = Thread.ofPlatform().start(() -> {
                    removedElsewhere.set(c.remove(EMPTY));
                    reclaimer.flush();
                });
                remover.join();
                assertEquals(removedFirst, removedElsewhere.get());
                assertEquals(removedFirst, read.getAsLong(),
                        "the removed node must stay allocated while a guard protects it");
            }
            reclaimer.synchronize();
            assertThrows(UseAfterFreeException.class, read::getAsLong,
                    "after the guard closed and synchronize() returned, the node must have been freed");
            assertEquals(model.poll(), c.remove(EMPTY));
        }
    }

    // ---------------------------------------------------------------- concurrent

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void fourPlatformThreadsConserveValues(Scheme scheme) throws Exception {
        runConservation(scheme, 4, 100_000, 50, Thread.ofPlatform().factory());
    }

    /** Mostly removes: the container is often empty, so removes race with the add that makes it non-empty. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void nearlyEmptyContainerConservesValues(Scheme scheme) throws Exception {
        runConservation(scheme, 4, 50_000, 30, Thread.ofPlatform().factory());
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void virtualThreadsConserveValues(Scheme scheme) throws Exception {
        runConservation(scheme, 32, 5_000, 50, Thread.ofVirtual().factory());
    }

    // ---------------------------------------------------------------- batches under the caller's guard

    /**
     * Batches of operations under one guard per thread, under the sanitizer: a node the caller's guard protects is
     * never freed under it, every value comes out exactly once (and in order per producer for a queue). With the
     * structure's protect() in the shared attempt replaced by a plain read, this fails under hp (negative control).
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void batchesUnderOneGuardConserveValuesAndTouchNoFreedNode(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        LongContainer c = create(reclaimer, allocator);
        ConservationRun.run(c, 4, 40_000, 50, 0xBA7C4L, Thread.ofPlatform().factory(), 16);
        ConservationRun.run(c, 16, 2_000, 40, 0xBA7C5L, Thread.ofVirtual().factory(), 8);
        assertClosingFreesEveryBlock(c, reclaimer, allocator);
    }

    /** The batched hot path allocates nothing either: the caller's guard, the structure's attempts. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void batchesUnderOneGuardAllocateNothingOnTheHeap(Scheme scheme) throws Exception {
        try (LongContainer c = create(check.reclaimer(scheme), check.allocator())) {
            for (int i = 0; i < 8; i++) {
                c.add(i); // the loop never empties the container
            }
            LongUnaryOperator loop = n -> {
                long sum = 0;
                for (int i = 0; i < n; i += 16) {
                    try (Guard g = c.reclaimer().enter()) {
                        for (int j = 0; j < 16; j++) {
                            c.addUnder(g, j);
                            sum += c.removeUnder(g, -1);
                        }
                    }
                }
                return sum;
            };
            assertLoopAllocatesNothing(scheme.id() + " batched operations", loop);
        }
    }

    /** Guarded operations match an {@link ArrayDeque} when one guard spans a whole run of them. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void guardedOperationsMatchArrayDequeUnderOneGuard(Scheme scheme) throws Exception {
        Random random = new Random(0x6a4d);
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (LongContainer c = create(check.reclaimer(scheme), allocatorFor(scheme));
             Guard g = c.reclaimer().enter()) {
            for (int i = 0; i < 5_000; i++) {
                if (random.nextInt(2) == 0) {
                    long v = random.nextLong() & Long.MAX_VALUE;
                    c.addUnder(g, v);
                    c.addTo(model, v);
                } else {
                    Long expected = model.poll();
                    assertEquals(expected == null ? EMPTY : expected, c.removeUnder(g, EMPTY), "remove #" + i);
                }
            }
            assertEquals(model.size(), c.size());
        }
    }

    /** A guard of another reclaimer would protect nothing here: rejected, as are closed and null guards. */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void guardedOperationsRejectAForeignClosedOrNullGuard(Scheme scheme) throws Exception {
        try (LongContainer c = create(check.reclaimer(scheme), allocatorFor(scheme))) {
            c.add(1);
            Reclaimer other = check.reclaimer(scheme);
            try (Guard foreign = other.enter()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> c.removeUnder(foreign, EMPTY));
                assertTrue(e.getMessage().contains("reclaimer()"), e.getMessage());
                if (c.addNeedsTheReclaimer()) {
                    assertThrows(IllegalArgumentException.class, () -> c.addUnder(foreign, 2));
                }
            }
            Guard closed = c.reclaimer().enter();
            closed.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.removeUnder(closed, EMPTY));
            assertTrue(e.getMessage().contains("closed guard"), e.getMessage());
            NullPointerException n = assertThrows(NullPointerException.class, () -> c.removeUnder(null, EMPTY));
            assertTrue(n.getMessage().contains("enter()"), n.getMessage());
            if (c.addNeedsTheReclaimer()) {
                assertThrows(IllegalStateException.class, () -> c.addUnder(closed, 2));
                assertThrows(NullPointerException.class, () -> c.addUnder(null, 2));
            }
            assertEquals(1, c.remove(EMPTY), "rejected calls changed nothing");
            assertTrue(c.isEmpty());
        }
    }

    /** Conservation on the fast allocator; every node freed once the container and its reclaimer closed. */
    private void runConservation(Scheme scheme, int threads, int ops, int addPercent, ThreadFactory f)
            throws Exception {
        SlabAllocator allocator = check.allocator();
        Reclaimer reclaimer = check.reclaimer(scheme);
        LongContainer c = create(reclaimer, allocator);
        ConservationRun.run(c, threads, ops, addPercent, 0xF1F0 + threads, f);
        c.close();
        reclaimer.close();
        if (Schemes.frees(scheme)) {
            assertEquals(0, allocator.stats().liveBlocks(), "every node freed after container and reclaimer closed");
        }
    }
}
