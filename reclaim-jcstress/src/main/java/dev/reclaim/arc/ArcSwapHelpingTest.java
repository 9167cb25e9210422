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
 * ArcSwap, helping path: the test seam {@code ArcSwap.helpingOnly} sends every load there (the reader
 * announces its intent, and a writer that sees it hands the reader a counted reference). A writer stores a
 * new value meanwhile. Forbidden: the reader holds a guard on a value whose release already ran.
 */
@JCStressTest
@Description("ArcSwap (helping path): a loaded guard never sees a released value")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the reader saw the first value, still alive")
@Outcome(id = "2", expect = ACCEPTABLE, desc = "the reader saw the stored value")
@Outcome(id = "3", expect = FORBIDDEN, desc = "the reader's value was released under its guard")
@State
public class ArcSwapHelpingTest {

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

    static {
        ArcSwap.helpingOnly = true; // this test JVM runs only this test: every load takes the helping path
    }

    private final ArcSwap<Resource> swap = ArcSwap.of(arc(1));

    /** Creates the state. */
    public ArcSwapHelpingTest() {
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
