package dev.reclaim.bench.torture;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * ArcSwap under churn: readers on platform threads (the lane path, with guards nested deeper than a lane so that
 * the pool path runs too) and on virtual threads (the pool path), short-lived reader threads (lanes of ended
 * threads are reused), and writers mixing {@code store}, {@code swap}, {@code compareAndSet} and {@code rcu}.
 * Each value counts the guards using it and fails if its release action runs while one does. Checks: no value is
 * released under a guard, every value is released exactly once by the end (nothing held back forever), and the
 * readers saw only values that were stored.
 */
final class ArcSwapChurnCase implements TortureCase {

    /** A value that knows who uses it. */
    static final class Res {
        final long id;
        final AtomicInteger users = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();

        Res(long id) {
            this.id = id;
        }
    }

    private final long opsPerReader;

    ArcSwapChurnCase(long opsPerReader) {
        this.opsPerReader = opsPerReader;
    }

    @Override
    public String name() {
        return "churn arcswap";
    }

    @Override
    public String run(long seed, int threads) throws Exception {
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Res> all = new ConcurrentLinkedQueue<>();
        AtomicLong ids = new AtomicLong();
        AtomicLong loads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        java.util.function.Supplier<Arc<Res>> fresh = () -> {
            Res r = new Res(ids.incrementAndGet());
            all.add(r);
            return Arc.of(r, v -> {
                if (v.users.get() != 0) {
                    errors.add("value " + v.id + " released while " + v.users.get() + " guard(s) used it");
                }
                if (v.releases.incrementAndGet() != 1) {
                    errors.add("value " + v.id + " released twice");
                }
            });
        };
        ArcSwap<Res> swap = ArcSwap.of(fresh.get());
        int readers = Math.max(2, threads);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < readers; t++) {
            Random random = new Random(seed * 31 + t);
            boolean virtual = (t & 1) == 1;
            Runnable body = () -> {
                try {
                    // short-lived platform threads: each ends after a slice, and the next one takes its lane
                    long slice = opsPerReader / 8;
                    for (long done = 0; done < opsPerReader; done += slice) {
                        Runnable part = () -> readLoop(swap, random, slice, loads, errors);
                        if (virtual) {
                            part.run();
                        } else {
                            Thread p = Thread.ofPlatform().name("torture-arcswap-reader").start(part);
                            p.join();
                        }
                    }
                } catch (Throwable e) {
                    errors.add("reader: " + e);
                }
            };
            workers.add(virtual ? Thread.ofVirtual().unstarted(body) : Thread.ofPlatform().unstarted(body));
        }
        for (int w = 0; w < 2; w++) {
            Random random = new Random(seed * 17 + w);
            workers.add(Thread.ofPlatform().name("torture-arcswap-writer").unstarted(() -> {
                try {
                    for (int i = 0; i < opsPerReader / 200; i++) {
                        switch (random.nextInt(4)) {
                            case 0 -> swap.store(fresh.get());
                            case 1 -> swap.swap(fresh.get()).close();
                            case 2 -> {
                                Arc<Res> next = fresh.get();
                                Res expected;
                                try (ArcGuard<Res> g = swap.load()) {
                                    expected = g.get();
                                }
                                if (!swap.compareAndSet(expected, next)) {
                                    next.close();
                                }
                            }
                            default -> swap.rcu(old -> fresh.get());
                        }
                        writes.incrementAndGet();
                        if ((i & 15) == 0) {
                            Thread.yield();
                        }
                    }
                } catch (Throwable e) {
                    errors.add("writer: " + e);
                }
            }));
        }
        for (Thread t : workers) {
            t.start();
        }
        for (Thread t : workers) {
            t.join(120_000);
            if (t.isAlive()) {
                errors.add("a worker did not finish within 120 s: " + t);
            }
        }
        swap.close();
        long unreleased = all.stream().filter(r -> r.releases.get() == 0).count();
        if (unreleased != 0) {
            errors.add(unreleased + " of " + all.size() + " values never released after every guard closed and the"
                    + " swap was closed (a hold kept back forever)");
        }
        if (!errors.isEmpty()) {
            throw new AssertionError(errors.size() + " violation(s), first: " + errors.peek());
        }
        return loads.get() + " loads (platform lanes, nested pool guards, virtual threads), " + writes.get()
                + " writes, " + all.size() + " values, each released once, none under a guard";
    }

    private static void readLoop(ArcSwap<Res> swap, Random random, long ops, AtomicLong loads,
                                 ConcurrentLinkedQueue<String> errors) {
        ArcGuard<?>[] nest = new ArcGuard<?>[6]; // deeper than a lane: the last loads take the pool path
        for (long i = 0; i < ops; i++) {
            int depth = random.nextInt(16) == 0 ? 1 + random.nextInt(nest.length) : 1;
            Res[] seen = new Res[depth];
            for (int d = 0; d < depth; d++) {
                @SuppressWarnings("unchecked")
                ArcGuard<Res> g = (ArcGuard<Res>) (nest[d] = swap.load());
                Res r = g.get();
                r.users.incrementAndGet();
                if (r.releases.get() != 0) {
                    errors.add("a guard loaded value " + r.id + " after its release");
                }
                seen[d] = r;
            }
            if ((i & 63) == 0) {
                Thread.onSpinWait(); // a little time inside the guards
            }
            for (int d = depth - 1; d >= 0; d--) {
                seen[d].users.decrementAndGet();
                nest[d].close();
                nest[d] = null;
            }
            loads.addAndGet(depth);
        }
    }
}
