package dev.reclaim.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The state the virtual-reader benchmarks ({@link ArcSwapVirtualBench}, {@link VirtualReadersBench}) share: who
 * reads ({@code threads}), how many readers and reads, the run of one invocation through
 * {@link VirtualReadersDriver}, the process CPU time per read printed after every iteration, and the run
 * settings (one single-shot invocation per iteration, 5 measured iterations, one fork; warm-up per benchmark).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public abstract class VirtualReadersState {

    /** Concurrent readers of a virtual-thread run. */
    static final int READERS = 100_000;
    /** Reads per reader. */
    static final int OPS = 64;

    /** Who reads: {@code virtual} (one virtual thread per reader) or {@code platform} (one thread per core). */
    @Param({"virtual", "platform"})
    public String threads;

    private long cpuAtStart;

    /** Creates the state (JMH instantiates the subclasses). */
    protected VirtualReadersState() {
    }

    /** Marks the process CPU time at the start of an iteration (one invocation). */
    @Setup(Level.Iteration)
    public void iterationStart() {
        cpuAtStart = VirtualReadersDriver.processCpuNanos();
    }

    /** Prints the iteration's process CPU time per read ({@code cpu ns/read}; see {@link VirtualReadersDriver}). */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        VirtualReadersDriver.printCpuPerRead(cpuAtStart, (long) READERS * OPS);
    }

    /**
     * One invocation's {@value #READERS} x {@value #OPS} reads on the threads {@code threads} names.
     *
     * @param bh     sinks the values read
     * @param reader one reader's {@value #OPS} reads
     * @throws InterruptedException never in practice
     */
    final void runReaders(Blackhole bh, VirtualReadersDriver.Reader reader) throws InterruptedException {
        VirtualReadersDriver.run("virtual".equals(threads), READERS, OPS, bh, reader);
    }
}
