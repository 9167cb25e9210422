package dev.reclaim.jcstress;

import dev.reclaim.collections.TreiberStack;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * TreiberStack (hazard pointers, a scan per retire): two pops racing on a two-element stack. Each pop retires
 * its node and scans, so the node the other pop may be reading can be freed and reused inside the window.
 * Forbidden: both pops return the same value, or one returns empty while a value is left, which happens if a
 * pop's CAS succeeds on a stale head (ABA through a freed and reused node) or reads {@code next} from a freed
 * node. {@link UnprotectedStackPopPopTest} is the control: the same race on a stack that frees a popped node at
 * once, where a pop does read a freed node.
 */
@JCStressTest
@Description("TreiberStack pop vs pop: two pops take two distinct values")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the first actor popped first")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "the second actor popped first")
@Outcome(expect = FORBIDDEN, desc = "a value popped twice, lost, or an empty pop while a value was left")
@State
public class TreiberStackPopPopTest {

    private final TreiberStack stack = new TreiberStack(CollectionState.HP, CollectionState.MEMORY);

    /** Creates the state: a stack holding 1 under 2. */
    public TreiberStackPopPopTest() {
        stack.push(1);
        stack.push(2);
    }

    /**
     * The first popper.
     *
     * @param r r1: what it popped
     */
    @Actor
    public void first(III_Result r) {
        r.r1 = (int) stack.pop(CollectionState.EMPTY);
    }

    /**
     * The second popper.
     *
     * @param r r2: what it popped
     */
    @Actor
    public void second(III_Result r) {
        r.r2 = (int) stack.pop(CollectionState.EMPTY);
    }

    /**
     * After both: what is left (nothing), then closes the stack.
     *
     * @param r r3: one more pop (0 = empty)
     */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = (int) stack.pop(CollectionState.EMPTY);
        stack.close();
    }
}
