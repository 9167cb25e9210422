package dev.reclaim.jcstress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.atomic.AtomicReference;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link HazardReferenceGracePeriodTest} and {@link RobustReferenceGracePeriodTest}: the same
 * race with no grace period (the writer closes the old value at once). Outcome 3 shows up here, which shows
 * that the guarded tests' setup can observe a value closed under a reader when the grace period is missing;
 * if it never appears, the other tests prove little on this machine.
 */
@JCStressTest
@Description("Control: without a grace period the reader does see closed values")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value before it was closed")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the value swapped in")
@Outcome(id = "3", expect = ACCEPTABLE_INTERESTING, desc = "a closed value, as expected without a grace period")
@State
public class UnprotectedReferenceReadTest {

    private final AtomicReference<HeapCell.Value> ref = new AtomicReference<>(new HeapCell.Value(HeapCell.SAW_FIRST));

    /** Creates the state. */
    public UnprotectedReferenceReadTest() {
    }

    /**
     * The reader: loads the value and reads its mark with nothing holding back its retirement.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        HeapCell.Value v = ref.getAcquire(); // acquire: pairs with the swap in writer()
        r.r1 = v.closed ? HeapCell.SAW_CLOSED : v.id; // volatile read: pairs with the writer's close
    }

    /** The writer: swap, then close the old value at once. */
    @Actor
    public void writer() {
        ref.getAndSet(new HeapCell.Value(HeapCell.SAW_SECOND)).closed = true; // volatile swap, then volatile write
    }
}
