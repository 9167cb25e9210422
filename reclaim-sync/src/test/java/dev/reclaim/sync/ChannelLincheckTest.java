package dev.reclaim.sync;

import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Channel}'s non-blocking operations ({@code trySend}, {@code tryReceive}, {@code size})
 * against a bounded FIFO. The blocking {@code send}/{@code receive} are left out (Lincheck requires every
 * operation to complete; a receive on an empty channel with no sender would block forever); the unit and stress
 * tests cover them. The try-variants still run through the Mutex (which parks under contention) and the
 * Condvar notifications, so the lock's mutual exclusion and hand-off are exercised too.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
class ChannelLincheckTest {

    static final int CAPACITY = 2;

    /** What Lincheck runs: a channel of capacity 2 per invocation. */
    @Param(name = "value", gen = IntGen.class, conf = "1:9")
    public static final class ChannelUnderTest {
        private final Channel<Integer> ch = new Channel<>(CAPACITY);

        /** Lincheck instantiates this class reflectively. */
        public ChannelUnderTest() {
        }

        /**
         * Sends if there is room.
         *
         * @param value the value
         * @return whether sent
         */
        @Operation
        public boolean trySend(@Param(name = "value") int value) {
            return ch.trySend(value);
        }

        /**
         * Receives if non-empty.
         *
         * @return the value or -1
         */
        @Operation
        public int tryReceive() {
            Integer v = ch.tryReceive();
            return v == null ? -1 : v;
        }

        /**
         * The buffered count.
         *
         * @return the size
         */
        @Operation
        public int size() {
            return ch.size();
        }
    }

    /** The sequential specification: a bounded ArrayDeque. */
    public static final class SequentialChannel {
        private final ArrayDeque<Integer> q = new ArrayDeque<>();

        /** Creates it. */
        public SequentialChannel() {
        }

        /**
         * Sends if room.
         *
         * @param value the value
         * @return whether sent
         */
        public boolean trySend(int value) {
            if (q.size() == CAPACITY) {
                return false;
            }
            q.add(value);
            return true;
        }

        /**
         * Receives.
         *
         * @return the value or -1
         */
        public int tryReceive() {
            Integer v = q.poll();
            return v == null ? -1 : v;
        }

        /**
         * Size.
         *
         * @return the size
         */
        public int size() {
            return q.size();
        }
    }

    @Test
    void tryOperationsAreLinearizableUnderModelChecking() {
        new ModelCheckingOptions()
                .iterations(10)
                .invocationsPerIteration(200)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(SequentialChannel.class)
                .check(ChannelUnderTest.class);
    }

    @Test
    void tryOperationsAreLinearizableUnderStress() {
        new StressOptions()
                .iterations(10)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(SequentialChannel.class)
                .check(ChannelUnderTest.class);
    }
}
