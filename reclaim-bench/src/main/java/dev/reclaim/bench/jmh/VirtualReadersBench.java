package dev.reclaim.bench.jmh;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.arc.Arc;
import dev.reclaim.arc.ArcGuard;
import dev.reclaim.arc.ArcSwap;
import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;
import dev.reclaim.sync.RcuCell;
import java.util.concurrent.atomic.AtomicLong;
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
 * The other per-task read paths under the load of {@link ArcSwapVirtualBench}: {@value #READERS} virtual-thread
 * readers of {@value #OPS} reads each (every 16th read yields, after its guard is closed), against the same reads
 * on one platform thread per core, a writer replacing the value every millisecond. ns per read (wall time of the
 * invocation / reads; all cores together).
 *
 * <p>{@code read}: {@code rcu-ebr} / {@code rcu-hp} ({@code RcuCell.read} inside a guard of that scheme, one
 * {@code enter()} per read); {@code collector} ({@code ArcSwap.load()} of values bound to a
 * {@link RealtimeCollector}, which runs their releases); {@code sharedcell} (a {@link SharedCell} of the same
 * collector: one {@code reader()} per task, registered and closed by the task, as a thread-per-task server would;
 * platform threads register one per {@value #OPS} reads too). After each trial the count of values the writer
 * replaced and of those destroyed is printed (a stalled reclamation shows there).
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2)
public class VirtualReadersBench extends VirtualReadersState {

    /** What a read is (see the class comment). */
    @Param({"rcu-ebr", "rcu-hp", "collector", "sharedcell"})
    public String read;

    private final AtomicLong replaced = new AtomicLong();
    private final AtomicLong destroyed = new AtomicLong();
    private Reclaimer reclaimer;
    private RcuCell<long[]> rcu;
    private RealtimeCollector collector;
    private ArcSwap<long[]> swap;
    private SharedCell<long[]> cell;
    private volatile boolean running;
    private Thread writerThread;

    /** Creates the benchmark state (JMH instantiates it). */
    public VirtualReadersBench() {
    }

    /** Builds the cell and starts the writer. */
    @Setup(Level.Trial)
    public void setup() {
        running = true;
        Runnable write;
        switch (read) {
            case "rcu-ebr", "rcu-hp" -> {
                reclaimer = Scheme.fromId(read.substring(4)).create();
                rcu = new RcuCell<>(reclaimer, new long[] {1}, v -> destroyed.incrementAndGet(), 0);
                write = () -> rcu.set(new long[] {2});
            }
            case "collector" -> {
                collector = RealtimeCollector.create();
                swap = ArcSwap.of(Arc.of(new long[] {1}, v -> destroyed.incrementAndGet(), collector));
                write = () -> swap.store(Arc.of(new long[] {2}, v -> destroyed.incrementAndGet(), collector));
            }
            case "sharedcell" -> {
                collector = RealtimeCollector.create();
                cell = collector.cell(new long[] {1}, v -> destroyed.incrementAndGet());
                write = () -> cell.set(new long[] {2});
            }
            default -> throw new IllegalArgumentException("read=" + read + "; use rcu-ebr, rcu-hp, collector or sharedcell");
        }
        writerThread = Thread.ofPlatform().daemon().name("virtual-readers-writer").start(() -> {
            while (running) { // volatile read: pairs with tearDown's write
                LockSupport.parkNanos(1_000_000L);
                write.run();
                replaced.incrementAndGet();
            }
        });
    }

    /**
     * Stops the writer, closes everything and prints the replaced / destroyed counts.
     *
     * @throws InterruptedException never in practice
     */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false; // volatile write: stops the writer
        writerThread.join();
        long destroyedWhileRunning = destroyed.get();
        if (swap != null) {
            swap.close();
        }
        if (cell != null) {
            cell.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (reclaimer != null) {
            reclaimer.close();
        }
        System.out.printf("%n%s/%s: replaced %d, destroyed while running %d, after close %d%n", read, threads,
                replaced.get(), destroyedWhileRunning, destroyed.get());
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
        runReaders(bh, this::reader);
    }

    private long reader(boolean yield) {
        long s = 0;
        SharedCell.Reader<long[]> cr = cell != null ? cell.reader() : null;
        for (int j = 0; j < OPS; j++) {
            if (rcu != null) {
                try (Guard g = reclaimer.enter()) {
                    s += rcu.read(g)[0];
                }
            } else if (swap != null) {
                try (ArcGuard<long[]> g = swap.load()) {
                    s += g.get()[0];
                }
            } else {
                s += cr.get()[0];
                cr.release();
            }
            if (yield && (j & 15) == 0) {
                Thread.yield();
            }
        }
        if (cr != null) {
            cr.close();
        }
        return s;
    }
}
