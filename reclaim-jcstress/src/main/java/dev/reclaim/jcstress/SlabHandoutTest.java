package dev.reclaim.jcstress;

import dev.reclaim.memory.Memory;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The slab allocator's free lists and depots: two threads each free a block and allocate one, over and over
 * (jcstress runs millions of states, so per-thread caches overflow into and refill from the shared depots,
 * whose lock-free push/pop this races). Each thread stamps its block; the arbiter checks that neither stamp
 * was overwritten, i.e. that no block was handed to both threads at once.
 */
@JCStressTest
@Description("Slab allocator: a block is never handed out to two threads at once")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "both blocks distinct and intact")
@Outcome(expect = FORBIDDEN, desc = "a block was handed out twice (a stamp was overwritten)")
@State
public class SlabHandoutTest {

    private long a;
    private long b;
    private final long freeA = OffHeapCell.MEMORY.allocate(32);
    private final long freeB = OffHeapCell.MEMORY.allocate(32);

    /** Creates the state. */
    public SlabHandoutTest() {
    }

    /** First thread: frees its old block, takes a new one and stamps it. */
    @Actor
    public void first() {
        OffHeapCell.MEMORY.free(freeA);
        long p = OffHeapCell.MEMORY.allocate(32);
        Memory.putLong(p, 0xAAAAL);
        a = p;
    }

    /** Second thread: the same with another stamp. */
    @Actor
    public void second() {
        OffHeapCell.MEMORY.free(freeB);
        long p = OffHeapCell.MEMORY.allocate(32);
        Memory.putLong(p, 0xBBBBL);
        b = p;
    }

    /**
     * Checks the stamps (after both actors, which jcstress orders before the arbiter), then frees both blocks.
     *
     * @param r 1 per intact stamp
     */
    @Arbiter
    public void check(II_Result r) {
        r.r1 = a != b && Memory.getLong(a) == 0xAAAAL ? 1 : 0;
        r.r2 = a != b && Memory.getLong(b) == 0xBBBBL ? 1 : 0;
        OffHeapCell.MEMORY.free(a);
        if (b != a) {
            OffHeapCell.MEMORY.free(b);
        }
    }
}
