package dev.reclaim.collections;

import dev.reclaim.testing.ModelCheck;
import java.util.ArrayDeque;
import java.util.List;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * {@link TreiberStack}, shipped, under Lincheck's model checker over each scheme (see {@link StructureModelCheck}):
 * three values pushed first, then one thread pushes and pops while the other pops twice and flushes its
 * reclaimer, so that a popped node can be freed while the first thread's pop still holds it.
 */
class TreiberStackModelCheckTest extends StructureModelCheck {

    /** What a pop of an empty stack returns: never pushed. */
    static final long EMPTY = -1;

    TreiberStackModelCheckTest() {
        super(Model.class, Spec.class, ModelCheck.thread("push1", "push2", "push3"),
                List.of(ModelCheck.thread("push4", "pop"), ModelCheck.thread("pop", "popAndFlush")));
    }

    /** One interleaving's stack; the model checker makes one per interleaving. */
    public static final class Model implements AutoCloseable {
        private final TreiberStack stack;

        /** Builds a stack on the running check's reclaimer and allocator. */
        public Model() {
            Parts p = StructureModelCheck.parts();
            stack = new TreiberStack(p.reclaimer(), p.allocator());
            ModelCheck.invocation(this);
        }

        /** Pushes 1. */
        @Operation
        public void push1() {
            stack.push(1);
        }

        /** Pushes 2. */
        @Operation
        public void push2() {
            stack.push(2);
        }

        /** Pushes 3. */
        @Operation
        public void push3() {
            stack.push(3);
        }

        /** Pushes 4. */
        @Operation
        public void push4() {
            stack.push(4);
        }

        /**
         * Pops.
         *
         * @return the top value, or {@link #EMPTY}
         */
        @Operation
        public long pop() {
            return stack.pop(EMPTY);
        }

        /**
         * Pops, then flushes the reclaimer (which has no sequential effect).
         *
         * @return the top value, or {@link #EMPTY}
         */
        @Operation
        public long popAndFlush() {
            long v = stack.pop(EMPTY);
            stack.reclaimer().flush();
            return v;
        }

        /** Closes the stack (the check closes the reclaimer and the allocator after the test). */
        @Override
        public void close() {
            stack.close();
        }
    }

    /** The sequential specification: a last-in-first-out deque. */
    public static final class Spec {
        private final ArrayDeque<Long> values = new ArrayDeque<>();

        /** Lincheck instantiates it reflectively. */
        public Spec() {
        }

        /** Pushes 1. */
        public void push1() {
            values.push(1L);
        }

        /** Pushes 2. */
        public void push2() {
            values.push(2L);
        }

        /** Pushes 3. */
        public void push3() {
            values.push(3L);
        }

        /** Pushes 4. */
        public void push4() {
            values.push(4L);
        }

        /**
         * Pops.
         *
         * @return the top value, or {@link #EMPTY}
         */
        public long pop() {
            Long v = values.poll();
            return v == null ? EMPTY : v;
        }

        /**
         * Pops.
         *
         * @return the top value, or {@link #EMPTY}
         */
        public long popAndFlush() {
            return pop();
        }
    }
}
