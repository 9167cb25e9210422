package dev.reclaim.jcstress;

import dev.reclaim.sync.SeqLock;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * SeqLock (on-heap): a writer updates two fields of a record from (0, 0) to (1, 1) field by field; a reader
 * takes a snapshot. Forbidden: a torn snapshot (one field old, one new), which happens if the reader's field
 * loads can move outside its two sequence reads or the writer's stores outside its two sequence writes.
 */
@JCStressTest
@Description("SeqLock: a snapshot is never torn")
@Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the snapshot before the write")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the snapshot after the write")
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "the reader gave up after its bounded retries")
@Outcome(expect = FORBIDDEN, desc = "torn snapshot: fields from two different writes")
@State
public class SeqLockSnapshotTest {

    private final SeqLock lock = new SeqLock(2);

    /** Creates the state. */
    public SeqLockSnapshotTest() {
    }

    /** The writer: both fields inside one write section. */
    @Actor
    public void writer() {
        lock.beginWrite();
        lock.set(0, 1);
        lock.set(1, 1);
        lock.endWrite();
    }

    /**
     * The reader: one snapshot with bounded retries.
     *
     * @param r the two fields, or -1, -1 when it gave up
     */
    @Actor
    public void reader(JJ_Result r) {
        long[] into = new long[2];
        if (lock.tryRead(into, 1_000)) {
            r.r1 = into[0];
            r.r2 = into[1];
        } else {
            r.r1 = -1;
            r.r2 = -1;
        }
    }
}
