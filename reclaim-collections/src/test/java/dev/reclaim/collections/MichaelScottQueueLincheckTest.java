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
 * Linearizability of {@link MichaelScottQueue} against an {@link ArrayDeque} used as a FIFO queue, with
 * Lincheck's stress strategy (model checking cannot see off-heap races, so it would prove nothing here).
 */
class MichaelScottQueueLincheckTest {

    /** Returned by poll()/peek() on empty, by the queue and by the specification alike. */
    static final long EMPTY = -1;

    private static volatile Reclaimer reclaimer;
    private static volatile SlabAllocator allocator;

    /**
     * What Lincheck runs: one instance per invocation, created through the no-argument constructor, each with its
     * own queue on the shared reclaimer and allocator chosen by the parameterised test before it calls Lincheck.
     * The queues of finished invocations are not closed (Lincheck has no per-invocation teardown); their nodes
     * are released when the shared allocator is closed at the end of the test.
     */
    @Param(name = "value", gen = LongGen.class, conf = "1:50")
    public static final class QueueUnderTest {
        private final MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator);

        /** Lincheck instantiates this class reflectively. */
        public QueueUnderTest() {
        }

        /**
         * Offers a value.
         *
         * @param value the value
         */
        @Operation
        public void offer(@Param(name = "value") long value) {
            queue.offer(value);
        }

        /**
         * Polls a value.
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long poll() {
            return queue.poll(EMPTY);
        }

        /**
         * Peeks at the head.
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long peek() {
            return queue.peek(EMPTY);
        }

        /**
         * Whether the queue is empty.
         *
         * @return whether it is empty
         */
        @Operation
        public boolean isEmpty() {
            return queue.isEmpty();
        }
    }

    static Stream<Scheme> allSchemes() {
        return Schemes.all();
    }

    @ParameterizedTest
    @MethodSource("allSchemes")
    void queueIsLinearizableUnderStress(Scheme scheme) {
        SlabAllocator a = SlabAllocator.builder().name("lincheck-q-" + scheme.id()).capacity(256L << 20).build();
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
                    .sequentialSpecification(SequentialQueue.class)
                    .check(QueueUnderTest.class);
        } finally {
            System.out.printf("lincheck stress queue %s: %d ms%n", scheme.id(), (System.nanoTime() - t0) / 1_000_000);
            r.close();
            a.close();
        }
    }

    /** The sequential specification: a FIFO queue on {@link ArrayDeque}, same operations, same empty value. */
    public static final class SequentialQueue {
        private final ArrayDeque<Long> deque = new ArrayDeque<>();

        /** Creates an empty specification queue. */
        public SequentialQueue() {
        }

        /**
         * Offers at the tail.
         *
         * @param value the value
         */
        public void offer(long value) {
            deque.offer(value);
        }

        /**
         * Polls the head.
         *
         * @return the head value, or {@link #EMPTY}
         */
        public long poll() {
            Long v = deque.poll();
            return v == null ? EMPTY : v;
        }

        /**
         * Peeks at the head.
         *
         * @return the head value, or {@link #EMPTY}
         */
        public long peek() {
            Long v = deque.peek();
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
