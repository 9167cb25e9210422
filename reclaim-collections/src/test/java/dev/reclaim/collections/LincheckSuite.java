package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linearizability of a structure against a sequential specification, with Lincheck's stress strategy, for every
 * scheme (and every variant a subclass lists). Model checking cannot see races on off-heap memory, so it would
 * prove nothing about these structures; stress runs them on real threads.
 *
 * <p>Lincheck makes the object under test itself, one per invocation, through its no-argument constructor. That
 * constructor calls {@link #make()}, which builds the structure from the reclaimer, allocator and variant of the
 * running test and records it; after the run every recorded structure is closed, so that {@link #check} can
 * verify that all their memory came back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LincheckSuite {

    /** What the test running Lincheck offers the objects Lincheck makes. */
    private record Fixture(LincheckSuite suite, Reclaimer reclaimer, SlabAllocator allocator, Object variant,
                           Queue<AutoCloseable> made) {
    }

    private static volatile Fixture fixture;

    /** Hands out the test's reclaimer and allocator and checks them after it. */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    /** Makes the structure of one invocation. */
    @FunctionalInterface
    interface Factory {
        /**
         * Makes a structure.
         *
         * @param reclaimer the test's reclaimer
         * @param allocator the test's allocator
         * @param variant   one of {@link #variants()}
         * @return the structure, or a view of it that closes it
         */
        AutoCloseable create(Reclaimer reclaimer, SlabAllocator allocator, Object variant);
    }

    private final Factory factory;
    private final Class<?> operations;
    private final Class<?> specification;

    /**
     * A suite for one structure.
     *
     * @param factory       makes the structure of each invocation
     * @param operations    the class whose {@code @Operation} methods Lincheck runs; its constructor calls
     *                      {@link #make()}
     * @param specification the sequential specification: same operation names and parameters, same results
     */
    LincheckSuite(Factory factory, Class<?> operations, Class<?> specification) {
        this.factory = factory;
        this.operations = operations;
        this.specification = specification;
    }

    /**
     * How long to stress: iterations, invocations per iteration, actors after the parallel part. The harness adds
     * 3 threads of 3 actors after 2 actors before, and the specification.
     *
     * @return the options
     */
    abstract StressOptions options();

    /**
     * The variants of the structure to check for each scheme (e.g. hash widths).
     *
     * @return the variants; one ({@code "default"}) unless overridden
     */
    Stream<Object> variants() {
        return Stream.of("default");
    }

    /**
     * Called by the operations class's constructor: a new structure on the running test's reclaimer and
     * allocator, closed after the run.
     *
     * @param <T> the structure's type
     * @return the structure
     */
    @SuppressWarnings("unchecked")
    static <T extends AutoCloseable> T make() {
        Fixture f = fixture;
        T structure = (T) f.suite().factory.create(f.reclaimer(), f.allocator(), f.variant());
        f.made().add(structure);
        return structure;
    }

    Stream<Arguments> schemesAndVariants() {
        return Schemes.all().flatMap(s -> variants().map(v -> Arguments.of(s, v)));
    }

    @ParameterizedTest
    @MethodSource("schemesAndVariants")
    void operationsAreLinearizableUnderStress(Scheme scheme, Object variant) throws Exception {
        SlabAllocator allocator = check.allocator(b -> b.name("lincheck-" + scheme.id()).capacity(256L << 20));
        Fixture f = new Fixture(this, check.reclaimer(scheme), allocator, variant, new ConcurrentLinkedQueue<>());
        fixture = f;
        long t0 = System.nanoTime();
        try {
            options()
                    .threads(3)
                    .actorsPerThread(3)
                    .actorsBefore(2)
                    .sequentialSpecification(specification)
                    .check(operations);
        } finally {
            System.out.printf("lincheck stress %s %s %s: %d ms, %d structures%n", getClass().getSimpleName(),
                    scheme.id(), variant, (System.nanoTime() - t0) / 1_000_000, f.made().size());
            fixture = null;
            for (AutoCloseable structure : f.made()) {
                structure.close();
            }
        }
    }
}
