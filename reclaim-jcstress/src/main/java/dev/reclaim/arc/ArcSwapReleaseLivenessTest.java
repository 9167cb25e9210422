package dev.reclaim.arc;

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
 * ArcSwap, lane path (asymmetric fences): once the reader has closed its guard and the writer's store has
 * returned, the replaced value must have been released, by the writer's reclaim or by the reader's close. A
 * lost trigger (the writer's scan saw the reader's debt, and the reader's close missed the held-back count)
 * leaves it unreleased: forbidden. Also re-checks safety: the reader never sees a released value.
 */
@JCStressTest
@Description("ArcSwap (lane path): the replaced value is released once its reader and writer are done")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the reader saw the first value; it was released after")
@Outcome(id = "2, 1", expect = ACCEPTABLE, desc = "the reader saw the stored value; the first was released")
@Outcome(id = "1, 0", expect = FORBIDDEN, desc = "the first value is still held back after both finished")
@Outcome(id = "2, 0", expect = FORBIDDEN, desc = "the first value is still held back after both finished")
@Outcome(id = "3, .*", expect = FORBIDDEN, desc = "the reader's value was released under its guard")
@State
public class ArcSwapReleaseLivenessTest {

    private final ArcSwapLoadVsStoreTest.Resource first = new ArcSwapLoadVsStoreTest.Resource(1);
    private final ArcSwap<ArcSwapLoadVsStoreTest.Resource> swap =
            ArcSwap.of(Arc.of(first, r -> r.released = true));

    /** Creates the state. */
    public ArcSwapReleaseLivenessTest() {
    }

    /**
     * The reader.
     *
     * @param r r1: which value it saw, or 3 if it was released under the guard
     */
    @Actor
    public void reader(II_Result r) {
        try (ArcGuard<ArcSwapLoadVsStoreTest.Resource> g = swap.load()) {
            ArcSwapLoadVsStoreTest.Resource v = g.get();
            r.r1 = v.released ? 3 : v.id;
        }
    }

    /** The writer. */
    @Actor
    public void writer() {
        swap.store(ArcSwapLoadVsStoreTest.arc(2));
    }

    /**
     * After both: was the first value released?
     *
     * @param r r2: 1 released, 0 not
     */
    @Arbiter
    public void released(II_Result r) {
        r.r2 = first.released ? 1 : 0;
    }
}
