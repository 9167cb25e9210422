package dev.reclaim.bench.suite;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcCache;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * {@code arcswap}: a hot-swapped resource. Each operation reads the current resource of one of
 * {@code key-range} slots (default 1: one resource), or with probability {@code update-ratio} (default 0.001)
 * replaces it with a new one; a replaced resource must be closed exactly once and never while a reader uses it
 * (checked: the trial fails otherwise). Schemes protect an {@link AtomicReference} with {@code guard.protect}
 * and close the old resource with {@code guard.defer}. Baselines: {@code arc-swap} ({@link ArcSwap#load()}),
 * {@code arc-cache} (a per-thread {@link ArcCache}), {@code refcount} (a Lucene-style tryIncRef/decRef
 * manager) and {@code jdk-rwlock} ({@link ReentrantReadWriteLock}).
 */
final class ArcSwapWorkload implements Workload {

    static final String ARC_SWAP = "arc-swap";
    static final String ARC_CACHE = "arc-cache";
    static final String REFCOUNT = "refcount";
    static final String RWLOCK = "jdk-rwlock";

    /** The swapped resource: close() counts, and flags a second close. */
    static final class Res implements AutoCloseable {
        final long payload;
        volatile boolean closed;
        private final Checks checks;

        Res(long payload, Checks checks) {
            this.payload = payload;
            this.checks = checks;
            checks.created.increment();
        }

        long read() {
            if (closed) {
                checks.useAfterClose.increment();
            }
            return payload;
        }

        @Override
        public void close() {
            if (closed) {
                checks.doubleClose.increment();
            }
            closed = true;
            checks.closedCount.increment();
        }
    }

    /** Violations and counts of one trial. */
    static final class Checks {
        final LongAdder created = new LongAdder();
        final LongAdder closedCount = new LongAdder();
        final LongAdder useAfterClose = new LongAdder();
        final LongAdder doubleClose = new LongAdder();

        void verify(boolean allClosed) {
            if (useAfterClose.sum() != 0 || doubleClose.sum() != 0) {
                throw new IllegalStateException("arcswap: " + useAfterClose.sum() + " reads of a closed resource, "
                        + doubleClose.sum() + " double closes");
            }
            if (allClosed && created.sum() != closedCount.sum()) {
                throw new IllegalStateException("arcswap: " + created.sum() + " resources created but "
                        + closedCount.sum() + " closed: a release was lost");
            }
        }
    }

    /** Lucene's RefCounted resource reduced to its counting. */
    static final class Counted {
        final Res res;
        final AtomicInteger refs = new AtomicInteger(1);

        Counted(Res res) {
            this.res = res;
        }

        boolean tryIncRef() {
            for (int c = refs.get(); c > 0; c = refs.get()) {
                if (refs.compareAndSet(c, c + 1)) {
                    return true;
                }
            }
            return false;
        }

        void decRef() {
            if (refs.decrementAndGet() == 0) {
                res.close();
            }
        }
    }

    /** A per-worker xorshift generator (no allocation, no sharing). */
    static final class Rng {
        private long s;

        Rng(long seed) {
            s = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        }

        long next() {
            s ^= s << 13;
            s ^= s >>> 7;
            s ^= s << 17;
            return s;
        }
    }

    @Override
    public String id() {
        return "arcswap";
    }

    @Override
    public String description() {
        return "read the current resource of a slot, or (update-ratio) replace it and release the old one once unused";
    }

    @Override
    public List<String> baselines() {
        return List.of(ARC_SWAP, ARC_CACHE, REFCOUNT, RWLOCK);
    }

    @Override
    public int defaultKeyRange() {
        return 1;
    }

    @Override
    public double defaultUpdateRatio() {
        return 0.001;
    }

    @Override
    public Trial open(String scheme, Params p) {
        int n = p.keyRange();
        long threshold = (long) (p.updateRatio() * (1L << 20));
        Checks checks = new Checks();
        switch (scheme) {
            case ARC_SWAP, ARC_CACHE -> {
                List<ArcSwap<Res>> slots = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    slots.add(ArcSwap.of(Arc.of(new Res(i, checks))));
                }
                boolean cached = scheme.equals(ARC_CACHE);
                List<List<ArcCache<Res>>> caches = new ArrayList<>();
                return new Trial() {
                    @Override
                    public Worker worker(int index) {
                        Rng rnd = new Rng(p.seed() + index);
                        List<ArcCache<Res>> mine = new ArrayList<>();
                        for (ArcSwap<Res> s : slots) {
                            mine.add(s.cache());
                        }
                        synchronized (caches) {
                            caches.add(mine);
                        }
                        return ops -> {
                            long sink = 0;
                            for (int i = 0; i < ops; i++) {
                                long r = rnd.next();
                                int k = (int) ((r >>> 33) % n);
                                if ((r & ((1L << 20) - 1)) < threshold) {
                                    slots.get(k).store(Arc.of(new Res(r, checks)));
                                } else if (cached) {
                                    sink += mine.get(k).get().read();
                                } else {
                                    try (ArcGuard<Res> g = slots.get(k).load()) {
                                        sink += g.get().read();
                                    }
                                }
                            }
                            Blackhole.consume(sink);
                        };
                    }

                    @Override
                    public Reclaimer reclaimer() {
                        return null;
                    }

                    @Override
                    public void close() {
                        for (List<ArcCache<Res>> l : caches) {
                            l.forEach(ArcCache::close);
                        }
                        slots.forEach(ArcSwap::close);
                        checks.verify(true);
                    }
                };
            }
            case REFCOUNT -> {
                List<AtomicReference<Counted>> slots = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    slots.add(new AtomicReference<>(new Counted(new Res(i, checks))));
                }
                return baseline(index -> {
                    Rng rnd = new Rng(p.seed() + index);
                    return ops -> {
                        long sink = 0;
                        for (int i = 0; i < ops; i++) {
                            long r = rnd.next();
                            AtomicReference<Counted> slot = slots.get((int) ((r >>> 33) % n));
                            if ((r & ((1L << 20) - 1)) < threshold) {
                                slot.getAndSet(new Counted(new Res(r, checks))).decRef();
                            } else {
                                Counted c;
                                do {
                                    c = slot.get();
                                } while (!c.tryIncRef());
                                sink += c.res.read();
                                c.decRef();
                            }
                        }
                        Blackhole.consume(sink);
                    };
                }, () -> {
                    slots.forEach(s -> s.get().decRef());
                    checks.verify(true);
                });
            }
            case RWLOCK -> {
                ReentrantReadWriteLock[] locks = new ReentrantReadWriteLock[n];
                Res[] values = new Res[n];
                for (int i = 0; i < n; i++) {
                    locks[i] = new ReentrantReadWriteLock();
                    values[i] = new Res(i, checks);
                }
                return baseline(index -> {
                    Rng rnd = new Rng(p.seed() + index);
                    return ops -> {
                        long sink = 0;
                        for (int i = 0; i < ops; i++) {
                            long r = rnd.next();
                            int k = (int) ((r >>> 33) % n);
                            if ((r & ((1L << 20) - 1)) < threshold) {
                                Res fresh = new Res(r, checks);
                                Res old;
                                locks[k].writeLock().lock();
                                try {
                                    old = values[k];
                                    values[k] = fresh;
                                } finally {
                                    locks[k].writeLock().unlock();
                                }
                                old.close(); // no reader can hold it: they read under the read lock
                            } else {
                                locks[k].readLock().lock();
                                try {
                                    sink += values[k].read();
                                } finally {
                                    locks[k].readLock().unlock();
                                }
                            }
                        }
                        Blackhole.consume(sink);
                    };
                }, () -> {
                    for (Res v : values) {
                        v.close();
                    }
                    checks.verify(true);
                });
            }
            default -> {
                Reclaimer reclaimer = Scheme.fromId(scheme).create();
                List<AtomicReference<Res>> slots = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    slots.add(new AtomicReference<>(new Res(i, checks)));
                }
                return new Trial() {
                    @Override
                    public Worker worker(int index) {
                        Rng rnd = new Rng(p.seed() + index);
                        return ops -> {
                            long sink = 0;
                            for (int i = 0; i < ops; i++) {
                                long r = rnd.next();
                                AtomicReference<Res> slot = slots.get((int) ((r >>> 33) % n));
                                try (Guard g = reclaimer.enter()) {
                                    if ((r & ((1L << 20) - 1)) < threshold) {
                                        Res old = slot.getAndSet(new Res(r, checks));
                                        g.defer(old::close);
                                    } else {
                                        sink += g.protect(0, slot).read();
                                    }
                                }
                            }
                            Blackhole.consume(sink);
                        };
                    }

                    @Override
                    public Reclaimer reclaimer() {
                        return reclaimer;
                    }

                    @Override
                    public void close() {
                        reclaimer.close();
                        boolean leak = reclaimer.scheme() == Scheme.LEAK;
                        if (!leak) {
                            slots.forEach(s -> s.get().close());
                        }
                        checks.verify(!leak);
                    }
                };
            }
        }
    }

    private static Trial baseline(java.util.function.IntFunction<Worker> workers, Runnable onClose) {
        return new Trial() {
            @Override
            public Worker worker(int index) {
                return workers.apply(index);
            }

            @Override
            public Reclaimer reclaimer() {
                return null;
            }

            @Override
            public void close() {
                onClose.run();
            }
        };
    }
}
