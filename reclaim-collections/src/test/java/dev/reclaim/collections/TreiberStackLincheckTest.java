package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayDeque;
import java.util.stream.Stream;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Linearizability of {@link TreiberStack} against an {@link ArrayDeque}, with Lincheck's stress strategy
 * (model checking cannot see off-heap races, so it would prove nothing about this structure).
 */
class TreiberStackLincheckTest {

    /** Returned by pop() on empty, by the stack and by the specification alike. */
    static final long EMPTY = -1;

    private static volatile Reclaimer reclaimer;
    private static volatile SlabAllocator allocator;

    /**
     * What Lincheck runs: one instance per invocation, created through the no-argument constructor, each with its
     * own stack on the shared reclaimer and allocator chosen by the parameterised test before it calls Lincheck.
     * The stacks of finished invocations are not closed (Lincheck has no per-invocation teardown); their nodes
     * are released when the shared allocator is closed at the end of the test.
     */
    @Param(name = "value", gen = LongGen.class, conf = "1:50")
    public static final class StackUnderTest {
        private final TreiberStack stack = new TreiberStack(reclaimer, allocator);

        /** Lincheck instantiates this class reflectively. */
        public StackUnderTest() {
        }

        /**
         * Pushes a value.
         *
         * @param value the value
         */
        @Operation
        public void push(@Param(name = "value") long value) {
            stack.push(value);
        }

        /**
         * Pops a value.
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long pop() {
            return stack.pop(EMPTY);
        }

        /**
         * Whether the stack is empty.
         *
         * @return whether it is empty
         */
        @Operation
        public boolean isEmpty() {
            return stack.isEmpty();
        }
    }

    static Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void stackIsLinearizableUnderStress(Scheme scheme) {
        SlabAllocator a = SlabAllocator.builder().name("lincheck-" + scheme.id()).capacity(256L << 20).build();
        Reclaimer r = scheme.create();
        allocator = a;
        reclaimer = r;
        long t0 = System.nanoTime();
        try {
            new StressOptions()
                    .iterations(20)
                    .invocationsPerIteration(2_000)
                    .threads(3)
                    .actorsPerThread(3)
                    .actorsBefore(2)
                    .actorsAfter(2)
                    .sequentialSpecification(SequentialStack.class)
                    .check(StackUnderTest.class);
        } finally {
            System.out.printf("lincheck stress %s: %d ms%n", scheme.id(), (System.nanoTime() - t0) / 1_000_000);
            r.close();
            a.close();
        }
    }

    /** The sequential specification: a stack on {@link ArrayDeque}, same operations, same empty value. */
    public static final class SequentialStack {
        private final ArrayDeque<Long> deque = new ArrayDeque<>();

        /** Creates an empty specification stack. */
        public SequentialStack() {
        }

        /**
         * Pushes.
         *
         * @param value the value
         */
        public void push(long value) {
            deque.push(value);
        }

        /**
         * Pops.
         *
         * @return the top value, or {@link #EMPTY}
         */
        public long pop() {
            Long v = deque.poll();
            return v == null ? EMPTY : v;
        }

        /**
         * Whether empty.
         *
         * @return whether empty
         */
        public boolean isEmpty() {
            return deque.isEmpty();
        }
    }
}
