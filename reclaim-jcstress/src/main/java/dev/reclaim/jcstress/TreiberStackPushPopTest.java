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
 * TreiberStack (hazard pointers, a scan per retire): a push racing with a pop on a one-element stack. The pop
 * returns either the pushed value (it came after the push) or the one below; the arbiter then pops the rest.
 * Forbidden: a value lost, returned twice, or popped out of LIFO order, which happens if the head CAS does not
 * order the node's initialisation before its publication, or a pop dereferences a node already freed.
 */
@JCStressTest
@Description("TreiberStack push vs pop: every value comes out exactly once, in LIFO order")
@Outcome(id = "2, 1, 0", expect = ACCEPTABLE, desc = "the pop came after the push and took the pushed value")
@Outcome(id = "1, 2, 0", expect = ACCEPTABLE, desc = "the pop came first and took the value below")
@Outcome(expect = FORBIDDEN, desc = "a value lost, duplicated or out of order")
@State
public class TreiberStackPushPopTest {

    private final TreiberStack stack = new TreiberStack(CollectionState.HP, CollectionState.MEMORY);

    /** Creates the state: a stack holding 1. */
    public TreiberStackPushPopTest() {
        stack.push(1);
    }

    /** The pusher. */
    @Actor
    public void pusher() {
        stack.push(2);
    }

    /**
     * The popper.
     *
     * @param r r1: what it popped
     */
    @Actor
    public void popper(III_Result r) {
        r.r1 = (int) stack.pop(CollectionState.EMPTY);
    }

    /**
     * After both: pops what is left, then closes the stack.
     *
     * @param r r2, r3: the next two pops (0 = empty)
     */
    @Arbiter
    public void rest(III_Result r) {
        r.r2 = (int) stack.pop(CollectionState.EMPTY);
        r.r3 = (int) stack.pop(CollectionState.EMPTY);
        stack.close();
    }
}
