package dev.reclaim.jcstress;

import dev.reclaim.memory.Memory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The control for {@link TreiberStackPopPopTest}: the same two pops on a two-element off-heap Treiber stack
 * with no reclaimer, whose pop poisons and frees its node as soon as its CAS wins. A pop that loaded the head
 * before the other pop unlinked and freed it then reads the poison from that node; outcome {@code r3 = 1} shows
 * up here, which shows that the race window the reclaimer must cover exists on this machine (if it never
 * appears, {@link TreiberStackPopPopTest} proves little here). The values themselves stay right: the stale
 * CAS fails and the pop retries, because no block is reused inside this state.
 */
@JCStressTest
@Description("Control: a pop without protection reads a node the other pop freed")
@Outcome(id = {"2, 1, 0", "1, 2, 0"}, expect = ACCEPTABLE, desc = "two distinct values, no freed node read")
@Outcome(id = {"2, 1, 1", "1, 2, 1"}, expect = ACCEPTABLE_INTERESTING,
        desc = "a pop read a freed node, as expected without a reclaimer")
@Outcome(expect = FORBIDDEN, desc = "a value popped twice or lost")
@State
public class UnprotectedStackPopPopTest {

    /** Node layout: the value word, then the next word. */
    private static final long NEXT = 8;

    /** Address of the head word. */
    private final long head = CollectionState.MEMORY.allocate(8);
    /** Set to 1 by a pop that read a value this state never pushed from a node (it was freed). */
    private volatile int sawFreed;

    /** Creates the state: a stack holding 1 under 2. */
    public UnprotectedStackPopPopTest() {
        Memory.putLong(head, 0); // plain: setup, published with the state
        push(1);
        push(2);
    }

    private void push(long value) {
        long node = CollectionState.MEMORY.allocate(16);
        Memory.putLong(node, value); // plain: published by the release store of head below
        Memory.putLong(node + NEXT, Memory.getLong(head)); // plain: setup thread only; published as above
        Memory.putLongRelease(head, node); // release: single-threaded setup; pairs with the acquire in pop()
    }

    /** A pop with nothing protecting the node between its head load and its reads of the node. */
    private long pop() {
        while (true) {
            long h = Memory.getLongAcquire(head); // acquire: pairs with the release in push() and the CAS below
            if (h == 0) {
                return CollectionState.EMPTY;
            }
            long value = Memory.getLong(h); // plain: after the acquire of head (may read freed memory: the point)
            long next = Memory.getLong(h + NEXT); // plain: as above
            if (value != 1 && value != 2) { // the poison, the allocator's free-list word or a stranger's value
                sawFreed = 1; // volatile: read by the arbiter after both actors
                continue;
            }
            if (Memory.compareAndSetLong(head, h, next)) { // volatile CAS: pairs with the acquire load above
                CollectionState.POISON_AND_FREE.delete(h);
                return value;
            }
        }
    }

    /**
     * The first popper.
     *
     * @param r r1: what it popped
     */
    @Actor
    public void first(III_Result r) {
        r.r1 = (int) pop();
    }

    /**
     * The second popper.
     *
     * @param r r2: what it popped
     */
    @Actor
    public void second(III_Result r) {
        r.r2 = (int) pop();
    }

    /**
     * After both: whether a pop read a freed node; frees the head word.
     *
     * @param r r3: 1 if a pop read a freed node
     */
    @Arbiter
    public void rest(III_Result r) {
        r.r3 = sawFreed;
        CollectionState.MEMORY.free(head);
    }
}
