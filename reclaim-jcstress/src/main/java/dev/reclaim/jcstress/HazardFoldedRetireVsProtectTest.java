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
 * Hazard pointers with the hazard folded into the claim ({@code HazardReclaimer.enterProtecting}): the reader's
 * claim CAS publishes the node it read as the slot's state, and protect accepts it after one more load of the
 * cell. The writer swaps the node out, retires it and flushes (a scan that frees it unless a hazard, the state's
 * included, names it). Forbidden: the reader reads a freed node, which happens if the scan misses the state's
 * hazard, or if protect accepts a pointer the cell no longer held after the claim.
 */
@JCStressTest
@Description("HP enterProtecting + protect vs retire + scan: a protected node is never freed under the reader")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first node, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the node swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "use after free: the reader read a node the writer's retire freed")
@State
public class HazardFoldedRetireVsProtectTest extends OffHeapCell {

    /** scanThreshold(1) and a flush after every retire: scans happen inside the race window. */
    static final HazardReclaimer HP = HazardReclaimer.builder().name("jcstress-hp-folded").scanThreshold(1).build();

    /** Creates the state. */
    public HazardFoldedRetireVsProtectTest() {
    }

    /**
     * The reader.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        r.r1 = protectFoldedAndClassify(HP);
    }

    /** The writer: swap, retire, flush (a scan that frees it unless a hazard names it). */
    @Actor
    public void writer() {
        swapRetireFlush(HP);
    }
}
