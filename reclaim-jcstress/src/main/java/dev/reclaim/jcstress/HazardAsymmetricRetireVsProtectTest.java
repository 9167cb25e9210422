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
 * The same race as {@link HazardRetireVsProtectTest} with {@code asymmetricFence(true)}: protect publishes with an
 * opaque store and a compiler barrier, and the scan pays membarrier. Forbidden outcome as there.
 *
 * <p>Hazard pointers: a protect racing with a retire and a scan. The writer swaps the node out, retires it and
 * flushes (scans the hazards and frees the node unless one names it); the reader protects the node (publish,
 * fence, re-load until stable) and reads it. Forbidden: the reader reads a freed node, which happens if the
 * hazard's publication is not ordered before the re-load, or the scan's reads of the hazards before the free
 * (the Dekker pattern of publish vs unlink).
 */
@JCStressTest
@Description("HP (asymmetric fences: compiler barrier in protect, membarrier in scan) protect vs retire + scan")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first node, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the node swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "use after free: the reader read a node the writer's retire freed")
@State
public class HazardAsymmetricRetireVsProtectTest extends OffHeapCell {

    /** scanThreshold(1) and a flush after every retire: scans happen inside the race window. */
    static final HazardReclaimer HP = HazardReclaimer.builder().name("jcstress-hp-asym").scanThreshold(1)
            .asymmetricFence(true).build();

    /** Creates the state. */
    public HazardAsymmetricRetireVsProtectTest() {
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

    /** The writer: swap, retire, flush (a scan that frees it unless a hazard names it). */
    @Actor
    public void writer() {
        swapRetireFlush(HP);
    }
}
