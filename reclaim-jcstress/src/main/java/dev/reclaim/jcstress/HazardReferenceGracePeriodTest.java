package dev.reclaim.jcstress;

import dev.reclaim.hazard.HazardReclaimer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Hazard pointers, heap references: a reference protect (an acquire load, no hazard) racing with a swap, a
 * deferred retirement and a scan. The writer swaps the value out, defers closing it and flushes (a scan runs
 * the action once every guard open at the defer has closed: slot generations). Forbidden: the reader sees a
 * closed value inside its guard, which happens if the defer's snapshot of open guards can miss a reader that
 * loaded the old value (the Dekker pattern of the reader's claim CAS vs the writer's swap and snapshot).
 */
@JCStressTest
@Description("HP reference protect vs swap + defer + scan: a value is not retired while a reader holds it")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value, still open")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the value swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader saw a value whose deferred retirement already ran")
@State
public class HazardReferenceGracePeriodTest extends HeapCell {

    /** scanThreshold(1) and a flush after every defer: scans happen inside the race window. */
    static final HazardReclaimer HP = HazardReclaimer.builder().name("jcstress-hp-ref").scanThreshold(1).build();

    /** Creates the state. */
    public HazardReferenceGracePeriodTest() {
    }

    /**
     * The reader.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        r.r1 = protectAndClassify(HP);
    }

    /** The writer: swap, defer the retirement, flush. */
    @Actor
    public void writer() {
        swapDeferFlush(HP);
    }
}
