package dev.reclaim.bench.jmh;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcCache;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Reading a hot-swappable resource: the cost of one read of the current value with 1 or 2 reader
 * threads ({@code -t 1}, {@code -t 2}) while a background writer replaces it every millisecond
 * ({@code writer=1ms}) or never ({@code writer=none}). {@code writer=1ms-other} stores every millisecond into
 * another {@code ArcSwap} only (the other baselines are written as with {@code 1ms}): what remains of the
 * slowdown is the process-wide barrier ({@code membarrier}) every lane-mode write issues, not the read protocol.
 *
 * <ul>
 *   <li>{@link #arcSwapLoad}: {@code ArcSwap.load()} + guard close (a debt in a private slot, no shared write).</li>
 *   <li>{@link #arcCacheGet}: {@code ArcCache.get()} (one volatile read while unchanged).</li>
 *   <li>{@link #atomicRefGet}: {@code AtomicReference.get()}: the floor, no protection at all.</li>
 *   <li>{@link #refCountAcquireRelease}: Lucene's {@code ReferenceManager} pattern, {@code tryIncRef} (CAS loop
 *       on the shared count) + {@code decRef}, written here in a few lines (no lucene-core dependency).</li>
 *   <li>{@link #rwLockRead}: {@code ReentrantReadWriteLock} read lock around the read.</li>
 *   <li>{@link #stampedOptimisticRead}: {@code StampedLock} optimistic read, validated (read lock fallback).</li>
 * </ul>
 * Reported as average time, ns/op per reader thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Threads(2)
public class ArcSwapBench {

    /** The swapped resource: one field the readers read. */
    public static final class Res {
        final long x;

        Res(long x) {
            this.x = x;
        }
    }

    /** Lucene's RefCounted resource: tryIncRef is a CAS loop that refuses 0, decRef closes at 0. */
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
                closed(res);
            }
        }
    }

    /** Lucene's ReferenceManager.acquire/release/swap, reduced to its counting. */
    static final class RefManager {
        private volatile Counted current;

        RefManager(Res r) {
            current = new Counted(r);
        }

        Counted acquire() {
            for (;;) {
                Counted c = current;
                if (c.tryIncRef()) {
                    return c;
                }
            }
        }

        void swap(Res r) {
            Counted old = current;
            current = new Counted(r);
            old.decRef();
        }
    }

    static void closed(Res r) {
        // the release action: nothing to free in the benchmark
    }

    /** Writer period: {@code none}, {@code 1ms}, or {@code 1ms-other} (the ArcSwap writes go to another swap). */
    @Param({"none", "1ms", "1ms-other"})
    public String writer;

    private ArcSwap<Res> swap;
    private ArcSwap<Res> otherSwap;
    private final AtomicReference<Res> ref = new AtomicReference<>();
    private RefManager manager;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private Res rwValue;
    private final StampedLock stamped = new StampedLock();
    private Res stampedValue;
    private volatile boolean running;
    private Thread writerThread;

    /** Creates the benchmark state (JMH instantiates it). */
    public ArcSwapBench() {
    }

    /** Per-thread reader state: an ArcCache belongs to one reader. */
    @State(Scope.Thread)
    public static class Reader {
        ArcCache<Res> cache;

        /** Creates the state. */
        public Reader() {
        }

        /**
         * Opens this reader's cache.
         *
         * @param b the shared state
         */
        @Setup(Level.Trial)
        public void open(ArcSwapBench b) {
            cache = b.swap.cache();
        }

        /** Releases the cache. */
        @TearDown(Level.Trial)
        public void close() {
            cache.close();
        }
    }

    /** Builds the structures and starts the writer. */
    @Setup(Level.Trial)
    public void setup() {
        swap = ArcSwap.of(Arc.of(new Res(0), ArcSwapBench::closed));
        otherSwap = ArcSwap.of(Arc.of(new Res(0), ArcSwapBench::closed));
        ArcSwap<Res> written = "1ms-other".equals(writer) ? otherSwap : swap;
        ref.set(new Res(0));
        manager = new RefManager(new Res(0));
        rwValue = new Res(0);
        stampedValue = new Res(0);
        running = true;
        if (!"none".equals(writer)) {
            writerThread = Thread.ofPlatform().daemon().name("arcswap-bench-writer").start(() -> {
                long i = 1;
                while (running) {
                    LockSupport.parkNanos(1_000_000L);
                    Res r = new Res(i++);
                    written.store(Arc.of(r, ArcSwapBench::closed));
                    ref.set(r);
                    manager.swap(r);
                    rw.writeLock().lock();
                    try {
                        rwValue = r;
                    } finally {
                        rw.writeLock().unlock();
                    }
                    long st = stamped.writeLock();
                    stampedValue = r;
                    stamped.unlockWrite(st);
                }
            });
        }
    }

    /**
     * Stops the writer and closes the swap.
     *
     * @throws InterruptedException never in practice
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        if (writerThread != null) {
            writerThread.join();
        }
        swap.close();
        otherSwap.close();
    }

    /**
     * ArcSwap.load() + close.
     *
     * @return the read field
     */
    @Benchmark
    public long arcSwapLoad() {
        try (ArcGuard<Res> g = swap.load()) {
            return g.get().x;
        }
    }

    /**
     * ArcCache.get().
     *
     * @param r this reader's cache
     * @return the read field
     */
    @Benchmark
    public long arcCacheGet(Reader r) {
        return r.cache.get().x;
    }

    /**
     * AtomicReference.get(): the floor.
     *
     * @return the read field
     */
    @Benchmark
    public long atomicRefGet() {
        return ref.get().x;
    }

    /**
     * Lucene-style acquire (tryIncRef CAS loop) + release (decRef).
     *
     * @return the read field
     */
    @Benchmark
    public long refCountAcquireRelease() {
        Counted c = manager.acquire();
        try {
            return c.res.x;
        } finally {
            c.decRef();
        }
    }

    /**
     * ReentrantReadWriteLock read lock.
     *
     * @return the read field
     */
    @Benchmark
    public long rwLockRead() {
        ReentrantReadWriteLock.ReadLock l = rw.readLock();
        l.lock();
        try {
            return rwValue.x;
        } finally {
            l.unlock();
        }
    }

    /**
     * StampedLock optimistic read, validated; falls back to the read lock.
     *
     * @return the read field
     */
    @Benchmark
    public long stampedOptimisticRead() {
        long st = stamped.tryOptimisticRead();
        Res r = stampedValue;
        if (stamped.validate(st)) {
            return r.x;
        }
        st = stamped.readLock();
        try {
            return stampedValue.x;
        } finally {
            stamped.unlockRead(st);
        }
    }
}
