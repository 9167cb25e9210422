package dev.reclaim.jcstress;

import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.MutexGuard;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutex: two threads increment a plain counter under the lock. Forbidden: a lost update (1), which happens if
 * the lock lets both in or its acquire/release do not order the critical sections.
 */
@JCStressTest
@Description("Mutex: mutual exclusion and ordering of critical sections")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "both increments counted")
@Outcome(expect = FORBIDDEN, desc = "lost update")
@State
public class MutexExclusionTest {

    private final Mutex mutex = new Mutex();
    private int counter; // guarded by mutex

    /** Creates the state. */
    public MutexExclusionTest() {
    }

    /** First incrementer. */
    @Actor
    public void first() {
        try (MutexGuard g = mutex.lock()) {
            counter++;
        }
    }

    /** Second incrementer. */
    @Actor
    public void second() {
        try (MutexGuard g = mutex.lock()) {
            counter++;
        }
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
