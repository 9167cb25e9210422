package dev.reclaim.bench.peer;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@code pin} peer workload: a tight loop of {@code try (Guard g = reclaimer.enter()) {}}, crossbeam-epoch's
 * {@code drop(epoch::pin())} in Java. The {@code floor} implementation is the bare atomic cost of a pin in this
 * design: a CAS that claims a thread's own padded word and a release store that frees it, with no reclaimer.
 */
abstract class PinLoop implements AutoCloseable {

    /** Runs {@code n} pins (enter then close) on the calling thread; returns something the JIT cannot drop. */
    abstract long run(long n);

    @Override
    public void close() {
    }

    /**
     * The loop for an implementation.
     *
     * @param impl a scheme id, or {@code floor}
     */
    static PinLoop open(String impl) {
        if (impl.equals("floor")) {
            return new Floor();
        }
        if (impl.equals("heap")) {
            throw new IllegalArgumentException("the pin workload has no heap baseline; use --impl floor (a bare"
                    + " CAS + release store) or a scheme id");
        }
        Reclaimer r = Scheme.fromId(impl).create();
        return new PinLoop() {
            @Override
            long run(long n) {
                long opened = 0;
                for (long i = 0; i < n; i++) {
                    try (Guard g = r.enter()) {
                        opened += g.isOpen() ? 1 : 0;
                    }
                }
                return opened;
            }

            @Override
            public void close() {
                r.close();
            }
        };
    }

    /** A CAS on the thread's own padded word, then a release store: the floor of a claim-and-release pin. */
    private static final class Floor extends PinLoop {
        private static final int STRIDE = 16; // longs: 128 bytes between two threads' words
        private final long[] words = new long[STRIDE * 64];

        @Override
        long run(long n) {
            int at = (int) (Thread.currentThread().threadId() & 63) * STRIDE;
            long claimed = 0;
            for (long i = 0; i < n; i++) {
                claimed += WORD.compareAndSet(words, at, 0L, 3L) ? 1 : 0; // CAS: the claim, as in enter()
                WORD.setRelease(words, at, 0L); // release: the unpin, as in close(); pairs with the next CAS
            }
            return claimed;
        }
    }

    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
}
