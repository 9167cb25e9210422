package dev.reclaim.bench.jmh;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.examples.birdcage.BirdCage;
import dev.reclaim.memory.SlabAllocator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the {@link BirdCage} (64 slots, 2 threads): each invocation accesses a random slot and
 * replaces a random slot's canary, counted as 2 operations, reported in ops/s like {@code reclaim demo
 * birdcage}. {@code scheme=leak} is the cost of the cage without reclamation; {@code ebr/leak} is the price
 * of reclaiming. A fresh cage, allocator and reclaimer are made for each iteration (so the leak scheme's
 * garbage is returned after every iteration), and the teardown fails the run if a reader saw a dead canary
 * or, for schemes that free, a canary was never freed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
public class BirdCageBench {

    /** The scheme id; see {@link Scheme#fromId(String)}. */
    @Param({"ebr", "hp", "robust", "leak"})
    public String scheme;

    /** Slots in the cage. */
    @Param({"64"})
    public int slots;

    private SlabAllocator allocator;
    private Reclaimer reclaimer;
    private BirdCage cage;

    /** Creates the benchmark state (JMH instantiates it). */
    public BirdCageBench() {
    }

    /** Per-thread slot chooser. */
    @State(Scope.Thread)
    public static class Chooser {
        private static int seeds;
        final SplittableRandom random;

        /** Creates a chooser with a distinct fixed seed per thread. */
        public Chooser() {
            synchronized (Chooser.class) {
                random = new SplittableRandom(42 + 0x51ED * seeds++);
            }
        }
    }

    /** A fresh allocator, reclaimer and cage. */
    @Setup(Level.Iteration)
    public void setUp() {
        allocator = SlabAllocator.builder().name("birdcage-bench").sanitize(false).build();
        reclaimer = Scheme.fromId(scheme).create();
        cage = new BirdCage(reclaimer, allocator, slots);
    }

    /** Closes everything and checks the cage's invariants. */
    @TearDown(Level.Iteration)
    public void tearDown() {
        cage.close();
        reclaimer.close();
        long live = allocator.stats().liveBlocks();
        allocator.close();
        if (cage.deadReads() != 0) {
            throw new IllegalStateException(cage.deadReads() + " dead canary reads with scheme " + scheme);
        }
        if (reclaimer.scheme() != Scheme.LEAK && (cage.allocated() != cage.freed() || live != 0)) {
            throw new IllegalStateException("scheme " + scheme + " lost canaries: allocated " + cage.allocated()
                    + ", freed " + cage.freed() + ", live blocks " + live);
        }
    }

    /**
     * One access and one replace of random slots.
     *
     * @param chooser this thread's random slot chooser
     * @return the id of the canary read (consumed by JMH)
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public long accessAndReplace(Chooser chooser) {
        long id = cage.access(chooser.random.nextInt(slots));
        cage.replace(chooser.random.nextInt(slots));
        return id;
    }
}
