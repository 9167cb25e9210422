package dev.reclaim.bench.torture;

import dev.reclaim.Scheme;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the exhaustion cases share: the name {@code exhaustion <kind>/<scheme>} and the shape of their run, in
 * which every worker fills the structure until the allocator refuses, all workers meet, and then every worker
 * drains what it put in. The first failure of a worker ends the run (see {@link Cleanup#joinWorkers}).
 */
abstract class AbstractExhaustionCase implements TortureCase {

    /** A worker's fill phase: inserts until the allocator refuses. */
    @FunctionalInterface
    interface Fill {
        /**
         * Fills until the allocator refuses.
         *
         * @param worker the worker's index, 0 to threads - 1
         * @return what the drain phase needs to know of this fill (e.g. how many inserts returned)
         * @throws Exception anything but the allocator's refusal, which fails the case
         */
        long run(int worker) throws Exception;
    }

    /** A worker's drain phase, once every worker has filled. */
    @FunctionalInterface
    interface Drain {
        /**
         * Removes (and checks) what the fill put in.
         *
         * @param worker the worker's index
         * @param filled what this worker's fill returned
         * @throws Exception a failed check
         */
        void run(int worker, long filled) throws Exception;
    }

    /** The scheme of the reclaimer the case creates. */
    final Scheme scheme;
    private final String kindId;

    AbstractExhaustionCase(Scheme scheme, String kindId) {
        this.scheme = scheme;
        this.kindId = kindId;
    }

    @Override
    public final String name() {
        return "exhaustion " + kindId + "/" + scheme.id();
    }

    /**
     * Runs {@code threads} platform workers named {@code threadName + index}: each runs {@code fill}, waits until
     * every worker has filled (or failed), then runs {@code drain}; joins them all.
     *
     * @throws AssertionError naming the first worker failure
     */
    static void fillThenDrain(String threadName, int threads, Fill fill, Drain drain) throws InterruptedException {
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch full = new CountDownLatch(threads);
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = Thread.ofPlatform().name(threadName + t).start(() -> {
                try {
                    long filled = fill.run(id);
                    full.countDown();
                    full.await();
                    drain.run(id, filled);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                    full.countDown();
                }
            });
        }
        Cleanup.joinWorkers(workers, error);
    }
}
