package dev.reclaim.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link MutexExclusionTest}, {@link QueueLockExclusionTest}, {@link ByteLockExclusionTest}
 * and {@link SemaphoreExclusionTest}: the same two increments of a plain counter with no lock. The lost update
 * (1) shows up here, which shows that the locked tests' setup can observe a lost update when exclusion is
 * missing.
 */
@JCStressTest
@Description("Control: without a lock two increments do lose one")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
@Outcome(id = "1", expect = ACCEPTABLE_INTERESTING, desc = "a lost update, as expected without a lock")
@State
public class UnlockedCounterTest {

    private int counter;

    /** Creates the state. */
    public UnlockedCounterTest() {
    }

    /** First incrementer. */
    @Actor
    public void first() {
        counter++;
    }

    /** Second incrementer. */
    @Actor
    public void second() {
        counter++;
    }

    /**
     * Reads the counter after both.
     *
     * @param r the counter
     */
    @Arbiter
    public void check(I_Result r) {
        r.r1 = counter;
    }
}
