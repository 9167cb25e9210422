package dev.reclaim;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link Scheme#LEAK} baseline: guards cost (almost) nothing and retired pointers are never freed.
 *
 * <p>Benchmarks run every workload with this scheme to measure the cost of the data structure alone; the ratio
 * of another scheme to it is the price of reclamation. Never use it in production: memory grows without bound.
 *
 * <p>Its guards are per-thread pooled objects with a plain open flag (no atomic instruction on enter or close),
 * so that misuse (a closed guard) is still reported. {@link #synchronize()} and {@link #flush()} return at once;
 * {@link #close()} runs no deleter, and {@link #stats()} reports every retired pointer as pending forever.
 */
public final class LeakReclaimer implements Reclaimer {


    private final String name;
    private final LongAdder retired = new LongAdder();
    private final LongAdder retiredBytes = new LongAdder();
    private final ThreadLocal<Pool> pools = ThreadLocal.withInitial(Pool::new);
    private volatile boolean closed;

    /** Creates a leak reclaimer named {@code "leak"}. */
    public LeakReclaimer() {
        this("leak");
    }

    /**
     * Creates a leak reclaimer.
     *
     * @param name the name used in messages and statistics
     */
    public LeakReclaimer(String name) {
        this.name = Objects.requireNonNull(name, "name must not be null");
    }

    @Override
    public Guard enter() {
        if (closed) { // volatile read; pairs with the volatile write in close()
            throw new IllegalStateException("reclaimer '" + name + "' is closed; enter() guards before closing it");
        }
        Pool pool = pools.get();
        LeakGuard g = pool.size == 0 ? new LeakGuard(this, pool) : pool.guards[--pool.size];
        g.open = true;
        return g;
    }

    @Override
    public void flush() {
        checkOpen("flush()");
    }

    @Override
    public void synchronize() {
        checkOpen("synchronize()");
    }

    @Override
    public boolean synchronize(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        checkOpen("synchronize()");
        return true;
    }

    @Override
    public ReclaimerStats stats() {
        long r = retired.sum();
        return new ReclaimerStats(name, Scheme.LEAK, r, 0, r, retiredBytes.sum(), r, -1, 0, null, 0);
    }

    @Override
    public Scheme scheme() {
        return Scheme.LEAK;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (closed) {
            throw new IllegalStateException("reclaimer '" + name + "' is already closed; close it exactly once");
        }
        closed = true; // volatile write; pairs with the volatile read in enter()
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException("reclaimer '" + name + "' is closed; " + op + " must be called before close()");
        }
    }

    @Override
    public String toString() {
        return "LeakReclaimer[" + name + (closed ? ", closed]" : "]");
    }

    /** Free guards of one thread, used as a stack so nested guards are distinct objects. */
    private static final class Pool {
        final Thread owner = Thread.currentThread();
        LeakGuard[] guards = new LeakGuard[4];
        int size;

        void push(LeakGuard g) {
            if (size == guards.length) {
                guards = java.util.Arrays.copyOf(guards, size * 2);
            }
            guards[size++] = g;
        }
    }

    private static final class LeakGuard implements Guard {
        private final LeakReclaimer owner;
        private final Pool home;
        boolean open; // plain: a guard is used by one thread at a time; hand-overs carry their own edge

        LeakGuard(LeakReclaimer owner, Pool home) {
            this.owner = owner;
            this.home = home;
        }

        private void checkOpen(String op) {
            if (!open) {
                throw new IllegalStateException("guard of reclaimer '" + owner.name + "' is closed; call " + op
                        + " inside try (Guard g = reclaimer.enter()) { ... }");
            }
        }

        @Override
        public long protect(int index, long address) {
            checkOpen("protect()");
            Objects.checkIndex(index, PROTECT_SLOTS);
            return dev.reclaim.memory.Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
        }

        @Override
        public <T> T protect(int index, AtomicReference<T> source) {
            checkOpen("protect()");
            Objects.checkIndex(index, PROTECT_SLOTS);
            return source.getAcquire(); // acquire: pairs with the writer's release/CAS of the reference
        }

        @Override
        public void unprotect(int index) {
            checkOpen("unprotect()");
            Objects.checkIndex(index, PROTECT_SLOTS);
        }

        @Override
        public void repin() {
            checkOpen("repin()");
        }

        @Override
        public void retire(long pointer, Deleter deleter) {
            checkOpen("retire()");
            if (pointer == 0) {
                throw new IllegalArgumentException("cannot retire pointer 0 (null); retire only pointers you unlinked");
            }
            Objects.requireNonNull(deleter, "deleter must not be null; pass the allocator that owns the pointer");
            owner.retired.increment();
            long size = deleter.sizeOf(pointer);
            if (size != 0) {
                owner.retiredBytes.add(size);
            }
        }

        @Override
        public void defer(Runnable action) {
            checkOpen("defer()");
            Objects.requireNonNull(action, "deferred action must not be null; pass the Runnable to run after the grace period");
            owner.retired.increment();
        }

        @Override
        public Reclaimer reclaimer() {
            return owner;
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            checkOpen("close() once");
            open = false;
            if (Thread.currentThread() == home.owner) {
                home.push(this);
            } // closed on another thread: dropped; the home thread makes a new one when it needs it
        }
    }

}
