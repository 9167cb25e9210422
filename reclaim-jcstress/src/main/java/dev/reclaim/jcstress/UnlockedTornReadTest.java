package dev.reclaim.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link RwLockTornReadTest}: the same writer and reader with no lock. The torn pair (x = 1,
 * y = 0: the reader read y before the writer's stores and x after them) shows up here, which shows that the
 * locked test's setup can observe a torn read when exclusion is missing.
 */
@JCStressTest
@Description("Control: without a lock the reader does see half a critical section")
@Outcome(id = {"0, 0", "1, 1"}, expect = ACCEPTABLE, desc = "the reader ran wholly before or after the writer")
@Outcome(expect = ACCEPTABLE_INTERESTING, desc = "a torn read, as expected without a lock")
@State
public class UnlockedTornReadTest {

    private int x;
    private int y;

    /** Creates the state. */
    public UnlockedTornReadTest() {
    }

    /** The writer. */
    @Actor
    public void writer() {
        x = 1;
        y = 1;
    }

    /**
     * The reader: the second field, then the first.
     *
     * @param r r1 = x, r2 = y
     */
    @Actor
    public void reader(II_Result r) {
        r.r2 = y;
        r.r1 = x;
    }
}
