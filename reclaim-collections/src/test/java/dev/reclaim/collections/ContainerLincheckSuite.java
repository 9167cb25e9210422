package dev.reclaim.collections;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayDeque;
import java.util.function.BiFunction;
import org.jetbrains.lincheck.datastructures.LongGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Linearizability of a stack or a queue ({@link LongContainer}) against an {@link ArrayDeque} used the same way.
 * The operations are {@code add}, {@code remove} and {@code isEmpty}, plus {@code peek} for a queue
 * ({@link PeekableOperations}).
 */
abstract class ContainerLincheckSuite extends LincheckSuite {

    /** Returned by remove and peek on empty, by the structure and by the specification alike. */
    static final long EMPTY = -1;

    /**
     * A suite for one container.
     *
     * @param factory       makes the container
     * @param operations    {@link Operations}, or {@link PeekableOperations} for a container that can peek
     * @param specification {@link LastInFirstOut} or {@link FirstInFirstOut}
     */
    ContainerLincheckSuite(BiFunction<Reclaimer, SlabAllocator, LongContainer> factory,
                           Class<? extends Operations> operations, Class<? extends Specification> specification) {
        super((r, a, variant) -> factory.apply(r, a), operations, specification);
    }

    @Override
    final StressOptions options() {
        return new StressOptions().iterations(20).invocationsPerIteration(2_000).actorsAfter(2);
    }

    /** What Lincheck runs: one container per invocation (see {@link LincheckSuite#make()}). */
    @Param(name = "value", gen = LongGen.class, conf = "1:50")
    public static class Operations {
        /** The container of this invocation. */
        final LongContainer container = LincheckSuite.make();

        /** Lincheck instantiates this class reflectively. */
        public Operations() {
        }

        /**
         * Adds a value (push or offer).
         *
         * @param value the value
         */
        @Operation
        public void add(@Param(name = "value") long value) {
            container.add(value);
        }

        /**
         * Removes a value (pop or poll).
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long remove() {
            return container.remove(EMPTY);
        }

        /**
         * Adds a value under a guard the operation enters ({@code offer(g, v)}; a push ignores it).
         *
         * @param value the value
         */
        @Operation
        public void addUnderGuard(@Param(name = "value") long value) {
            try (Guard g = container.reclaimer().enter()) {
                container.addUnder(g, value);
            }
        }

        /**
         * Removes a value under a guard the operation enters ({@code pop(g, e)} or {@code poll(g, e)}).
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long removeUnderGuard() {
            try (Guard g = container.reclaimer().enter()) {
                return container.removeUnder(g, EMPTY);
            }
        }

        /**
         * Whether the container is empty.
         *
         * @return whether it is empty
         */
        @Operation
        public boolean isEmpty() {
            return container.isEmpty();
        }
    }

    /** The operations of a container that can also peek. */
    public static final class PeekableOperations extends Operations {
        /** Lincheck instantiates this class reflectively. */
        public PeekableOperations() {
        }

        /**
         * Peeks at the value remove would return.
         *
         * @return the value, or {@link #EMPTY}
         */
        @Operation
        public long peek() {
            return container.peek(EMPTY);
        }
    }

    /** The sequential specification: an {@link ArrayDeque} whose head is removed next. */
    public abstract static class Specification {
        private final ArrayDeque<Long> deque = new ArrayDeque<>();
        private final boolean fifo;

        Specification(boolean fifo) {
            this.fifo = fifo;
        }

        /**
         * Adds at the tail (FIFO) or the head (LIFO).
         *
         * @param value the value
         */
        public void add(long value) {
            if (fifo) {
                deque.addLast(value);
            } else {
                deque.addFirst(value);
            }
        }

        /**
         * Removes the head.
         *
         * @return the head value, or {@link #EMPTY}
         */
        public long remove() {
            Long v = deque.poll();
            return v == null ? EMPTY : v;
        }

        /**
         * The same as {@link #add(long)}: a guard changes nothing in what an operation does.
         *
         * @param value the value
         */
        public void addUnderGuard(long value) {
            add(value);
        }

        /**
         * The same as {@link #remove()}.
         *
         * @return the head value, or {@link #EMPTY}
         */
        public long removeUnderGuard() {
            return remove();
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

    /** A stack's specification: last in, first out. */
    public static final class LastInFirstOut extends Specification {
        /** Creates an empty specification stack. */
        public LastInFirstOut() {
            super(false);
        }
    }

    /** A queue's specification: first in, first out. */
    public static final class FirstInFirstOut extends Specification {
        /** Creates an empty specification queue. */
        public FirstInFirstOut() {
            super(true);
        }
    }
}
