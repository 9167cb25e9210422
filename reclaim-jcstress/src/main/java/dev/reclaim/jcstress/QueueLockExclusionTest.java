package dev.reclaim.jcstress;

import dev.reclaim.sync.QueueLock;
import dev.reclaim.sync.QueueLockGuard;
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
 * QueueLock: two threads increment a plain counter under the lock; the arbiter also checks the lock ends
 * unlocked. Forbidden: a lost update or a lock left held, which happens if both threads enter, the handoff to
 * the queued successor is lost, or the release does not order the critical sections.
 * {@link UnlockedCounterTest} is the control.
 */
@JCStressTest
@Description("QueueLock: mutual exclusion, ordered critical sections, the lock ends free")
@Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "both increments counted, lock free")
@Outcome(expect = FORBIDDEN, desc = "a lost update or a lock left held")
@State
public class QueueLockExclusionTest {

    private final QueueLock lock = new QueueLock();
    private int counter; // guarded by lock

    /** Creates the state. */
    public QueueLockExclusionTest() {
    }

    /** First incrementer. */
    @Actor
    public void first() {
        try (QueueLockGuard g = lock.lock()) {
            counter++;
        }
    }

    /** Second incrementer. */
    @Actor
    public void second() {
        try (QueueLockGuard g = lock.lock()) {
            counter++;
        }
    }

    /**
     * Reads the counter and the lock after both.
     *
     * @param r r1: the counter; r2: 1 if the lock is still held
     */
    @Arbiter
    public void check(II_Result r) {
        r.r1 = counter;
        r.r2 = lock.isLocked() ? 1 : 0;
    }
}
