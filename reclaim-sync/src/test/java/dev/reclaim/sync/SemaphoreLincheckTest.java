package dev.reclaim.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link Semaphore}'s non-blocking operations ({@code tryAcquire}, {@code release},
 * {@code availablePermits}) against a sequential counter. The blocking {@code acquire} is left out: Lincheck needs
 * every operation to complete in every interleaving (a blocking acquire with no permit and no releaser suspends
 * forever); the unit and stress tests cover it.
 */
class SemaphoreLincheckTest {

    /** What Lincheck runs: one semaphore with 2 permits per invocation. */
    public static final class SemaphoreUnderTest {
        private final Semaphore s = new Semaphore(2);

        /** Lincheck instantiates this class reflectively. */
        public SemaphoreUnderTest() {
        }

        /**
         * Tries to take a permit.
         *
         * @return whether taken
         */
        @Operation
        public boolean tryAcquire() {
            return s.tryAcquire();
        }

        /** Returns a permit. */
        @Operation
        public void release() {
            s.release();
        }

        /**
         * Available permits.
         *
         * @return the count
         */
        @Operation
        public int available() {
            return s.availablePermits();
        }
    }

    /** The sequential specification. */
    public static final class SequentialSemaphore {
        private int permits = 2;

        /** Creates it. */
        public SequentialSemaphore() {
        }

        /**
         * Tries to take a permit.
         *
         * @return whether taken
         */
        public boolean tryAcquire() {
            if (permits > 0) {
                permits--;
                return true;
            }
            return false;
        }

        /** Returns a permit. */
        public void release() {
            permits++;
        }

        /**
         * Available permits.
         *
         * @return the count
         */
        public int available() {
            return permits;
        }
    }

    @Test
    void tryAcquireAndReleaseAreLinearizableUnderModelChecking() {
        new ModelCheckingOptions()
                .iterations(10)
                .invocationsPerIteration(300)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(SequentialSemaphore.class)
                .check(SemaphoreUnderTest.class);
    }

    @Test
    void tryAcquireAndReleaseAreLinearizableUnderStress() {
        new StressOptions()
                .iterations(20)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .sequentialSpecification(SequentialSemaphore.class)
                .check(SemaphoreUnderTest.class);
    }
}
