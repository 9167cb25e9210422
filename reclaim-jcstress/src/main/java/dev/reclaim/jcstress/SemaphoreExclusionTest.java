package dev.reclaim.jcstress;

import dev.reclaim.sync.Semaphore;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Semaphore with one permit: two threads take it (the loser parks), increment a plain counter and give it back.
 * Forbidden: a lost update, or a permit lost or created, which happens if both take the single permit, the
 * release does not wake the parked thread's retry, or release/acquire do not order the critical sections.
 * {@link UnlockedCounterTest} is the control for the counter.
 */
@JCStressTest
@Description("Semaphore(1): exclusion, ordering, and the permit count conserved")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "both increments counted, the permit back")
@Outcome(expect = FORBIDDEN, desc = "a lost update, or a permit lost or created")
@State
public class SemaphoreExclusionTest {

    private final Semaphore permits = new Semaphore(1);
    private int counter; // guarded by the permit

    /** Creates the state. */
    public SemaphoreExclusionTest() {
    }

    /** First incrementer. */
    @Actor
    public void first() {
        permits.acquireUninterruptibly();
        counter++;
        permits.release();
    }

    /** Second incrementer. */
    @Actor
    public void second() {
        permits.acquireUninterruptibly();
        counter++;
        permits.release();
    }

    /**
     * Reads the counter and the permits after both.
     *
     * @param r r1: the counter; r2: the permits available
     */
    @Arbiter
    public void check(II_Result r) {
        r.r1 = counter;
        r.r2 = permits.availablePermits();
    }
}
