package dev.reclaim.bench.jmh;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.concurrent.TimeUnit;
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
 * The cost of {@code guard.protect(index, address)} inside an already open guard, against the plain acquire
 * load it must at least perform ({@link Memory#getLongAcquire(long)} of the same word).
 *
 * <p>For epochs, protect is that acquire load plus the guard's open and index checks; for hazard pointers
 * (when they exist) it adds the publish and re-validate. The guard is entered once per iteration and held
 * open; nothing is retired, so holding it blocks nothing. One thread, ns/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Threads(1)
public class ProtectBench {

    /** The scheme id; see {@link Scheme#fromId(String)}. */
    @Param({"ebr", "hp", "robust", "leak"})
    public String scheme;

    private Reclaimer reclaimer;
    private SlabAllocator allocator;
    private long cell;
    private Guard guard;

    /** Creates the benchmark state (JMH instantiates it). */
    public ProtectBench() {
    }

    /** A reclaimer, and an off-heap cell holding a pointer to a node. */
    @Setup(Level.Trial)
    public void setUp() {
        reclaimer = Scheme.fromId(scheme).create();
        allocator = SlabAllocator.create();
        cell = allocator.allocateZeroed(8);
        long node = allocator.allocateZeroed(16);
        Memory.putLongRelease(cell, node); // release: pairs with the acquire loads measured below
    }

    /** Opens the guard that the protect calls of this iteration use. */
    @Setup(Level.Iteration)
    public void enter() {
        guard = reclaimer.enter();
    }

    /** Closes the iteration's guard. */
    @TearDown(Level.Iteration)
    public void exit() {
        guard.close();
    }

    /** Closes the reclaimer and returns the memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        reclaimer.close();
        allocator.close();
    }

    /**
     * Protect the pointer in the cell.
     *
     * @return the pointer (consumed by JMH)
     */
    @Benchmark
    public long protect() {
        return guard.protect(0, cell);
    }

    /**
     * The floor: an acquire load of the same word.
     *
     * @return the pointer (consumed by JMH)
     */
    @Benchmark
    public long acquireLoad() {
        return Memory.getLongAcquire(cell); // acquire: pairs with the release store in setUp()
    }
}
