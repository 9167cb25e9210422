package dev.reclaim.jcstress;

import dev.reclaim.realtime.RealtimeCollector;
import dev.reclaim.realtime.SharedCell;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * SharedCell: a reader's {@code get()} racing with a writer that replaces the value and runs a collection pass
 * at once (which destroys the old value unless a reader holds it). The reader then checks the value it holds.
 * Forbidden: the reader holds a destroyed value, which happens if the collector reads the reader's slot before
 * the reader announced itself (the BUSY/value stores and the writer's exchange not in one total order).
 * {@link SharedCellPeekTest} is the control: {@link SharedCell#peek()} holds nothing and does see destroyed
 * values.
 */
@JCStressTest
@Description("SharedCell get vs set + collect: a value a reader holds is never destroyed")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader holds the first value, alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader holds the value swapped in")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader holds a value the collector destroyed")
@State
public class SharedCellReadVsReplaceTest {

    /** One collector for the whole test JVM, collected by the writers themselves (no thread of its own). */
    static final RealtimeCollector COLLECTOR =
            RealtimeCollector.builder().name("jcstress-shared-cell").ownThread(false).build();

    private final SharedCell<HeapCell.Value> cell =
            COLLECTOR.cell(new HeapCell.Value(HeapCell.SAW_FIRST), v -> v.closed = true);
    private final SharedCell.Reader<HeapCell.Value> reader = cell.reader();

    /** Creates the state: a cell holding the first value, one registered reader. */
    public SharedCellReadVsReplaceTest() {
    }

    /**
     * The reader: takes the current value and reads its mark while holding it.
     *
     * @param r what it holds
     */
    @Actor
    public void reader(I_Result r) {
        HeapCell.Value v = reader.get();
        r.r1 = v == null || v.closed ? HeapCell.SAW_CLOSED : v.id; // volatile read: pairs with the destructor's write
    }

    /** The writer: replace, then a collection pass that destroys the old value unless the reader holds it. */
    @Actor
    public void writer() {
        cell.set(new HeapCell.Value(HeapCell.SAW_SECOND));
        COLLECTOR.collect();
    }

    /**
     * After both: closes the reader and the cell (their values are destroyed by later passes).
     *
     * @param r unused
     */
    @Arbiter
    public void close(I_Result r) {
        reader.close();
        cell.close();
    }
}
