package dev.reclaim;

import dev.reclaim.internal.PooledGuard;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@link Scheme#LEAK} baseline: guards cost (almost) nothing and retired pointers are never freed.
 *
 * <p>Benchmarks run every workload with this scheme to measure the cost of the data structure alone; the ratio
 * of another scheme to it is the price of reclamation. Never use it in production: memory grows without bound.
 *
 * <p>Its guards are per-thread pooled objects with a plain open flag (no atomic instruction on enter or close),
 * so that misuse (a closed guard) is still reported. {@link #synchronize()} and {@link #flush()} return at once
 * (synchronize() refuses, as every scheme does, to run inside the calling thread's own open guard);
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
        LeakGuard g = pool.size == 0 ? pool.create(this) : pool.guards[--pool.size];
        return g.reopen();
    }

    @Override
    public void flush() {
        checkOpen("flush()");
    }

    @Override
    public void synchronize() {
        checkOpen("synchronize()");
        checkNoOwnGuard("synchronize()");
    }

    @Override
    public boolean synchronize(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        checkOpen("synchronize()");
        checkNoOwnGuard("synchronize()");
        return true;
    }

    /**
     * The contract of {@link Reclaimer#synchronize()}: a thread inside its own guard may not wait for a grace
     * period (under a freeing scheme it would wait for itself forever). Returning at once would hide that bug
     * until the scheme is switched, so the baseline refuses it too.
     */
    private void checkNoOwnGuard(String op) {
        Thread t = Thread.currentThread();
        if (pools.get().holdsOpenGuard()) {
            throw new IllegalStateException(op + " called on reclaimer '" + name + "' by thread \"" + t.getName()
                    + "\" while it holds an open guard of it (under a freeing scheme it would wait for itself"
                    + " forever); close the guard first");
        }
    }

    @Override
    public ReclaimerStats stats() {
        long r = retired.sum();
        return new ReclaimerStats(name, Scheme.LEAK, r, 0, r, retiredBytes.sum(), r, -1, 0, null, 0, 0);
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

    /**
     * Free guards of one thread, used as a stack so nested guards are distinct objects, and every guard the
     * pool made that has not been dropped ({@code made}): the ones not in the stack are open, or were closed on
     * another thread (then dropped here when the pool next makes a guard).
     */
    private static final class Pool {
        final Thread owner = Thread.currentThread();
        LeakGuard[] guards = new LeakGuard[4];
        int size;
        LeakGuard[] made = new LeakGuard[4];
        int madeCount;

        /** A new guard, when the stack is empty: every guard made before is open or was dropped. */
        LeakGuard create(LeakReclaimer owner) {
            int kept = 0;
            for (int i = 0; i < madeCount; i++) {
                if (made[i].isOpen()) { // plain: a guard closed on another thread may still read open; kept then
                    made[kept++] = made[i];
                }
            }
            java.util.Arrays.fill(made, kept, madeCount, null);
            madeCount = kept;
            if (madeCount == made.length) {
                made = java.util.Arrays.copyOf(made, madeCount * 2);
            }
            LeakGuard g = new LeakGuard(owner, this);
            made[madeCount++] = g;
            return g;
        }

        /** Whether a guard entered by this thread is open (not in the free stack and not closed). */
        boolean holdsOpenGuard() {
            for (int i = 0; i < madeCount; i++) {
                if (made[i].isOpen()) { // plain: this thread's own guards; handed-over ones carry an HB edge
                    return true;
                }
            }
            return false;
        }

        void push(LeakGuard g) {
            if (size == guards.length) {
                guards = java.util.Arrays.copyOf(guards, size * 2);
            }
            guards[size++] = g;
        }
    }

    /** A pooled guard of one thread; the misuse checks and the acquire-load protects are PooledGuard's. */
    private static final class LeakGuard extends PooledGuard {
        private final LeakReclaimer owner;
        private final Pool home;

        LeakGuard(LeakReclaimer owner, Pool home) {
            super(owner);
            this.owner = owner;
            this.home = home;
        }

        LeakGuard reopen() {
            markOpen();
            return this;
        }

        @Override
        public void repin() {
            checkOpen("repin()");
        }

        @Override
        public void retire(long pointer, Deleter deleter) {
            checkRetire(pointer, deleter);
            owner.retired.increment();
            long size = deleter.sizeOf(pointer);
            if (size != 0) {
                owner.retiredBytes.add(size);
            }
        }

        @Override
        public void defer(Runnable action) {
            checkDefer(action);
            owner.retired.increment();
        }

        @Override
        public void defer(Runnable action, long sizeBytes) {
            checkDefer(action, sizeBytes);
            owner.retired.increment();
            if (sizeBytes != 0) {
                owner.retiredBytes.add(sizeBytes);
            }
        }

        @Override
        public void close() {
            markClosed();
            if (Thread.currentThread() == home.owner) {
                home.push(this);
            } // closed on another thread: dropped; the home thread makes a new one when it needs it
        }
    }
}
