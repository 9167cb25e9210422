package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.testing.ReclaimCheck;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every off-heap structure of this package must do, whatever its shape: construction checks, use after
 * close, freeing every block on close, no heap allocation in steady state, and a long concurrent run under the
 * sanitizer that touches no freed node and leaks nothing. One subclass per structure says how to make it and
 * what its operations are; the suites of a role ({@link ContainerSuite}, {@link LongLongMapSuite}) add the
 * tests of that role. Every test gets its reclaimers and allocators from {@link #check}, which fails it if a
 * guard is left open, garbage is left pending or a block is left live.
 *
 * @param <S> the structure under test
 */
abstract class StructureSuite<S extends AutoCloseable> {

    /** Steady-state operations before the heap is measured (JIT warm-up). */
    private static final int WARMUP = 200_000;
    /** Operations in each measured window. */
    private static final int MEASURED = 100_000;
    /** Slack for JIT and accounting noise; one boxed value per operation would already be 1.6 MB. */
    private static final long SLACK_BYTES = 512;

    /** Hands out every reclaimer and allocator of a test and checks them after it. */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private final BiFunction<Reclaimer, SlabAllocator, S> factory;
    private final Predicate<S> isClosed;

    /**
     * A suite for one structure.
     *
     * @param factory  makes the structure from its reclaimer and allocator (its constructor)
     * @param isClosed the structure's {@code isClosed()}
     */
    StructureSuite(BiFunction<Reclaimer, SlabAllocator, S> factory, Predicate<S> isClosed) {
        this.factory = factory;
        this.isClosed = isClosed;
    }

    /**
     * Makes the structure under test.
     *
     * @param reclaimer its reclaimer
     * @param allocator its allocator
     * @return a new structure
     */
    final S create(Reclaimer reclaimer, SlabAllocator allocator) {
        return factory.apply(reclaimer, allocator);
    }

    /**
     * Adds and removes entries so that some are still in the structure and some have been retired.
     *
     * @param structure the structure
     * @param allocator its allocator, for assertions on live blocks
     */
    abstract void churn(S structure, SlabAllocator allocator);

    /**
     * Every operation of the structure other than {@code close()} and {@code isClosed()}, each of which must
     * throw {@link IllegalStateException} once the structure is closed.
     *
     * @param structure the structure
     * @return the operations
     */
    abstract List<Executable> operations(S structure);

    /**
     * Prepares {@code structure} for the zero-allocation test and returns its steady-state loop.
     *
     * @param structure the structure, fast-mode allocator
     * @return {@code n -> sink}: runs {@code n} operations that must allocate nothing on the heap
     */
    abstract LongUnaryOperator steadyState(S structure);

    /**
     * Runs a long concurrent workload on {@code structure} (sanitizing allocator) and checks its results; it
     * must leave the structure quiescent.
     *
     * @param structure the structure
     * @return what ran, for the log line
     * @throws InterruptedException if interrupted
     */
    abstract String torture(S structure) throws InterruptedException;

    // ---------------------------------------------------------------- lifecycle

    @Test
    void constructorRejectsNullsAndAClosedReclaimer() {
        SlabAllocator allocator = check.allocator();
        Reclaimer reclaimer = check.reclaimer(Scheme.LEAK);
        NullPointerException npe = assertThrows(NullPointerException.class, () -> create(null, allocator));
        assertTrue(npe.getMessage().contains("Scheme.EBR.create()"), npe.getMessage());
        assertThrows(NullPointerException.class, () -> create(reclaimer, null));
        reclaimer.close();
        IllegalStateException ise = assertThrows(IllegalStateException.class, () -> create(reclaimer, allocator));
        assertTrue(ise.getMessage().contains("open reclaimer"), ise.getMessage());
        assertEquals(0, allocator.stats().liveBlocks(), "a rejected constructor must not allocate");
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#all")
    void useAfterCloseThrowsIllegalStateNamingTheFix(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator();
        S structure = create(check.reclaimer(scheme), allocator);
        churn(structure, allocator);
        structure.close();
        assertTrue(isClosed.test(structure));
        for (Executable op : operations(structure)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, op);
            assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("before close()"),
                    e.getMessage());
        }
        IllegalStateException twice = assertThrows(IllegalStateException.class, structure::close);
        assertTrue(twice.getMessage().contains("exactly once"), twice.getMessage());
    }

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void closingTheStructureThenItsReclaimerFreesEveryBlock(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        S structure = create(reclaimer, allocator);
        churn(structure, allocator);
        assertClosingFreesEveryBlock(structure, reclaimer, allocator);
    }

    /**
     * Closes {@code structure}, then {@code reclaimer}, and asserts that no block of {@code allocator} is live;
     * then closes the allocator (a sanitizing one would throw {@code MemoryLeakException} if one were).
     *
     * @param structure the structure, quiescent
     * @param reclaimer its reclaimer, of a scheme that frees
     * @param allocator its allocator
     * @throws Exception what {@code close()} throws
     */
    static void assertClosingFreesEveryBlock(AutoCloseable structure, Reclaimer reclaimer, SlabAllocator allocator)
            throws Exception {
        structure.close();
        reclaimer.close();
        assertEquals(0, allocator.stats().liveBlocks(), () -> "blocks still live after the structure and its "
                + "reclaimer closed: " + (allocator.isSanitizing() ? allocator.liveBlocks() : "(fast mode)"));
        allocator.close();
    }

    // ---------------------------------------------------------------- hot paths

    /**
     * Only schemes that free: with {@link Scheme#LEAK} every removed node stays allocated, so the allocator keeps
     * growing (new slabs, with their bookkeeping on the heap) and there is no steady state to measure.
     */
    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void steadyStateOperationsAllocateNothingOnTheHeap(Scheme scheme) throws Exception {
        try (S structure = create(check.reclaimer(scheme), check.allocator())) {
            assertLoopAllocatesNothing(scheme.id() + " operations", steadyState(structure));
        }
    }

    /**
     * Runs {@code loop} (n operations per call) warm, then measured, and fails if the measured run allocated more
     * than a few hundred bytes on the heap.
     */
    static void assertLoopAllocatesNothing(String what, LongUnaryOperator loop) {
        long[] sink = {loop.applyAsLong(WARMUP)};
        long allocated = HeapAllocation.fewestBytes(() -> sink[0] += loop.applyAsLong(MEASURED));
        assertTrue(allocated <= SLACK_BYTES, what + ": " + allocated + " bytes allocated on the heap by " + MEASURED
                + " operations (sink " + sink[0] + ")");
    }

    // ---------------------------------------------------------------- torture

    @ParameterizedTest
    @MethodSource("dev.reclaim.collections.Schemes#freeing")
    void tortureUnderTheSanitizerTouchesNoFreedNodeAndLeaksNothing(Scheme scheme) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.name("torture-" + scheme.id()).sanitize(true));
        Reclaimer reclaimer = check.reclaimer(scheme);
        S structure = create(reclaimer, allocator);
        long t0 = System.nanoTime();
        String what = torture(structure);
        System.out.printf("torture %s %s: %s in %d ms%n", getClass().getSimpleName(), scheme.id(), what,
                (System.nanoTime() - t0) / 1_000_000);
        assertClosingFreesEveryBlock(structure, reclaimer, allocator);
    }
}
