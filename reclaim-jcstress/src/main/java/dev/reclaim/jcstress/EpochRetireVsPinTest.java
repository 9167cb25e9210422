package dev.reclaim.jcstress;

import dev.reclaim.Guard;
import dev.reclaim.epoch.EpochReclaimer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * EBR: a pin racing with a retire and an epoch advance. The writer swaps the node out, retires it and flushes
 * (which tries to advance the epoch and frees what is two epochs old); the reader pins, loads the node and
 * reads it. Forbidden: the reader reads a freed node, which happens if the pin's announcement is not ordered
 * before its load of the pointer (the Dekker pattern of the pin CAS vs the advance's scan of the slots).
 */
@JCStressTest
@Description("EBR pin vs retire + epoch advance: a pinned reader never reads a freed node")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first node, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the node swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "use after free: the reader read a node the writer's retire freed")
@State
public class EpochRetireVsPinTest extends OffHeapCell {

    /** advanceEvery(1): every flush tries to advance, so frees happen inside the race window. */
    static final EpochReclaimer EBR = EpochReclaimer.builder().name("jcstress-ebr").advanceEvery(1).build();

    /** Creates the state. */
    public EpochRetireVsPinTest() {
    }

    /**
     * The reader.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        try (Guard g = EBR.enter()) {
            r.r1 = classify(g.protect(0, cell));
        }
    }

    /** The writer: swap, retire, flush twice (enough to free it when no reader is pinned). */
    @Actor
    public void writer() {
        long old = swapInSecond();
        try (Guard g = EBR.enter()) {
            g.retire(old, POISON_AND_FREE);
        }
        EBR.flush();
        EBR.flush();
    }
}
