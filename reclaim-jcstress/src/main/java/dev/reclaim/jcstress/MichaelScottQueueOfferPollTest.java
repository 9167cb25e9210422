package dev.reclaim.jcstress;

import dev.reclaim.collections.MichaelScottQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * MichaelScottQueue (EBR that advances on every flush): an offer racing with two polls on a one-element queue.
 * The first poll retires the old dummy node while the offerer may still be walking from the tail through it
 * (tail lagging, helping), and the second poll races with the offer's link and tail swing. The arbiter polls
 * what is left. Forbidden: a value lost, returned twice, out of FIFO order, or the queue non-empty after all
 * values were taken, which happens if the offer links after a node already unlinked and freed, or the link's
 * release does not publish the node's value before a poll takes it.
 */
@JCStressTest
@Description("MichaelScottQueue offer vs poll: every value comes out exactly once, in FIFO order")
@Outcome(id = "1, 2, 0, 0", expect = ACCEPTABLE, desc = "the offer linked before the second poll")
@Outcome(id = "1, 0, 2, 0", expect = ACCEPTABLE, desc = "the second poll found the queue empty; the offer came after")
@Outcome(expect = FORBIDDEN, desc = "a value lost, duplicated or out of order")
@State
public class MichaelScottQueueOfferPollTest {

    private final MichaelScottQueue queue = new MichaelScottQueue(CollectionState.EBR, CollectionState.MEMORY);

    /** Creates the state: a queue holding 1. */
    public MichaelScottQueueOfferPollTest() {
        queue.offer(1);
    }

    /** The offerer. */
    @Actor
    public void offerer() {
        queue.offer(2);
    }

    /**
     * The poller: two polls.
     *
     * @param r r1, r2: what they took (0 = empty)
     */
    @Actor
    public void poller(IIII_Result r) {
        r.r1 = (int) queue.poll(CollectionState.EMPTY);
        r.r2 = (int) queue.poll(CollectionState.EMPTY);
    }

    /**
     * After both: polls what is left, then closes the queue.
     *
     * @param r r3, r4: the next two polls (0 = empty)
     */
    @Arbiter
    public void rest(IIII_Result r) {
        r.r3 = (int) queue.poll(CollectionState.EMPTY);
        r.r4 = (int) queue.poll(CollectionState.EMPTY);
        queue.close();
    }
}
