package dev.reclaim.testing;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * The model-check harness itself: a loop that waits a bounded number of iterations for another thread (a
 * back-off, a try-lock spin) is explored, not reported as a livelock. Lincheck counts a loop's iterations
 * against the thread-switch bound first and its livelock bound second; with the harness's switch bound
 * (10,000) above Lincheck's default livelock bound (50), any loop reaching 50 iterations was reported as
 * "the execution has hung" before the checker switched to the thread it was waiting for.
 */
class ModelCheckLoopBoundTest {

    /** Iterations the waiter allows: above Lincheck's default livelock bound of 50. */
    static final int SPINS = 64;

    /** A flag one thread sets while the other polls it a bounded number of times. */
    public static final class Waiting implements AutoCloseable {
        private final AtomicBoolean flag = new AtomicBoolean();

        /** Made by the model checker once per interleaving. */
        public Waiting() {
            ModelCheck.invocation(this);
        }

        /** Polls the flag up to {@link #SPINS} times, then gives up (both outcomes end the same way). */
        @Operation
        public void await() {
            for (int i = 0; i < SPINS; i++) {
                if (flag.get()) {
                    return;
                }
            }
        }

        /** Sets the flag. */
        @Operation
        public void signal() {
            flag.set(true);
        }

        @Override
        public void close() {
        }
    }

    /** The sequential specification: nothing to return. */
    public static final class Spec {
        /** Lincheck instantiates it reflectively. */
        public Spec() {
        }

        /** Nothing. */
        public void await() {
        }

        /** Nothing. */
        public void signal() {
        }
    }

    @Test
    void aBoundedWaitLongerThanFiftyIterationsIsNotAHang() {
        ModelCheck.Result r = ModelCheck.run("bounded wait", Waiting.class, Spec.class, List.of(),
                List.of(ModelCheck.thread("await"), ModelCheck.thread("signal")), 10);
        assertNull(r.failure(), () -> r + "\n" + r.summary(40));
    }
}
