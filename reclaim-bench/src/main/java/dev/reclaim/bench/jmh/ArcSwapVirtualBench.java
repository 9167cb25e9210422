package dev.reclaim.bench.jmh;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code ArcSwap.load()} + close from {@value #READERS} concurrent virtual-thread readers against the same work on
 * platform threads. One invocation runs {@value #READERS} x {@value #OPS} reads: {@code threads=virtual} starts
 * {@value #READERS} virtual threads on a virtual-thread-per-task executor, each doing {@value #OPS} reads;
 * {@code threads=platform} splits the same reads over one platform thread per core. On virtual threads every 16th
 * read yields ({@code Thread.yield()}: the virtual thread unmounts), inside its guard with {@code unmount=inside}
 * (tens of thousands of guards are open at once, as when readers block on I/O inside a guard) or after closing it
 * with {@code unmount=outside} (100,000 readers alive, a few guards open at once); platform threads do not yield
 * (a yield there is a system call that would swamp the figure, and it unmounts nothing).
 *
 * <p>{@code read=load} is {@code ArcSwap.load()}, {@code get()}, close; {@code read=plain} is
 * {@code AtomicReference.get()} with the same yields and thread starts: the floor. The ArcSwap cost per read is
 * {@code load - plain} of the same {@code threads}. {@code writer=1ms} stores a new value every millisecond from
 * a platform thread (its scan visits every debt slot), {@code none} never. Reported as ns per read (wall time of
 * the invocation / reads; all cores together), and the process CPU time per read ({@code cpu ns/read}, printed per
 * iteration).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3)
public class ArcSwapVirtualBench extends VirtualReadersState {

    /** What a read is: {@code load} (ArcSwap) or {@code plain} (AtomicReference.get, the floor). */
    @Param({"load", "plain"})
    public String read;

    /** Where a virtual reader's every-16th read yields: {@code inside} its guard or {@code outside} (after close). */
    @Param({"inside", "outside"})
    public String unmount;

    /** A writer storing every millisecond ({@code 1ms}) or none ({@code none}). */
    @Param({"none", "1ms"})
    public String writer;

    private ArcSwap<long[]> swap;
    private final AtomicReference<long[]> ref = new AtomicReference<>(new long[] {1});
    private volatile boolean running;
    private Thread writerThread;

    /** Creates the benchmark state (JMH instantiates it). */
    public ArcSwapVirtualBench() {
    }

    /** Builds the swap and starts the writer. */
    @Setup(Level.Trial)
    public void setup() {
        swap = ArcSwap.of(Arc.of(new long[] {1}, v -> { }));
        running = true;
        if ("1ms".equals(writer)) {
            writerThread = Thread.ofPlatform().daemon().name("arcswap-virtual-writer").start(() -> {
                long i = 0;
                while (running) { // volatile read: pairs with tearDown's write
                    LockSupport.parkNanos(1_000_000L);
                    swap.store(Arc.of(new long[] {i++}, v -> { }));
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
        running = false; // volatile write: stops the writer
        if (writerThread != null) {
            writerThread.join();
        }
        swap.close();
    }

    /**
     * One invocation: {@value #READERS} x {@value #OPS} reads.
     *
     * @param bh sinks the values read
     * @throws InterruptedException never in practice
     */
    @Benchmark
    @OperationsPerInvocation(READERS * OPS)
    public void reads(Blackhole bh) throws InterruptedException {
        boolean load = "load".equals(read);
        boolean inside = "inside".equals(unmount);
        runReaders(bh, v -> reader(load, v, v && inside, OPS));
    }

    private long reader(boolean load, boolean yield, boolean inside, int ops) {
        long s = 0;
        for (int j = 0; j < ops; j++) {
            boolean y = yield && (j & 15) == 0;
            if (load) {
                try (ArcGuard<long[]> g = swap.load()) {
                    s += g.get()[0];
                    if (y && inside) {
                        Thread.yield(); // inside the guard: the virtual thread unmounts with it open
                    }
                }
                if (y && !inside) {
                    Thread.yield();
                }
            } else {
                s += ref.get()[0];
                if (y) {
                    Thread.yield();
                }
            }
        }
        return s;
    }
}
