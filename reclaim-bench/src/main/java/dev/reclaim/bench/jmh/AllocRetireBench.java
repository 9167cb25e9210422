package dev.reclaim.bench.jmh;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
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
import org.openjdk.jmh.annotations.Threads;

import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * The life cycle of one 64-byte off-heap node, four ways, single-threaded, average time in ns/op.
 *
 * <ul>
 *   <li>{@link #ebrAllocateRetire(Ebr)}: slab {@code allocate(64)}, then {@code guard.retire(ptr, allocator)} inside
 *       an EBR guard. Reclamation is part of the steady state: the reclaimer frees retired blocks as epochs
 *       advance during the run, so the time per op is amortised and includes the eventual {@code free}
 *       (the pending backlog stays bounded; {@link Ebr#checkBacklog()} prints it after each iteration, and the
 *       trial fails if it grew without bound).</li>
 *   <li>{@link #slabAllocateFree}: slab {@code allocate(64)} then {@code free}: the allocator alone, the floor
 *       of the first case (no reclamation).</li>
 *   <li>{@link #sharedArena}: {@code Arena.ofShared()}, {@code allocate(64)}, {@code close()}: what a
 *       per-object shared arena costs (its close waits for a handshake with every thread).</li>
 *   <li>{@link #confinedArena}: the same with {@code Arena.ofConfined()} (cheap close, but one thread only).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class AllocRetireBench {

    /** Pending garbage above this after an iteration means reclamation is not keeping up: the trial fails. */
    static final long MAX_PENDING = 10_000_000;

    private SlabAllocator allocator;

    /** Creates the benchmark state (JMH instantiates it). */
    public AllocRetireBench() {
    }

    /**
     * The reclaimer and allocator of {@link #ebrAllocateRetire}, with the backlog check. Whatever the benchmark's
     * name says, the scheme is a parameter: {@code ebr}, and {@code robust} (which gets each block's birth era).
     */
    @State(Scope.Benchmark)
    public static class Ebr {
        /** The scheme id; see {@link Scheme#fromId(String)}. */
        @Param({"ebr", "robust"})
        public String scheme;

        Reclaimer reclaimer;
        SlabAllocator allocator;

        /** Creates the state (JMH instantiates it). */
        public Ebr() {
        }

        /** Creates the EBR reclaimer and a fast-mode allocator. */
        @Setup(Level.Trial)
        public void setUp() {
            allocator = SlabAllocator.builder().name("alloc-retire-bench-" + scheme).sanitize(false).build();
            reclaimer = Scheme.fromId(scheme).create();
        }

        /** Prints the reclaimer's backlog after each iteration and fails if it is unbounded. */
        @TearDown(Level.Iteration)
        public void checkBacklog() {
            ReclaimerStats s = reclaimer.stats();
            System.out.printf("%n  [" + scheme + "] retired %,d  reclaimed %,d  pending %,d  peak pending %,d%n",
                    s.retired(), s.reclaimed(), s.pending(), s.peakPending());
            if (s.pending() > MAX_PENDING) {
                throw new IllegalStateException(scheme + " pending garbage " + s.pending() + " exceeds " + MAX_PENDING
                        + ": reclamation does not keep up, the allocate+retire figure would not include the free");
            }
        }

        /** Closes the reclaimer (runs the remaining deleters), then checks every block was freed. */
        @TearDown(Level.Trial)
        public void tearDown() {
            reclaimer.close();
            checkAllFreedAndClose(allocator);
        }
    }

    /** Creates the fast-mode slab allocator of {@link #slabAllocateFree()}. */
    @Setup(Level.Trial)
    public void setUp() {
        allocator = SlabAllocator.builder().name("alloc-retire-bench").sanitize(false).build();
    }

    /** Checks that no block is live (every retired block was freed) and closes the allocator. */
    @TearDown(Level.Trial)
    public void tearDown() {
        checkAllFreedAndClose(allocator);
    }

    static void checkAllFreedAndClose(SlabAllocator allocator) {
        long live = allocator.stats().liveBlocks();
        allocator.close();
        if (live != 0) {
            throw new IllegalStateException(live + " blocks of " + allocator.name()
                    + " still live at the end: a free or a deleter was lost");
        }
    }

    /**
     * Allocate 64 bytes and retire them inside an EBR guard; amortised, including the eventual free.
     *
     * @param ebr the reclaimer and its allocator
     * @return the block address (consumed by JMH)
     */
    @Benchmark
    public long ebrAllocateRetire(Ebr ebr) {
        try (Guard g = ebr.reclaimer.enter()) {
            long p = ebr.allocator.allocate(64);
            long birth = g.birthEra(); // 0 for ebr; the era for robust, as a structure would stamp it
            g.retire(p, birth, ebr.allocator);
            return p;
        }
    }

    /**
     * Allocate 64 bytes and free them at once: the slab allocator alone.
     *
     * @return the block address (consumed by JMH)
     */
    @Benchmark
    public long slabAllocateFree() {
        long p = allocator.allocate(64);
        allocator.free(p);
        return p;
    }

    /**
     * A shared arena per object: create, allocate 64 bytes, close.
     *
     * @return the segment address (consumed by JMH)
     */
    @Benchmark
    public long sharedArena() {
        try (Arena a = Arena.ofShared()) {
            return a.allocate(64).address();
        }
    }

    /**
     * A confined arena per object: create, allocate 64 bytes, close.
     *
     * @return the segment address (consumed by JMH)
     */
    @Benchmark
    public long confinedArena() {
        try (Arena a = Arena.ofConfined()) {
            return a.allocate(64).address();
        }
    }
}
