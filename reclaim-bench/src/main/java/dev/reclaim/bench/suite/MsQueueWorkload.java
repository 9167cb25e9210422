package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.MichaelScottQueue;
import dev.reclaim.memory.SlabAllocator;
import org.jctools.queues.MpmcArrayQueue;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * {@code msqueue}: the off-heap {@link MichaelScottQueue}. Each thread alternates offer and poll (each one
 * operation) on a queue prefilled with {@code key-range} values, so every thread is both producer and consumer
 * and the queue never runs empty; every poll retires a node. Baselines: {@link ConcurrentLinkedQueue}
 * ({@code jdk-clq}, a heap node per offer) and JCTools' bounded {@link MpmcArrayQueue} ({@code jctools-mpmc},
 * no node at all; capacity: the next power of two of twice the prefill plus the threads). Both queue a
 * preallocated {@code Long}, so they pay for the queue's own garbage only, not for boxing.
 *
 * <p>Invariant checked at close: the values left in the queue are exactly the prefill plus the offers minus the
 * polls that returned a value (no value lost or duplicated).
 */
final class MsQueueWorkload implements Workload {

    static final String CLQ = "jdk-clq";
    static final String MPMC = "jctools-mpmc";
    private static final Long BOXED = 42L;
    private static final long EMPTY = Long.MIN_VALUE;

    @Override
    public String id() {
        return "msqueue";
    }

    @Override
    public String description() {
        return "alternately offer and poll (each one operation) on a FIFO queue prefilled with key-range values";
    }

    @Override
    public List<String> baselines() {
        return List.of(CLQ, MPMC);
    }

    @Override
    public int defaultKeyRange() {
        return 1024;
    }

    /** The operations one worker needs from a queue, so that one loop serves every implementation. */
    private interface Ops {
        void offer(long v);

        /** Polls; returns false when the queue was empty. */
        boolean poll();

        /** Polls everything left (after the run, single-threaded) and returns how many values there were. */
        long drain();
    }

    @Override
    public Trial open(String scheme, Params p) {
        return switch (scheme) {
            case CLQ -> {
                ConcurrentLinkedQueue<Long> q = new ConcurrentLinkedQueue<>();
                yield new QueueTrial(p, null, new Ops() {
                    @Override
                    public void offer(long v) {
                        q.offer(BOXED);
                    }

                    @Override
                    public boolean poll() {
                        return q.poll() != null;
                    }

                    @Override
                    public long drain() {
                        long n = 0;
                        while (q.poll() != null) {
                            n++;
                        }
                        return n;
                    }
                }, null);
            }
            case MPMC -> {
                int capacity = Integer.highestOneBit(Math.max(2, 2 * p.keyRange() + 2 * p.threads()) - 1) << 1;
                MpmcArrayQueue<Long> q = new MpmcArrayQueue<>(capacity);
                yield new QueueTrial(p, null, new Ops() {
                    @Override
                    public void offer(long v) {
                        while (!q.offer(BOXED)) { // never full (capacity > prefill + threads); spin if it were
                            Thread.onSpinWait();
                        }
                    }

                    @Override
                    public boolean poll() {
                        return q.poll() != null;
                    }

                    @Override
                    public long drain() {
                        long n = 0;
                        while (q.poll() != null) {
                            n++;
                        }
                        return n;
                    }
                }, null);
            }
            default -> {
                SlabAllocator allocator = Trials.allocator("bench-msqueue", p);
                Reclaimer reclaimer = Scheme.fromId(scheme).create();
                MichaelScottQueue q = new MichaelScottQueue(reclaimer, allocator);
                yield new QueueTrial(p, reclaimer, new Ops() {
                    @Override
                    public void offer(long v) {
                        q.offer(v);
                    }

                    @Override
                    public boolean poll() {
                        return q.poll(EMPTY) != EMPTY;
                    }

                    @Override
                    public long drain() {
                        long n = 0;
                        while (q.poll(EMPTY) != EMPTY) {
                            n++;
                        }
                        return n;
                    }
                }, () -> {
                    q.close();
                    Trials.closeAndCheck(reclaimer, allocator, "msqueue");
                });
            }
        };
    }

    /** One run on one queue: prefill, workers that alternate offer/poll, and the conservation check. */
    private static final class QueueTrial implements Trial {
        private final Params p;
        private final Reclaimer reclaimer;
        private final Ops ops;
        private final Runnable closer;
        private final QueueWorker[] workers;

        QueueTrial(Params p, Reclaimer reclaimer, Ops ops, Runnable closer) {
            this.p = p;
            this.reclaimer = reclaimer;
            this.ops = ops;
            this.closer = closer;
            this.workers = new QueueWorker[p.threads()];
            for (int i = 0; i < p.keyRange(); i++) {
                ops.offer(i);
            }
        }

        @Override
        public Worker worker(int index) {
            QueueWorker w = new QueueWorker(ops, index);
            workers[index] = w;
            return w;
        }

        @Override
        public Reclaimer reclaimer() {
            return reclaimer;
        }

        @Override
        public void close() {
            // The harness joined the workers before close(): their plain counters are visible here.
            long expected = p.keyRange();
            for (QueueWorker w : workers) {
                if (w != null) {
                    expected += w.offers - w.polled;
                }
            }
            long left = ops.drain();
            if (closer != null) {
                closer.run();
            }
            if (left != expected) {
                throw new IllegalStateException("msqueue: " + left + " values left in the queue, expected "
                        + expected + " (prefill + offers - successful polls): a value was lost or duplicated");
            }
        }
    }

    /** Alternates offer and poll across calls; counts both for the conservation check. */
    private static final class QueueWorker implements Worker {
        private final Ops ops;
        private final long base;
        private long offers;
        private long polled;
        private boolean offerNext = true;

        QueueWorker(Ops ops, int index) {
            this.ops = ops;
            this.base = (long) index << 40;
        }

        @Override
        public void run(int n) {
            for (int i = 0; i < n; i++) {
                if (offerNext) {
                    ops.offer(base + offers);
                    offers++;
                } else if (ops.poll()) {
                    polled++;
                }
                offerNext = !offerNext;
            }
        }
    }
}
