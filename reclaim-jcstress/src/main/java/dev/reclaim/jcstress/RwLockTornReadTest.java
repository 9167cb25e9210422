package dev.reclaim.jcstress;

import dev.reclaim.sync.RwLock;
import dev.reclaim.sync.RwLockReadGuard;
import dev.reclaim.sync.RwLockWriteGuard;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * RwLock: a writer sets two plain fields under the write lock while a reader reads them (second field first)
 * under the read lock. Forbidden: a torn pair, which happens if the read lock admits a reader while the writer
 * holds the lock, or the unlocks' releases do not order the fields before the next acquirer's reads.
 * {@link UnlockedTornReadTest} is the control: the same accesses without the lock do show the torn pair.
 */
@JCStressTest
@Description("RwLock: a reader sees a writer's critical section entirely or not at all")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the reader went first")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer went first")
@Outcome(expect = FORBIDDEN, desc = "a torn read: the reader saw half of the writer's critical section")
@State
public class RwLockTornReadTest {

    private final RwLock lock = new RwLock();
    private int x; // guarded by lock
    private int y; // guarded by lock

    /** Creates the state. */
    public RwLockTornReadTest() {
    }

    /** The writer: both fields under the write lock. */
    @Actor
    public void writer() {
        try (RwLockWriteGuard g = lock.write()) {
            x = 1;
            y = 1;
        }
    }

    /**
     * The reader: the second field, then the first, under the read lock.
     *
     * @param r r1 = x, r2 = y
     */
    @Actor
    public void reader(II_Result r) {
        try (RwLockReadGuard g = lock.read()) {
            r.r2 = y;
            r.r1 = x;
        }
    }
}
