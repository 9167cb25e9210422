package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import dev.reclaim.testing.ReclaimCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Michael-Scott queue under the robust scheme (interval-based reclamation): 4 threads offer and poll on a
 * queue of about {@value #LIVE} values, with and without a reader parked in a guard. In a FIFO every node lives
 * for the whole queue length, so a guard that stalls -- the parked reader, or just a worker descheduled in the
 * middle of a poll -- keeps every node polled during its pause, up to the queue's length. Pending garbage must
 * stay within {@link RobustReclaimer#garbageBound(int, long)} counted over every guard that may be open (the
 * workers and the parked reader), while under EBR the same run with a parked reader keeps every polled node,
 * far above that bound.
 */
class MichaelScottQueueRobustBoundTest {

    private static final int THREADS = 4;
    private static final int LIVE = 1_000;
    private static final int PAIRS = 25_000; // per thread: offer then poll, so the queue stays near LIVE

    /** The queue's largest possible length: LIVE plus one offer in flight per worker, plus the dummy. */
    private static final long MAX_NODES = LIVE + THREADS + 1;

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void pendingStaysWithinTheBoundForEveryWorkerGuardWithoutAStalledReader() throws Exception {
        RobustReclaimer r = check.reclaimer(RobustReclaimer::create);
        long bound = r.garbageBound(THREADS, MAX_NODES);
        long peak = run(r, false);
        assertTrue(peak <= bound, "robust, no stalled reader: peak pending " + peak + " > bound " + bound);
    }

    @Test
    void pendingStaysWithinTheBoundWithAStalledReaderWhileEbrKeepsEveryPolledNode() throws Exception {
        RobustReclaimer robust = check.reclaimer(RobustReclaimer::create);
        long bound = robust.garbageBound(THREADS + 1, MAX_NODES); // the workers and the parked reader
        long robustPeak = run(robust, true);
        robust.close(); // done with it: closed before the EBR run
        assertTrue(robustPeak <= bound, "robust, stalled reader: peak pending " + robustPeak + " > bound " + bound);
        long ebrPeak = run(check.reclaimer(EpochReclaimer::create), true);
        // The same workload violates the bound when birth eras are not used (EBR keeps everything): the bound
        // is tight enough to catch a queue that retired its nodes without their birth era.
        assertTrue(ebrPeak > 3 * bound, "ebr keeps every polled node while a reader stalls: peak " + ebrPeak
                + ", robust bound " + bound);
    }

    /**
     * Fills the queue with LIVE values, optionally parks a guard that read head, then lets THREADS workers offer
     * and poll PAIRS times each; returns the peak pending garbage (the reclaimer's own peak, taken at every scan,
     * and the pending count sampled meanwhile).
     */
    private long run(Reclaimer r, boolean stall) throws Exception {
        long peak = 0;
        try (MichaelScottQueue queue = new MichaelScottQueue(r, check.allocator(b -> b.name("msq-bound-"
                + r.scheme().id())))) {
            for (int i = 0; i < LIVE; i++) {
                queue.offer(i);
            }
            Guard stalled = null;
            if (stall) {
                stalled = r.enter(); // the parked reader: holds head's node and its reservation for the whole run
                stalled.protect(0, queue.rootAddress() + MichaelScottQueueLayout.HEAD_OFFSET);
            }
            AtomicReference<Throwable> error = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(Thread.ofPlatform().name("msq-bound-" + t).start(() -> {
                    try {
                        for (int i = 0; i < PAIRS; i++) {
                            queue.offer(i);
                            if (queue.poll(-1) == -1) {
                                throw new AssertionError("the queue ran empty although it holds about " + LIVE);
                            }
                        }
                    } catch (Throwable e) {
                        error.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread w : workers) {
                while (w.isAlive()) {
                    w.join(1);
                    peak = Math.max(peak, r.stats().pending());
                }
            }
            if (error.get() != null) {
                throw new AssertionError("a worker failed: " + error.get(), error.get());
            }
            peak = Math.max(peak, r.stats().peakPending());
            assertEquals((long) THREADS * PAIRS, r.stats().retired(), "every poll retired its old dummy");
            if (stalled != null) {
                stalled.close();
            }
            r.synchronize();
            assertEquals(0, r.stats().pending(), r.scheme().id() + ": everything freed once the reader left");
        }
        return peak;
    }
}
