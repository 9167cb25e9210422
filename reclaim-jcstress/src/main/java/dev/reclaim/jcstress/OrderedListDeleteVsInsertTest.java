package dev.reclaim.jcstress;

import dev.reclaim.collections.HarrisMichaelList;
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
 * HarrisMichaelList (interval-based reclamation, a new era per allocation and a scan per retire): deleting key
 * 1 of {1, 3} while another thread inserts 2 between them, the classic lost-insert race of ordered lists (the
 * insert links after the node being deleted). The delete marks, unlinks and retires node 1 while the insert
 * may be holding it as its predecessor. Forbidden: the insert reports success but 2 is missing, 1 survives its
 * delete, or 3 is lost, which happens if a link CAS succeeds on a marked node or the unlink frees a node the
 * insert still reads.
 */
@JCStressTest
@Description("Ordered list delete vs insert at the deleted node: neither is lost")
@Outcome(id = "1, 1, 11", expect = ACCEPTABLE, desc = "1 deleted, 2 inserted, the list is {2, 3}")
@Outcome(expect = FORBIDDEN, desc = "a lost insert, a resurrected delete, or a lost neighbour")
@State
public class OrderedListDeleteVsInsertTest {

    private final HarrisMichaelList list = new HarrisMichaelList(CollectionState.IBR, CollectionState.MEMORY);

    /** Creates the state: the set {1, 3}. */
    public OrderedListDeleteVsInsertTest() {
        list.add(1);
        list.add(3);
    }

    /**
     * Deletes 1.
     *
     * @param r r1: 1 if the delete found it
     */
    @Actor
    public void deleter(III_Result r) {
        r.r1 = list.delete(1) ? 1 : 0;
    }

    /**
     * Inserts 2 (its predecessor is 1 until the delete unlinks it).
     *
     * @param r r2: 1 if the insert added it
     */
    @Actor
    public void inserter(III_Result r) {
        r.r2 = list.add(2) ? 1 : 0;
    }

    /**
     * After both: which keys are in the list, then closes it.
     *
     * @param r r3: 100 if 1 is present, plus 10 if 2 is, plus 1 if 3 is
     */
    @Arbiter
    public void members(III_Result r) {
        r.r3 = (list.contains(1) ? 100 : 0) + (list.contains(2) ? 10 : 0) + (list.contains(3) ? 1 : 0);
        list.close();
    }
}
