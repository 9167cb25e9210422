package dev.reclaim.arc;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * ArcSwap, fast (debt) path: a reader loads a guard and reads the value; a writer stores a new value, which
 * pays the reader's debt or releases the old value. Forbidden: the reader holds a guard on a value whose
 * release already ran, which happens if the debt's publication and the writer's swap are not ordered so that
 * one of them sees the other (the reader's re-check vs the writer's debt scan).
 */
@JCStressTest
@Description("ArcSwap (debt path): a loaded guard never sees a released value")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the stored value")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader's value was released under its guard")
@State
public class ArcSwapLoadVsStoreTest {

    /** A resource with a released flag set by its releaser. */
    static final class Resource {
        final int id;
        volatile boolean released;

        Resource(int id) {
            this.id = id;
        }
    }

    static Arc<Resource> arc(int id) {
        return Arc.of(new Resource(id), r -> r.released = true);
    }

    private final ArcSwap<Resource> swap = ArcSwap.of(arc(1));

    /** Creates the state. */
    public ArcSwapLoadVsStoreTest() {
    }

    /**
     * The reader.
     *
     * @param r which value it saw, or 3 if it was released
     */
    @Actor
    public void reader(I_Result r) {
        try (ArcGuard<Resource> g = swap.load()) {
            Resource v = g.get();
            r.r1 = v.released ? 3 : v.id;
        }
    }

    /** The writer. */
    @Actor
    public void writer() {
        swap.store(arc(2));
    }
}
