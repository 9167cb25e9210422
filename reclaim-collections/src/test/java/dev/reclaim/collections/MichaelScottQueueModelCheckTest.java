package dev.reclaim.collections;

import dev.reclaim.testing.ModelCheck;
import java.util.ArrayDeque;
import java.util.List;
import org.jetbrains.lincheck.datastructures.Operation;

/**
 * {@link MichaelScottQueue}, shipped, under Lincheck's model checker over each scheme (see
 * {@link StructureModelCheck}): three values offered first, then one thread offers and polls while the other
 * polls twice and flushes its reclaimer, so that a polled node (the old dummy) can be freed while the other
 * thread's offer or poll still holds it.
 */
class MichaelScottQueueModelCheckTest extends StructureModelCheck {

    /** What a poll of an empty queue returns: never offered. */
    static final long EMPTY = -1;

    MichaelScottQueueModelCheckTest() {
        super(Model.class, Spec.class, ModelCheck.thread("offer1", "offer2", "offer3"),
                List.of(ModelCheck.thread("offer4", "poll"), ModelCheck.thread("poll", "pollAndFlush")));
    }

    /** One interleaving's queue; the model checker makes one per interleaving. */
    public static final class Model implements AutoCloseable {
        private final MichaelScottQueue queue;

        /** Builds a queue on the running check's reclaimer and allocator. */
        public Model() {
            Parts p = StructureModelCheck.parts();
            queue = new MichaelScottQueue(p.reclaimer(), p.allocator());
            ModelCheck.invocation(this);
        }

        /** Offers 1. */
        @Operation
        public void offer1() {
            queue.offer(1);
        }

        /** Offers 2. */
        @Operation
        public void offer2() {
            queue.offer(2);
        }

        /** Offers 3. */
        @Operation
        public void offer3() {
            queue.offer(3);
        }

        /** Offers 4. */
        @Operation
        public void offer4() {
            queue.offer(4);
        }

        /**
         * Polls.
         *
         * @return the oldest value, or {@link #EMPTY}
         */
        @Operation
        public long poll() {
            return queue.poll(EMPTY);
        }

        /**
         * Polls, then flushes the reclaimer (which has no sequential effect).
         *
         * @return the oldest value, or {@link #EMPTY}
         */
        @Operation
        public long pollAndFlush() {
            long v = queue.poll(EMPTY);
            queue.reclaimer().flush();
            return v;
        }

        /** Closes the queue (the check closes the reclaimer and the allocator after the test). */
        @Override
        public void close() {
            queue.close();
        }
    }

    /** The sequential specification: a first-in-first-out queue. */
    public static final class Spec {
        private final ArrayDeque<Long> values = new ArrayDeque<>();

        /** Lincheck instantiates it reflectively. */
        public Spec() {
        }

        /** Offers 1. */
        public void offer1() {
            values.addLast(1L);
        }

        /** Offers 2. */
        public void offer2() {
            values.addLast(2L);
        }

        /** Offers 3. */
        public void offer3() {
            values.addLast(3L);
        }

        /** Offers 4. */
        public void offer4() {
            values.addLast(4L);
        }

        /**
         * Polls.
         *
         * @return the oldest value, or {@link #EMPTY}
         */
        public long poll() {
            Long v = values.pollFirst();
            return v == null ? EMPTY : v;
        }

        /**
         * Polls.
         *
         * @return the oldest value, or {@link #EMPTY}
         */
        public long pollAndFlush() {
            return poll();
        }
    }
}
