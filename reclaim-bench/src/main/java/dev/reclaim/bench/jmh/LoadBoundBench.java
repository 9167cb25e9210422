package dev.reclaim.bench.jmh;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * How close {@code ArcSwap.load()} + close is to the cheapest possible debt-slot read in Java (the
 * "&le; 3&times; {@code AtomicReference.get()}" goal in docs/performance.md). The {@code bound*} methods are
 * not a usable API: they are the bare protocol of a lane load with nothing around it (no guard object, no
 * misuse checks, no projection, no nested guards, no empty or closed swap, no writer), written inline so that
 * the JIT sees all of it. Whatever {@code ArcSwap} costs above {@link #boundHashed} is the price of its API
 * and checks; whatever {@link #boundHashed} costs above {@link #floor} is the price of the protocol itself on
 * this machine.
 *
 * <ul>
 *   <li>{@link #floor}: {@code AtomicReference.get()} and one field read (no protection).</li>
 *   <li>{@link #boundHashed}: thread id &rarr; lane by a hash table (what {@code ArcSwap} uses), debt store,
 *       compiler barrier, re-check, read, release of the debt, check of a pending-release list.</li>
 *   <li>{@link #boundThreadLocal}: the same with a {@code ThreadLocal} lane lookup (why ArcSwap hashes ids).</li>
 *   <li>{@link #boundFullFence}: the hashed bound with a volatile (full-fence) debt store instead of the
 *       asymmetric compiler barrier.</li>
 *   <li>{@link #arcSwap}: the real {@code ArcSwap.load()} + {@code get()} + {@code close()}.</li>
 * </ul>
 * Run with {@code -t 1} and {@code -t 2}; report ratios to {@link #floor} from one run. ns/op per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Threads(2)
public class LoadBoundBench {

    /** The read value. */
    public static final class Res {
        final long x;

        Res(long x) {
            this.x = x;
        }
    }

    /** A thread's debt word, padded against the neighbouring lanes. */
    static final class Lane {
        long p0, p1, p2, p3, p4, p5, p6, p7;
        Object debt;
        long ownerId;
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private static final VarHandle DEBT;
    private static final VarHandle PENDING;

    static {
        try {
            DEBT = MethodHandles.lookup().findVarHandle(Lane.class, "debt", Object.class);
            PENDING = MethodHandles.lookup().findStaticVarHandle(LoadBoundBench.class, "pending", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A pending-release list head (always empty here): the closing reader's one volatile read. */
    private static volatile Object pending;
    private static final Lane[] BY_HASH = new Lane[256];
    private static final ThreadLocal<Lane> BY_THREAD_LOCAL = new ThreadLocal<>();

    private volatile Res current = new Res(1);
    private final AtomicReference<Res> ref = new AtomicReference<>(new Res(2));
    private ArcSwap<Res> swap;

    /** Creates the benchmark state (JMH instantiates it). */
    public LoadBoundBench() {
    }

    /** Opens the swap. */
    @Setup
    public void setup() {
        swap = ArcSwap.of(Arc.of(new Res(3), r -> { }));
    }

    /** Closes the swap. */
    @TearDown
    public void tearDown() {
        swap.close();
    }

    private static int spread(long id) {
        return (int) (id * 0x9E3779B97F4A7C15L >>> 40);
    }

    private static Lane hashedLane() {
        long id = Thread.currentThread().threadId();
        Lane l = BY_HASH[spread(id) & (BY_HASH.length - 1)]; // plain: a hint, checked by the id (own write)
        if (l != null && l.ownerId == id) {
            return l;
        }
        return register(id);
    }

    private static Lane threadLocalLane() {
        Lane l = BY_THREAD_LOCAL.get();
        return l != null ? l : register(Thread.currentThread().threadId());
    }

    private static synchronized Lane register(long id) {
        Lane l = new Lane();
        l.ownerId = id;
        BY_HASH[spread(id) & (BY_HASH.length - 1)] = l; // plain: read back only by this thread (see hashedLane)
        BY_THREAD_LOCAL.set(l);
        return l;
    }

    private long boundOn(Lane l) {
        Res x = current; // volatile read: the value to protect
        DEBT.setOpaque(l, x); // opaque: the debt; ordered before the re-check by the compiler barrier below
        VarHandle.acquireFence(); // compiler barrier only on x86: the asymmetric fence's light side
        if (current != x) { // volatile read: the re-check
            throw new IllegalStateException("no writer runs in this benchmark");
        }
        long v = x.x;
        DEBT.setRelease(l, null); // release: our read of x precedes the withdrawal of the debt
        VarHandle.acquireFence(); // compiler barrier: the withdrawal precedes the pending-list check
        if (PENDING.getVolatile() != null) { // volatile read: a writer's held-back value (never here)
            throw new IllegalStateException("no writer runs in this benchmark");
        }
        return v;
    }

    /**
     * The floor: {@code AtomicReference.get()} and a field read.
     *
     * @return the read field
     */
    @Benchmark
    public long floor() {
        return ref.get().x;
    }

    /**
     * The bare lane protocol with ArcSwap's lane lookup.
     *
     * @return the read field
     */
    @Benchmark
    public long boundHashed() {
        return boundOn(hashedLane());
    }

    /**
     * The bare lane protocol with a ThreadLocal lookup.
     *
     * @return the read field
     */
    @Benchmark
    public long boundThreadLocal() {
        return boundOn(threadLocalLane());
    }

    /**
     * The bare protocol with a full fence (volatile debt store) instead of the asymmetric compiler barrier.
     *
     * @return the read field
     */
    @Benchmark
    public long boundFullFence() {
        Lane l = hashedLane();
        Res x = current; // volatile read: the value to protect
        DEBT.setVolatile(l, x); // volatile: the debt, SC with the re-check below (symmetric Dekker)
        if (current != x) { // volatile read: the re-check
            throw new IllegalStateException("no writer runs in this benchmark");
        }
        long v = x.x;
        DEBT.setRelease(l, null); // release: our read of x precedes the withdrawal of the debt
        if (PENDING.getVolatile() != null) { // volatile read: a writer's held-back value (never here)
            throw new IllegalStateException("no writer runs in this benchmark");
        }
        return v;
    }

    /**
     * The real thing: {@code ArcSwap.load()} + {@code get()} + {@code close()}.
     *
     * @return the read field
     */
    @Benchmark
    public long arcSwap() {
        try (ArcGuard<Res> g = swap.load()) {
            return g.get().x;
        }
    }
}
