package dev.reclaim.bench.jmh;

import dev.reclaim.bench.suite.AtomicRefStack;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.collections.TreiberStack;
import dev.reclaim.memory.SlabAllocator;
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

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One push followed by one pop (the harness's {@code treiber} workload step), average ns per pair: the
 * off-heap {@link TreiberStack} over a scheme against an on-heap {@link AtomicReference} Treiber stack
 * ({@code impl=heap}: no backoff, {@code Thread.onSpinWait()} on a failed CAS, as the harness baseline).
 * Run with {@code -t 1} and {@code -t 2}; the stack is prefilled with 1024 values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class TreiberBench {

    /** {@code heap} (the on-heap baseline) or a scheme id for the off-heap stack. */
    @Param({"heap", "ebr", "leak"})
    public String impl;

    private SlabAllocator allocator;
    private Reclaimer reclaimer;
    private TreiberStack stack;
    private AtomicRefStack heap; // the harness's on-heap baseline

    /** Creates the benchmark state (JMH instantiates it). */
    public TreiberBench() {
    }

    /** Builds and prefills the stack under test. */
    @Setup(Level.Trial)
    public void setUp() {
        if (impl.equals("heap")) {
            heap = new AtomicRefStack();
            for (int i = 0; i < 1024; i++) {
                heap.push(i);
            }
            return;
        }
        allocator = SlabAllocator.builder().name("treiber-bench").sanitize(false).build();
        reclaimer = Scheme.fromId(impl).create();
        stack = new TreiberStack(reclaimer, allocator);
        for (int i = 0; i < 1024; i++) {
            stack.push(i);
        }
    }

    /** Closes the stack, the reclaimer and the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        if (stack != null) {
            stack.close();
            reclaimer.close();
            allocator.close();
        }
    }

    /**
     * Push one value, pop one value.
     *
     * @return the popped value (consumed by JMH)
     */
    @Benchmark
    public long pushPop() {
        if (heap != null) {
            heap.push(7);
            return heap.pop(-1);
        }
        stack.push(7);
        return stack.pop(-1);
    }
}
