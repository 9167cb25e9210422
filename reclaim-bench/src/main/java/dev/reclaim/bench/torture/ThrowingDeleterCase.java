package dev.reclaim.bench.torture;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;

import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Deleters and deferred actions that throw: workers retire blocks whose deleter frees the block and then
 * throws for about one retirement in seven, and defer actions of which some throw. Checks: every deleter and
 * action ran exactly once (a throwing one does not stop the rest of its batch), every throw was reported to
 * the failure handler, and nothing leaks.
 */
final class ThrowingDeleterCase implements TortureCase {

    private static final int PER_THREAD = 20_000;

    private final Scheme scheme;

    ThrowingDeleterCase(Scheme scheme) {
        this.scheme = scheme;
    }

    @Override
    public String name() {
        return "throwing-deleters " + scheme.id();
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        Failures failures = new Failures();
        SlabAllocator memory = SlabAllocator.builder().name("torture-throw").build();
        Reclaimer reclaimer = Reclaimers.create(scheme, "torture-throw-" + scheme.id(), failures);
        AtomicLong ran = new AtomicLong();
        AtomicLong thrown = new AtomicLong();
        Deleter sometimesThrows = p -> {
            ran.incrementAndGet();
            memory.free(p);
            if (p % 7 == 0) {
                thrown.incrementAndGet();
                throw new IllegalStateException("injected deleter failure");
            }
        };
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Random random = new Random(seed + t);
            workers[t] = Thread.ofPlatform().name("torture-throw-" + t).start(() -> {
                try {
                    for (int i = 0; i < PER_THREAD; i++) {
                        try (Guard g = reclaimer.enter()) {
                            if (random.nextInt(10) == 0) {
                                boolean fail = random.nextInt(5) == 0;
                                g.defer(() -> {
                                    ran.incrementAndGet();
                                    if (fail) {
                                        thrown.incrementAndGet();
                                        throw new IllegalStateException("injected deferred-action failure");
                                    }
                                });
                            } else {
                                g.retire(memory.allocate(8 + random.nextInt(120)), sometimesThrows);
                            }
                        }
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
        }
        for (Thread w : workers) {
            w.join();
        }
        if (error.get() != null) {
            throw new AssertionError("a deleter's exception escaped into a worker: " + error.get(), error.get());
        }
        reclaimer.synchronize();
        long total = (long) threads * PER_THREAD;
        if (ran.get() != total) {
            throw new AssertionError("after synchronize " + ran.get() + " of " + total + " deleters/actions ran");
        }
        reclaimer.close();
        if (ran.get() != total) {
            throw new AssertionError("close() ran " + (ran.get() - total) + " deleters twice");
        }
        if (failures.count() != thrown.get()) {
            throw new AssertionError(thrown.get() + " deleters threw but " + failures.count() + " failures were reported");
        }
        long live = memory.stats().liveBlocks();
        memory.close();
        if (live != 0) {
            throw new AssertionError(live + " blocks leaked");
        }
        return String.format("%,d deleters/actions ran once each, %,d threw and were all reported", total, thrown.get());
    }
}
