package dev.reclaim.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.reclaim.sync.Mutex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Mutex slow path: two threads lock a mutex that never spins ({@code new Mutex(0)}), so a thread that finds it
 * held goes straight to the parking protocol (with asymmetric fences, the default here: count itself as a
 * waiter, membarrier, re-check, park; the holder's unlock is a release store, a compiler barrier and a load of
 * the waiter count). Each thread uses {@code tryLock(2 s)} and reports whether it got the mutex within 500 ms.
 * Forbidden: a thread that only got it after its park timed out (or not at all), i.e. the unlock did not see
 * it waiting and no wake came: a lost wake-up (the timed-out park re-tries the CAS, which then succeeds on the
 * free mutex, so the stall is what gives it away).
 */
@JCStressTest
@Description("Mutex: a contender that parks is woken by the holder's unlock (no lost wake-up)")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both got the mutex promptly")
@Outcome(expect = FORBIDDEN, desc = "a thread stalled until its park timed out: lost wake-up")
@State
public class MutexParkWakeupTest {

    private static final long PROMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final Mutex mutex = new Mutex(0);
    private int counter; // guarded by mutex

    /** Creates the state. */
    public MutexParkWakeupTest() {
    }

    /**
     * First thread.
     *
     * @param r r1: 1 if it got the mutex promptly
     */
    @Actor
    public void first(II_Result r) {
        r.r1 = lockBriefly();
    }

    /**
     * Second thread.
     *
     * @param r r2: 1 if it got the mutex promptly
     */
    @Actor
    public void second(II_Result r) {
        r.r2 = lockBriefly();
    }

    private int lockBriefly() {
        long start = System.nanoTime();
        try {
            if (!mutex.tryLock(2, TimeUnit.SECONDS)) {
                return 0;
            }
        } catch (InterruptedException e) {
            return -1;
        }
        long waited = System.nanoTime() - start;
        try {
            for (int i = 0; i < 16; i++) { // a critical section long enough for the other thread to find it held
                counter++;
                Thread.onSpinWait();
            }
        } finally {
            mutex.unlock();
        }
        return waited < PROMPT_NANOS ? 1 : 0;
    }
}
