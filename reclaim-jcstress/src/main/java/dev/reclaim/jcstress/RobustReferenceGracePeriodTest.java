package dev.reclaim.jcstress;

import dev.reclaim.robust.RobustReclaimer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The robust scheme, heap references: a reference protect (an acquire load, no era check) racing with a swap, a
 * deferred retirement and a scan. The writer swaps the value out, defers closing it and flushes (a scan runs
 * the action once every guard open at the defer has closed: slot generations). Forbidden: the reader sees a
 * closed value inside its guard, which happens if the defer's snapshot of open guards can miss a reader that
 * loaded the old value (the Dekker pattern of the reader's claim CAS vs the writer's swap and snapshot).
 */
@JCStressTest
@Description("IBR reference protect vs swap + defer + scan: a value is not retired while a reader holds it")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value, still open")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the value swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader saw a value whose deferred retirement already ran")
@State
public class RobustReferenceGracePeriodTest extends HeapCell {

    /** scanThreshold(1), eraEvery(1) and a flush after every defer: eras move and scans happen in the window. */
    static final RobustReclaimer IBR =
            RobustReclaimer.builder().name("jcstress-ibr-ref").scanThreshold(1).eraEvery(1).build();

    /** Creates the state. */
    public RobustReferenceGracePeriodTest() {
    }

    /**
     * The reader.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        r.r1 = protectAndClassify(IBR);
    }

    /** The writer: swap, defer the retirement, flush. */
    @Actor
    public void writer() {
        swapDeferFlush(IBR);
    }
}
