package dev.reclaim.bench.torture;

import dev.reclaim.sync.Channel;
import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.Semaphore;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Interrupts during parks in the sync primitives: workers contend on a {@link Mutex} (interruptible and timed
 * acquisition), a {@link Semaphore} and a bounded {@link Channel} while an interrupter thread interrupts them at
 * random. Checks: an interrupted acquisition never holds the lock or a permit (the counters stay exact:
 * mutual exclusion and permits are preserved), every value sent through the channel is received exactly once
 * (no lost wake-up strands a value or a thread: the watchdog catches a hang), and every worker finishes.
 */
final class SyncInterruptCase implements TortureCase {

    private static final int OPS = 20_000;

    @Override
    public String name() {
        return "sync-interrupts";
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Mutex mutex = new Mutex();
        Semaphore permits = new Semaphore(2);
        Channel<Long> channel = new Channel<>(8);
        long[] guarded = new long[1]; // guarded by mutex
        AtomicLong entered = new AtomicLong();
        AtomicLong interrupted = new AtomicLong();
        AtomicLong inSemaphore = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        AtomicLong sentSum = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        int workers = Math.max(2, threads);
        Thread[] w = new Thread[workers];
        for (int t = 0; t < workers; t++) {
            Random random = new Random(seed + t);
            int id = t;
            w[t] = Thread.ofPlatform().name("torture-sync-" + t).start(() -> {
                try {
                    for (int i = 0; i < OPS; i++) {
                        try {
                            switch (random.nextInt(3)) {
                                case 0 -> {
                                    boolean got = random.nextBoolean()
                                            ? tryTimed(mutex) : lockInterruptibly(mutex);
                                    if (got) {
                                        try {
                                            guarded[0]++;
                                            entered.incrementAndGet();
                                        } finally {
                                            mutex.unlock();
                                        }
                                    }
                                }
                                case 1 -> {
                                    permits.acquire();
                                    try {
                                        if (inSemaphore.incrementAndGet() > 2) {
                                            throw new AssertionError("three threads inside a 2-permit semaphore");
                                        }
                                        inSemaphore.decrementAndGet();
                                    } finally {
                                        permits.release();
                                    }
                                }
                                default -> {
                                    long v = ((long) id << 32) | i;
                                    if (channel.trySend(v)) {
                                        sent.incrementAndGet();
                                        sentSum.addAndGet(v);
                                    }
                                }
                            }
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
        }
        AtomicLong received = new AtomicLong();
        AtomicLong receivedSum = new AtomicLong();
        Thread consumer = Thread.ofPlatform().name("torture-sync-consumer").start(() -> {
            try {
                while (true) {
                    Long v;
                    try {
                        v = channel.receive(5, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        continue; // the interrupter also hits the consumer; a receive must not lose the value
                    }
                    if (v != null) {
                        received.incrementAndGet();
                        receivedSum.addAndGet(v);
                    } else if (stop.get() && channel.size() == 0) {
                        return;
                    }
                }
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        });
        Random random = new Random(seed);
        long interrupts = 0;
        boolean alive = true;
        while (alive) {
            alive = false;
            for (Thread t : w) {
                if (t.isAlive()) {
                    alive = true;
                    if (random.nextInt(4) == 0) {
                        t.interrupt();
                        interrupts++;
                    }
                }
            }
            if (random.nextInt(8) == 0) {
                consumer.interrupt();
                interrupts++;
            }
            Thread.sleep(0, 200_000);
        }
        for (Thread t : w) {
            t.join();
        }
        stop.set(true);
        consumer.join();
        if (error.get() != null) {
            throw new AssertionError("a worker failed: " + error.get(), error.get());
        }
        if (guarded[0] != entered.get()) {
            throw new AssertionError("mutual exclusion broken under interrupts: " + entered.get()
                    + " critical sections but the guarded counter says " + guarded[0]);
        }
        if (sent.get() != received.get() || sentSum.get() != receivedSum.get()) {
            throw new AssertionError("channel lost or duplicated values under interrupts: sent " + sent.get()
                    + ", received " + received.get());
        }
        if (mutex.isLocked()) {
            throw new AssertionError("the mutex is still locked after every worker finished");
        }
        return String.format("%,d interrupts; %,d critical sections exact, %,d acquisitions gave up on interrupt,"
                + " %,d channel values received exactly once", interrupts, entered.get(), interrupted.get(), received.get());
    }

    private static boolean tryTimed(Mutex mutex) throws InterruptedException {
        return mutex.tryLock(1, TimeUnit.MILLISECONDS);
    }

    private static boolean lockInterruptibly(Mutex mutex) throws InterruptedException {
        mutex.lockInterruptibly(); // the guard is not needed: the caller unlocks with unlock()
        return true;
    }
}
