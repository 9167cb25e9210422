package dev.reclaim.jcstress;

import dev.reclaim.Guard;
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
 * The robust scheme (2GE interval-based reclamation): a protect racing with a retire (with the node's birth era)
 * and a scan. The writer swaps the node out, retires it and flushes (a scan frees it unless a reader's reserved
 * era interval overlaps the node's [birth, retire] interval); the reader protects the node (which raises its
 * reserved upper era, fences and re-loads when the era moved) and reads it. Forbidden: the reader reads a
 * freed node, which happens if the reservation is not ordered before the re-load, or the scan's reads of the
 * reservations before the free.
 */
@JCStressTest
@Description("IBR protect vs retire + scan: a protected node is never freed under the reader")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first node, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the node swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "use after free: the reader read a node the writer's retire freed")
@State
public class RobustRetireVsProtectTest extends OffHeapCell {

    /** scanThreshold(1), eraEvery(1) and a flush after every retire: eras move and scans happen inside the race window. */
    static final RobustReclaimer IBR =
            RobustReclaimer.builder().name("jcstress-ibr").scanThreshold(1).eraEvery(1).build();

    /** The first node's birth era, read before the state is shared (that is, before publication). */
    private final long birth;

    /** Creates the state. */
    public RobustRetireVsProtectTest() {
        try (Guard g = IBR.enter()) {
            birth = g.birthEra();
        }
    }

    /**
     * The reader.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        try (Guard g = IBR.enter()) {
            r.r1 = classify(g.protect(0, cell));
        }
    }

    /** The writer: swap, retire, flush (a scan that frees it unless a reservation overlaps its interval). */
    @Actor
    public void writer() {
        long old = swapInSecond();
        try (Guard g = IBR.enter()) {
            g.retire(old, birth, POISON_AND_FREE);
        }
        IBR.flush();
    }
}
