package dev.reclaim.bench.jmh;

import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.MutexGuard;
import dev.reclaim.sync.OneShot;
import dev.reclaim.sync.RwLock;
import dev.reclaim.sync.RwLockReadGuard;
import dev.reclaim.sync.RwLockWriteGuard;
import dev.reclaim.sync.SeqLock;
import dev.reclaim.sync.Semaphore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;

/**
 * {@code dev.reclaim.sync} against the JDK's answers, average time in ns/op; each pair measured in the same run.
 *
 * <ul>
 *   <li>{@code mutex*} / {@code synchronized*} / {@code reentrantLock*}: lock, increment a shared counter,
 *       unlock; uncontended (1 thread) and contended ({@code *2Threads}: both threads on one lock).</li>
 *   <li>{@code rwLockReadMostly} / {@code rrwlReadMostly} / {@code stampedReadMostly}: 2 threads, 1 write in 64
 *       operations, the rest read two fields under the read lock.</li>
 *   <li>{@code seqLockRead} (a 2-field record inside the lock) / {@code seqLockReadOwnFields} (the bench's own
 *       two fields, sequence only) / {@code stampedOptimisticRead} (the bench's own two fields) /
 *       {@code stampedOptimisticReadRecord} (a 2-element {@code long[]} beside the lock): read two longs
 *       consistently, no writer.</li>
 *   <li>{@code semaphore} / {@code jdkSemaphore}: uncontended acquire + release.</li>
 *   <li>{@code oneShot} / {@code completableFuture}: create, send (complete), receive (join) on one thread:
 *       the fixed cost of a one-shot hand-off, without the cross-thread wake-up.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class SyncBench {

    private final Mutex mutex = new Mutex();
    private final Object monitor = new Object();
    private final ReentrantLock reentrant = new ReentrantLock();
    private final RwLock rw = new RwLock();
    private final ReentrantReadWriteLock rrwl = new ReentrantReadWriteLock();
    private final StampedLock stamped = new StampedLock();
    private final SeqLock seq = new SeqLock(2);
    private final SeqLock seqOwn = new SeqLock(0);
    private final Semaphore semaphore = new Semaphore(1);
    private final java.util.concurrent.Semaphore jdkSemaphore = new java.util.concurrent.Semaphore(1);
    private long counter;
    private long x = 1;
    private long y = 2;
    private final long[] record = {1, 2};

    /** Creates the shared state (JMH instantiates it). */
    public SyncBench() {
    }

    /** A per-thread operation counter for the read-mostly mixes. */
    @State(Scope.Thread)
    public static class Ops {
        int n;

        /** Creates it (JMH instantiates it). */
        public Ops() {
        }
    }

    // ------------------------------------------------------------------ mutual exclusion

    /** @return the counter */
    @Benchmark
    @Threads(1)
    public long mutex() {
        try (MutexGuard g = mutex.lock()) {
            return ++counter;
        }
    }

    /** @return the counter */
    @Benchmark
    @Threads(1)
    public long synchronizedBlock() {
        synchronized (monitor) {
            return ++counter;
        }
    }

    /** @return the counter */
    @Benchmark
    @Threads(1)
    public long reentrantLock() {
        reentrant.lock();
        try {
            return ++counter;
        } finally {
            reentrant.unlock();
        }
    }

    /** @return the counter */
    @Benchmark
    @Threads(2)
    public long mutex2Threads() {
        return mutex();
    }

    /** @return the counter */
    @Benchmark
    @Threads(2)
    public long synchronized2Threads() {
        return synchronizedBlock();
    }

    /** @return the counter */
    @Benchmark
    @Threads(2)
    public long reentrantLock2Threads() {
        return reentrantLock();
    }

    // ------------------------------------------------------------------ read-mostly

    /**
     * @param ops per-thread counter
     * @return a read value
     */
    @Benchmark
    @Threads(2)
    public long rwLockReadMostly(Ops ops) {
        if ((++ops.n & 63) == 0) {
            try (RwLockWriteGuard g = rw.write()) {
                x++;
                return ++y;
            }
        }
        try (RwLockReadGuard g = rw.read()) {
            return x + y;
        }
    }

    /**
     * @param ops per-thread counter
     * @return a read value
     */
    @Benchmark
    @Threads(2)
    public long rrwlReadMostly(Ops ops) {
        if ((++ops.n & 63) == 0) {
            rrwl.writeLock().lock();
            try {
                x++;
                return ++y;
            } finally {
                rrwl.writeLock().unlock();
            }
        }
        rrwl.readLock().lock();
        try {
            return x + y;
        } finally {
            rrwl.readLock().unlock();
        }
    }

    /**
     * @param ops per-thread counter
     * @return a read value
     */
    @Benchmark
    @Threads(2)
    public long stampedReadMostly(Ops ops) {
        if ((++ops.n & 63) == 0) {
            long s = stamped.writeLock();
            try {
                x++;
                return ++y;
            } finally {
                stamped.unlockWrite(s);
            }
        }
        long s = stamped.readLock();
        try {
            return x + y;
        } finally {
            stamped.unlockRead(s);
        }
    }

    // ------------------------------------------------------------------ optimistic reads

    /** @return the sum of the two fields (same shape as {@link #stampedOptimisticRead}: fast path, cold retry) */
    @Benchmark
    @Threads(1)
    public long seqLockRead() {
        long s = seq.readBegin();
        long a = seq.get(0);
        long b = seq.get(1);
        if (!seq.readValidate(s)) {
            return seqLockReadSlow();
        }
        return a + b;
    }

    private long seqLockReadSlow() {
        long[] snap = new long[2];
        seq.read(snap);
        return snap[0] + snap[1];
    }

    /** @return the sum of the two fields (the bench's own x, y: the StampedLock pattern exactly) */
    @Benchmark
    @Threads(1)
    public long seqLockReadOwnFields() {
        long s = seqOwn.readBegin();
        long a = x;
        long b = y;
        if (!seqOwn.readValidate(s)) {
            do {
                s = seqOwn.readBegin();
                a = x;
                b = y;
            } while (!seqOwn.readValidate(s));
        }
        return a + b;
    }

    /** @return the sum of the two fields */
    @Benchmark
    @Threads(1)
    public long stampedOptimisticRead() {
        long s = stamped.tryOptimisticRead();
        long a = x;
        long b = y;
        if (!stamped.validate(s)) {
            s = stamped.readLock();
            try {
                a = x;
                b = y;
            } finally {
                stamped.unlockRead(s);
            }
        }
        return a + b;
    }

    /**
     * @return the sum of the two fields of a {@code long[]} beside the lock: like {@link #seqLockRead}, the fields
     *         are behind one more dependent load than in {@link #stampedOptimisticRead} (seqLockRead's are behind
     *         two: the lock, then its array)
     */
    @Benchmark
    @Threads(1)
    public long stampedOptimisticReadRecord() {
        long s = stamped.tryOptimisticRead();
        long[] r = record;
        long a = r[0];
        long b = r[1];
        if (!stamped.validate(s)) {
            s = stamped.readLock();
            try {
                a = record[0];
                b = record[1];
            } finally {
                stamped.unlockRead(s);
            }
        }
        return a + b;
    }

    // ------------------------------------------------------------------ semaphore and one-shot

    /** @return the permits left */
    @Benchmark
    @Threads(1)
    public int semaphore() {
        semaphore.acquireUninterruptibly();
        semaphore.release();
        return semaphore.availablePermits();
    }

    /** @return the permits left */
    @Benchmark
    @Threads(1)
    public int jdkSemaphore() {
        jdkSemaphore.acquireUninterruptibly();
        jdkSemaphore.release();
        return jdkSemaphore.availablePermits();
    }

    /** @return the value received */
    @Benchmark
    @Threads(1)
    public Object oneShot() {
        OneShot<Object> shot = OneShot.create();
        shot.sender().send(this);
        return shot.receiver().receive();
    }

    /** @return the value received */
    @Benchmark
    @Threads(1)
    public Object completableFuture() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        f.complete(this);
        return f.join();
    }
}
