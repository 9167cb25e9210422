package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Sequential behaviour of {@link TreiberStack}, with a sanitizing allocator so that any stray access fails. */
class TreiberStackTest {

    private static final long EMPTY = ConservationRun.EMPTY;

    static java.util.stream.Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    static java.util.stream.Stream<Scheme> freeingSchemes() {
        return Schemes.freeing();
    }

    private static SlabAllocator sanitizing(String name) {
        return SlabAllocator.builder().name(name).sanitize(true).build();
    }

    /**
     * A sanitizing allocator for schemes that free; a fast one for {@link Scheme#LEAK}, whose popped nodes are
     * never freed and would make a sanitizing allocator's close() report them as leaks.
     */
    private static SlabAllocator allocatorFor(Scheme scheme, String name) {
        return Schemes.frees(scheme) ? sanitizing(name) : SlabAllocator.builder().name(name).build();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void popsInLastInFirstOutOrder(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "lifo");
             Reclaimer reclaimer = scheme.create();
             TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
            for (long v = 1; v <= 100; v++) {
                stack.push(v);
            }
            assertEquals(100, stack.size());
            for (long v = 100; v >= 1; v--) {
                assertEquals(v, stack.pop(EMPTY));
            }
            assertEquals(EMPTY, stack.pop(EMPTY));
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void emptyStackReturnsTheEmptyValueAndStaysUsable(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "empty");
             Reclaimer reclaimer = scheme.create();
             TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
            assertTrue(stack.isEmpty());
            assertEquals(0, stack.size());
            assertEquals(-7, stack.pop(-7));
            assertEquals(42, stack.pop(42));
            stack.push(Long.MIN_VALUE + 1);
            stack.push(0);
            assertFalse(stack.isEmpty());
            assertEquals(0, stack.pop(EMPTY));
            assertEquals(Long.MIN_VALUE + 1, stack.pop(EMPTY));
            assertTrue(stack.isEmpty());
            assertEquals(0, stack.size());
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void matchesArrayDequeOnRandomSequentialOperations(Scheme scheme) {
        Random random = new Random(0x5eed);
        ArrayDeque<Long> model = new ArrayDeque<>();
        try (SlabAllocator allocator = allocatorFor(scheme, "model");
             Reclaimer reclaimer = scheme.create();
             TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
            for (int i = 0; i < 20_000; i++) {
                int op = random.nextInt(5);
                if (op < 2) {
                    long v = random.nextLong();
                    if (v == EMPTY) {
                        v = 0;
                    }
                    stack.push(v);
                    model.push(v);
                } else if (op < 4) {
                    Long expected = model.poll();
                    assertEquals(expected == null ? EMPTY : expected, stack.pop(EMPTY), "pop #" + i);
                } else {
                    assertEquals(model.isEmpty(), stack.isEmpty(), "isEmpty #" + i);
                    assertEquals(model.size(), stack.size(), "size #" + i);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void closeFreesEveryNodeAndTheRoot(Scheme scheme) {
        SlabAllocator allocator = sanitizing("close-frees");
        Reclaimer reclaimer = scheme.create();
        TreiberStack stack = new TreiberStack(reclaimer, allocator);
        for (long v = 0; v < 1_000; v++) {
            stack.push(v);
        }
        for (int i = 0; i < 400; i++) {
            stack.pop(EMPTY); // some nodes are retired, some stay on the stack
        }
        assertTrue(allocator.stats().liveBlocks() > 600, "nodes still on the stack are live before close");
        stack.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(),
                "after stack.close() and reclaimer.close() no block may be live; live: " + allocator.liveBlocks());
        allocator.close(); // sanitizer mode: would throw MemoryLeakException if anything were live
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void useAfterCloseThrowsIllegalStateNamingTheFix(Scheme scheme) {
        try (SlabAllocator allocator = allocatorFor(scheme, "after-close");
             Reclaimer reclaimer = scheme.create()) {
            TreiberStack stack = new TreiberStack(reclaimer, allocator);
            stack.push(1);
            stack.close();
            assertTrue(stack.isClosed());
            for (Runnable op : new Runnable[] {() -> stack.push(2), () -> stack.pop(EMPTY), stack::isEmpty,
                    stack::size}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, op::run);
                assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("before close()"),
                        e.getMessage());
            }
            IllegalStateException twice = assertThrows(IllegalStateException.class, stack::close);
            assertTrue(twice.getMessage().contains("exactly once"), twice.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void popAfterTheReclaimerClosedThrowsIllegalState(Scheme scheme) {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = scheme.create();
            TreiberStack stack = new TreiberStack(reclaimer, allocator);
            stack.push(1);
            reclaimer.close();
            assertThrows(IllegalStateException.class, () -> stack.pop(EMPTY));
            stack.close(); // closing the stack after its reclaimer is allowed and frees the remaining node
            assertEquals(0, allocator.stats().liveBlocks());
        }
    }

    @Test
    void constructorRejectsNullsAndAClosedReclaimer() {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = Scheme.LEAK.create();
            NullPointerException npe = assertThrows(NullPointerException.class,
                    () -> new TreiberStack(null, allocator));
            assertTrue(npe.getMessage().contains("Scheme.EBR.create()"), npe.getMessage());
            assertThrows(NullPointerException.class, () -> new TreiberStack(reclaimer, null));
            reclaimer.close();
            IllegalStateException ise = assertThrows(IllegalStateException.class,
                    () -> new TreiberStack(reclaimer, allocator));
            assertTrue(ise.getMessage().contains("open reclaimer"), ise.getMessage());
            assertEquals(0, allocator.stats().liveBlocks(), "a rejected constructor must not allocate");
        }
    }

    /**
     * The node a reader protected must stay readable while its guard is open, even after another thread popped
     * (and retired) it; once the guard is closed and the reclaimer synchronized, it is freed, which the
     * sanitizer proves by failing the same read (the negative control that shows the sanitizer is active).
     */
    @ParameterizedTest
    @MethodSource("freeingSchemes")
    void protectedNodeOutlivesItsPopUntilTheGuardCloses(Scheme scheme) throws InterruptedException {
        try (SlabAllocator allocator = sanitizing("protect");
             Reclaimer reclaimer = scheme.create();
             TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
            stack.push(11);
            stack.push(22);
            long headAddress = rootOf(stack) + TreiberStackLayout.HEAD_OFFSET;
            long node;
            try (Guard g = reclaimer.enter()) {
                node = g.protect(0, headAddress);
                AtomicLong poppedElsewhere = new AtomicLong();
                Thread popper = Thread.ofPlatform().start(() -> {
                    poppedElsewhere.set(stack.pop(EMPTY));
                    reclaimer.flush();
                });
                popper.join();
                assertEquals(22, poppedElsewhere.get());
                assertEquals(22, Memory.getLong(node + TreiberStackLayout.VALUE_OFFSET),
                        "the popped node must stay allocated while a guard protects it");
            }
            reclaimer.synchronize();
            assertThrows(UseAfterFreeException.class,
                    () -> Memory.getLong(node + TreiberStackLayout.VALUE_OFFSET),
                    "after the guard closed and synchronize() returned, the node must have been freed");
            assertEquals(11, stack.pop(EMPTY));
        }
    }

    /** The root block address (package-private test seam of TreiberStack). */
    private static long rootOf(TreiberStack stack) {
        return stack.rootAddress();
    }
}
