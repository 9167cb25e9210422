package dev.reclaim.bench.torture;

import dev.reclaim.Guard;
import dev.reclaim.Scheme;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Threads that die inside a guard: each victim enters a guard, protects a pointer, retires blocks of its own
 * and then throws (an uncaught exception) without closing the guard, while survivors keep retiring. Checks:
 * once the dead guards are unreachable (a GC), the reclaimer reports each as abandoned, {@code synchronize}
 * completes (the dead guards no longer hold reclamation back), every retired block is freed exactly once, and
 * nothing leaks after close.
 */
final class ThreadDeathCase implements TortureCase {

    private static final int VICTIMS = 3;
    private static final int RETIRES_PER_THREAD = 2_000;

    private final Scheme scheme;

    ThreadDeathCase(Scheme scheme) {
        this.scheme = scheme;
    }

    @Override
    public String name() {
        return "thread-death " + scheme.id();
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        try (CellFixture f = new CellFixture(scheme, "death", m -> m.allocate(16))) {
            AtomicReference<Throwable> unexpected = new AtomicReference<>();
            AtomicLong died = new AtomicLong();
            int survivors = Math.max(1, threads - 1);
            Thread[] all = new Thread[VICTIMS + survivors];
            for (int t = 0; t < all.length; t++) {
                boolean victim = t < VICTIMS;
                Random random = new Random(seed + t);
                Thread th = Thread.ofPlatform().name("torture-" + (victim ? "victim-" : "survivor-") + t).unstarted(() -> {
                    Guard g = f.reclaimer.enter();
                    for (int i = 0; i < RETIRES_PER_THREAD; i++) {
                        g.protect(0, f.cell);
                        g.retire(f.memory.allocate(16 + random.nextInt(48)), f.counting);
                        if (!victim && (i & 63) == 0) {
                            g.close();
                            g = f.reclaimer.enter();
                        }
                    }
                    if (victim) {
                        throw new IllegalStateException("injected death inside a guard");
                    }
                    g.close();
                });
                th.setUncaughtExceptionHandler((thread, e) -> {
                    if (e instanceof IllegalStateException && "injected death inside a guard".equals(e.getMessage())) {
                        died.incrementAndGet();
                    } else {
                        unexpected.compareAndSet(null, e);
                    }
                });
                all[t] = th;
            }
            for (Thread th : all) {
                th.start();
            }
            for (Thread th : all) {
                th.join();
            }
            all = null; // the dead threads' guards are now reachable from nothing but the reclaimer's weak references
            if (unexpected.get() != null) {
                throw new AssertionError("a worker failed: " + unexpected.get(), unexpected.get());
            }
            boolean synced = false;
            for (int attempt = 0; attempt < 50 && !synced; attempt++) {
                System.gc();
                synced = f.reclaimer.synchronize(Duration.ofMillis(200));
            }
            if (!synced) {
                throw new AssertionError("synchronize() did not complete within 10 s of the victims' death: dead guards"
                        + " still hold reclamation back (abandoned reports: " + f.failures.abandoned() + ")");
            }
            long retired = (long) (VICTIMS + survivors) * RETIRES_PER_THREAD;
            if (f.deleted.get() != retired) {
                throw new AssertionError("after synchronize " + f.deleted.get() + " of " + retired + " retired blocks were freed");
            }
            if (f.failures.abandoned() < VICTIMS) {
                throw new AssertionError(VICTIMS + " guards were abandoned but " + f.failures.abandoned() + " reported: "
                        + f.failures.sample());
            }
            f.finish(retired);
            return String.format("%d threads died in guards, %d abandoned reports, %,d retired blocks all freed once",
                    died.get(), f.failures.abandoned(), retired);
        }
    }
}
