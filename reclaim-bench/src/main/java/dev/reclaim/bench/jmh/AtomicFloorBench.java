package dev.reclaim.bench.jmh;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * The floors a pin is made of, measured on this machine so that pin costs can be reported as ratios:
 *
 * <ul>
 *   <li>{@link #volatileRead}: reading a field that nobody writes (a plain load on x86).</li>
 *   <li>{@link #casOwnLine}: one uncontended compare-and-set on a cache line only this thread touches: the
 *       full-fence instruction every Dekker-style read-side protocol (epochs, hazard pointers) needs once.</li>
 *   <li>{@link #casThenRelease}: a CAS that claims a word and a release store that frees it again, on a line
 *       this thread owns: exactly the atomic work of {@code EpochReclaimer.enter()} + {@code close()}, with
 *       none of its bookkeeping.</li>
 *   <li>{@link #fullFence}: {@code VarHandle.fullFence()} alone.</li>
 * </ul>
 * State is per thread, so nothing is shared. Reported as average time, ns/op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Threads(1)
public class AtomicFloorBench {

    private volatile long word = 42;
    private volatile long state;

    /** Creates the benchmark state (JMH instantiates it). */
    public AtomicFloorBench() {
    }

    /**
     * A volatile read of a field nobody writes.
     *
     * @return the value (consumed by JMH)
     */
    @Benchmark
    public long volatileRead() {
        return word; // volatile read: pairs with the initialising write (no writer afterwards)
    }

    /**
     * One uncontended CAS.
     *
     * @return whether it succeeded (consumed by JMH)
     */
    @Benchmark
    public boolean casOwnLine() {
        long s = state; // volatile read: the value the CAS below expects
        return STATE.compareAndSet(this, s, s + 1); // CAS: uncontended, only this thread's line
    }

    /**
     * Claim with a CAS, then free with a release store: the atomic skeleton of an epoch pin and unpin.
     *
     * @return whether the claim succeeded (consumed by JMH)
     */
    @Benchmark
    public boolean casThenRelease() {
        boolean claimed = STATE.compareAndSet(this, 0L, 3L); // CAS: the claim, as in enter()
        STATE.setRelease(this, 0L); // release: the unpin, as in close(); pairs with the next CAS
        return claimed;
    }

    /** A full fence alone. */
    @Benchmark
    public void fullFence() {
        VarHandle.fullFence(); // fence: measured alone; pairs with nothing
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(AtomicFloorBench.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
