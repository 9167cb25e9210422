package dev.reclaim.jcstress;

import dev.reclaim.realtime.SharedCell;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link SharedCellReadVsReplaceTest}: the same race, but the reader uses
 * {@link SharedCell#peek()}, which holds nothing (documented: the value may be destroyed at any moment after a
 * concurrent set). Outcome 3 shows up here, which shows that the writer's collection pass does destroy a value
 * under a reader that is not registered as holding it: either the reader sees the destructor's mark, or
 * {@code peek()} returns null because the collector cleared the destroyed value out of its node between the
 * load of the node and the read of its value.
 */
@JCStressTest
@Description("Control: peek() holds nothing, so the collector destroys values under it")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the first value, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the value swapped in")
@Outcome(id = "3", expect = ACCEPTABLE_INTERESTING, desc = "a destroyed value, as expected without holding it")
@State
public class SharedCellPeekTest {

    private final SharedCell<HeapCell.Value> cell = SharedCellReadVsReplaceTest.COLLECTOR
            .cell(new HeapCell.Value(HeapCell.SAW_FIRST), v -> v.closed = true);

    /** Creates the state: a cell holding the first value, no registered reader. */
    public SharedCellPeekTest() {
    }

    /**
     * The reader: peeks and reads the mark.
     *
     * @param r what it saw
     */
    @Actor
    public void reader(I_Result r) {
        HeapCell.Value v = cell.peek();
        r.r1 = v == null || v.closed ? HeapCell.SAW_CLOSED : v.id; // volatile read: pairs with the destructor's write
    }

    /** The writer: replace, then a collection pass. */
    @Actor
    public void writer() {
        cell.set(new HeapCell.Value(HeapCell.SAW_SECOND));
        SharedCellReadVsReplaceTest.COLLECTOR.collect();
    }

    /**
     * After both: closes the cell.
     *
     * @param r unused
     */
    @Arbiter
    public void close(I_Result r) {
        cell.close();
    }
}
