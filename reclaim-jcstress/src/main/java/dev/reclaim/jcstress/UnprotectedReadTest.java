package dev.reclaim.jcstress;

import dev.reclaim.memory.Memory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link EpochRetireVsPinTest}, {@link HazardRetireVsProtectTest},
 * {@link HazardAsymmetricRetireVsProtectTest} and {@link RobustRetireVsProtectTest}: the same race with no
 * reclaimer at all (the writer frees the old node at once). Outcome 3 shows up here, which shows that the
 * protected tests' setup can observe a use after free when protection is missing; if it never appears, the
 * other tests prove little on this machine.
 */
@JCStressTest
@Description("Control: without protection the reader does read freed nodes")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first node before it was freed")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the node swapped in")
@Outcome(id = "3", expect = ACCEPTABLE_INTERESTING, desc = "use after free, as expected without a reclaimer")
@State
public class UnprotectedReadTest extends OffHeapCell {

    /** Creates the state. */
    public UnprotectedReadTest() {
    }

    /**
     * The reader: loads the pointer and reads the node with nothing protecting it.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        r.r1 = classify(Memory.getLongAcquire(cell)); // acquire: pairs with the swap in swapInSecond
    }

    /** The writer: swap, then free the old node at once. */
    @Actor
    public void writer() {
        POISON_AND_FREE.delete(swapInSecond());
    }
}
