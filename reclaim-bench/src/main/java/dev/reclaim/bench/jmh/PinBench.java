package dev.reclaim.bench.jmh;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
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

import java.util.concurrent.TimeUnit;

/**
 * The cost of pinning: {@code reclaimer.enter()} followed by {@code guard.close()}, the read-side overhead
 * every operation on a reclaimed structure pays once.
 *
 * <ul>
 *   <li>{@link #pin}: one thread enters and closes an empty guard (uncontended: the per-thread fast path).</li>
 *   <li>{@link #pin2Threads}: two threads pin the same reclaimer at once; shows the cost of any shared state
 *       touched on enter/close (global epoch reads, cache-line traffic on shared counters).</li>
 * </ul>
 * {@code scheme=leak} measures the guard object machinery alone (pooled guard, open flag); the difference
 * {@code ebr - leak} is what epoch pinning costs. {@link AtomicFloorBench} measures, in the same run, the
 * hardware floor a pin is built from (one CAS and one release store). Reported as average time, ns/op.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class PinBench {

    /** The scheme id; see {@link Scheme#fromId(String)}. */
    @Param({"ebr", "hp", "robust", "leak"})
    public String scheme;

    private Reclaimer reclaimer;

    /** Creates the benchmark state (JMH instantiates it). */
    public PinBench() {
    }

    /** Creates the reclaimer under test. */
    @Setup(Level.Trial)
    public void setUp() {
        reclaimer = Scheme.fromId(scheme).create();
    }

    /** Closes the reclaimer. */
    @TearDown(Level.Trial)
    public void tearDown() {
        reclaimer.close();
    }

    /**
     * Enter and close an empty guard, one thread.
     *
     * @return whether the guard was open (consumed by JMH)
     */
    @Benchmark
    @Threads(1)
    public boolean pin() {
        try (Guard g = reclaimer.enter()) {
            return g.isOpen();
        }
    }

    /**
     * Enter and close an empty guard, two threads pinning the same reclaimer concurrently.
     *
     * @return whether the guard was open (consumed by JMH)
     */
    @Benchmark
    @Threads(2)
    public boolean pin2Threads() {
        try (Guard g = reclaimer.enter()) {
            return g.isOpen();
        }
    }
}
