package dev.reclaim.jcstress;

import dev.reclaim.Guard;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.sync.RcuCell;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * RcuCell over EBR: a reader reads the current value inside a guard; an updater replaces it, and the old value
 * is "closed" by its retire action once no reader can see it (flushes push the grace period along). Forbidden:
 * the reader sees a closed value inside its guard, i.e. the retire ran before the grace period ended.
 */
@JCStressTest
@Description("RcuCell: a replaced value is not retired while a reader holds it")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value, still open")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the replacement")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader saw a value already retired (closed)")
@State
public class RcuCellGracePeriodTest {

    /** A value with a closed flag set by the cell's retire action. */
    static final class Value {
        final int id;
        volatile boolean closed;

        Value(int id) {
            this.id = id;
        }
    }

    static final EpochReclaimer EBR = EpochReclaimer.builder().name("jcstress-rcu").advanceEvery(1).build();

    private final RcuCell<Value> cell = new RcuCell<>(EBR, new Value(1), v -> v.closed = true, 0);

    /** Creates the state. */
    public RcuCellGracePeriodTest() {
    }

    /**
     * The reader.
     *
     * @param r which value it saw, or 3 if it was closed
     */
    @Actor
    public void reader(I_Result r) {
        try (Guard g = EBR.enter()) {
            Value v = cell.read(g);
            r.r1 = v.closed ? 3 : v.id;
        }
    }

    /** The updater: replace, then flush so the old value is retired as soon as it may be. */
    @Actor
    public void updater() {
        cell.set(new Value(2));
        EBR.flush();
        EBR.flush();
    }
}
