package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.testing.Workers;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link TreiberStack}: the container suite on a counting stack (its robust garbage bound:
 * {@link TreiberStackStallTest}), the uncounted default, and contention with back-off.
 */
class TreiberStackTest extends ContainerSuite {

    TreiberStackTest() {
        super((reclaimer, allocator) -> LongContainer.of(TreiberStack.builder(reclaimer, allocator)
                .countSize(true).build()));
    }

    @Test
    void theDefaultStackDoesNotCountAndItsSizeNamesTheFix() {
        try (TreiberStack stack = new TreiberStack(check.reclaimer(Scheme.EBR), check.allocator())) {
            assertFalse(stack.countsSize());
            assertSame(Backoff.standard(), stack.backoff());
            stack.push(1);
            IllegalStateException e = assertThrows(IllegalStateException.class, stack::size);
            assertTrue(e.getMessage().contains("countSize(true)"), e.getMessage());
            assertEquals(1, stack.pop(EMPTY));
            assertTrue(stack.isEmpty());
            assertEquals("TreiberStack[reclaimer=" + stack.reclaimer().name() + "]", stack.toString());
        }
    }

    @Test
    void theBuilderRejectsNullsAndAppliesItsChoices() {
        Reclaimer reclaimer = check.reclaimer(Scheme.EBR);
        SlabAllocator allocator = check.allocator();
        assertThrows(NullPointerException.class, () -> TreiberStack.builder(null, allocator));
        assertThrows(NullPointerException.class, () -> TreiberStack.builder(reclaimer, null));
        assertThrows(NullPointerException.class, () -> TreiberStack.builder(reclaimer, allocator).backoff(null));
        try (TreiberStack stack = TreiberStack.builder(reclaimer, allocator).backoff(Backoff.none())
                .countSize(true).build()) {
            assertSame(Backoff.none(), stack.backoff());
            assertTrue(stack.countsSize());
            stack.push(5);
            assertEquals(1, stack.size());
        }
    }

    static Stream<Scheme> boundedSchemes() {
        return Stream.of(Scheme.HP, Scheme.ROBUST);
    }

    static Stream<Arguments> schemesAndBackoffs() {
        return Schemes.freeing().flatMap(s -> Stream.of(Backoff.none(), Backoff.exponential(1, 1),
                Backoff.standard()).map(b -> Arguments.of(s, b)));
    }

    /** Contention under the sanitizer with back-offs from none to one that yields from the second failure. */
    @ParameterizedTest
    @MethodSource("schemesAndBackoffs")
    void contendedPushAndPopConserveEveryValueWithEveryBackoff(Scheme scheme, Backoff backoff) throws Exception {
        try (TreiberStack stack = TreiberStack.builder(check.reclaimer(scheme),
                check.allocator(b -> b.sanitize(true))).backoff(backoff).countSize(true).build()) {
            ConservationRun.run(LongContainer.of(stack), 4, 50_000, 50, 20261206L, Thread.ofPlatform().factory());
            assertTrue(stack.isEmpty());
        }
    }

    /**
     * Two threads fight over the head of the default (uncounted, backing-off) stack: neither allocates. With the
     * schemes whose garbage is bounded only: under {@code leak} the allocator's chunk table grows, and under
     * {@code ebr} a worker preempted inside a pop holds the epoch while the other's bags fill, on the heap
     * (a cost of the scheme under time-sharing, with or without back-off).
     */
    @ParameterizedTest
    @MethodSource("boundedSchemes")
    void contendedPushAndPopAllocateNothingOnTheHeap(Scheme scheme) throws Exception {
        try (TreiberStack stack = new TreiberStack(check.reclaimer(scheme), check.allocator())) {
            long[] bytes = new long[2];
            Workers.run(2, Thread.ofPlatform().factory(), id -> {
                long[] sink = {0};
                Runnable pairs = () -> {
                    for (int i = 0; i < 100_000; i++) {
                        stack.push(i);
                        sink[0] += stack.pop(EMPTY);
                    }
                };
                pairs.run(); // warm-up: JIT and the reclaimer's per-thread state
                bytes[id] = HeapAllocation.fewestBytes(pairs) + (sink[0] == 42 ? 1 : 0);
            });
            // A per-operation allocation would be >= 1.6 MB here; the bound leaves room for the occasional growth of
            // a scan buffer or retired list (robust: 800 B in 100,000 pairs was seen on a fresh clone under load)
            for (int id = 0; id < 2; id++) {
                assertTrue(bytes[id] <= 16_384, scheme.id() + ": thread " + id + " allocated " + bytes[id]
                        + " bytes on the heap in 100000 contended push/pop pairs");
            }
        }
    }

    @Override
    LongSupplier protectNextRemoved(LongContainer stack, Guard g) {
        long node = g.protect(0, stack.rootAddress() + TreiberStackLayout.HEAD_OFFSET);
        return () -> Memory.getLong(node + TreiberStackLayout.VALUE_OFFSET);
    }
}
