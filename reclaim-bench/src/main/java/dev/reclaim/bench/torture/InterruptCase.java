package dev.reclaim.bench.torture;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Interrupts while a thread waits (parks) inside the reclaimer: waiters blocked in {@code synchronize()} and
 * {@code synchronize(timeout)} behind a reader that holds a guard are interrupted again and again. The
 * documented behaviour, checked here: the waits are not interruptible (they keep waiting, so the grace-period
 * guarantee holds), they return once the reader leaves, the deferred action ran before they returned, and the
 * interrupt status is still set when they return (it is never swallowed).
 */
final class InterruptCase implements TortureCase {

    private final Scheme scheme;

    InterruptCase(Scheme scheme) {
        this.scheme = scheme;
    }

    @Override
    public String name() {
        return "interrupts " + scheme.id();
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-interrupt-" + scheme.id(), failures);
        CountDownLatch readerIn = new CountDownLatch(1);
        CountDownLatch readerOut = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        AtomicLong interrupts = new AtomicLong();
        Thread reader = Thread.ofPlatform().name("torture-interrupt-reader").start(() -> {
            try (Guard g = reclaimer.enter()) {
                g.defer(() -> ran.set(true));
                readerIn.countDown();
                readerOut.await();
            } catch (InterruptedException e) {
                problem.compareAndSet(null, "the reader was interrupted");
            }
        });
        readerIn.await();
        int waiters = Math.max(2, threads);
        Thread[] w = new Thread[waiters];
        for (int i = 0; i < waiters; i++) {
            boolean timed = (i & 1) == 1;
            w[i] = Thread.ofPlatform().name("torture-interrupt-waiter-" + i).start(() -> {
                boolean done = timed ? reclaimer.synchronize(Duration.ofSeconds(30)) : syncUntimed(reclaimer);
                if (!done) {
                    problem.compareAndSet(null, "synchronize(30 s) timed out although the reader left");
                } else if (!ran.get()) {
                    problem.compareAndSet(null, "synchronize returned before the deferred action ran"
                            + " (an interrupt cut the grace period short)");
                }
                if (!Thread.currentThread().isInterrupted()) {
                    problem.compareAndSet(null, "synchronize swallowed the interrupt status");
                }
            });
        }
        long until = System.nanoTime() + 200_000_000L + (seed & 0x3F) * 1_000_000L;
        while (System.nanoTime() < until) {
            for (Thread t : w) {
                t.interrupt();
                interrupts.incrementAndGet();
            }
            Thread.sleep(1);
        }
        for (Thread t : w) {
            if (!t.isAlive()) {
                problem.compareAndSet(null, t.getName() + " returned from synchronize while the reader still held"
                        + " its guard");
            }
        }
        readerOut.countDown();
        reader.join();
        for (Thread t : w) {
            t.join();
        }
        reclaimer.close();
        if (problem.get() != null) {
            throw new AssertionError(problem.get());
        }
        if (failures.count() > 0) {
            throw new AssertionError("the reclaimer reported failures: " + failures.sample());
        }
        return String.format("%d waiters interrupted %,d times kept waiting, returned after the grace period"
                + " with the interrupt status kept", waiters, interrupts.get());
    }

    private static boolean syncUntimed(Reclaimer reclaimer) {
        reclaimer.synchronize();
        return true;
    }
}
