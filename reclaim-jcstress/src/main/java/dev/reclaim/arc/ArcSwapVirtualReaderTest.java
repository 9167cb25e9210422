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
 * ArcSwap, a virtual thread's load (its carrier's lane with asymmetric fences, else the pool) against a store:
 * the reader runs in a virtual thread started by the actor, loads, reads, yields inside its guard (it may resume
 * on another carrier and close the guard there) and closes. Forbidden: the value read was released under the
 * guard (the writer's scan missed the carrier lane's debt), or the replaced value is still held back once both
 * are done (a lost release trigger).
 */
@JCStressTest
@Description("ArcSwap (virtual-thread reader): a loaded guard never sees a released value; the replaced one is released")
@Outcome(id = "[12], 1", expect = ACCEPTABLE, desc = "the reader saw the first or the stored value; the first was released")
@Outcome(id = "[12], 0", expect = FORBIDDEN, desc = "the first value is still held back after both finished")
@Outcome(id = "3, .*", expect = FORBIDDEN, desc = "the reader's value was released under its guard")
@State
public class ArcSwapVirtualReaderTest {

    private final ArcSwapLoadVsStoreTest.Resource first = new ArcSwapLoadVsStoreTest.Resource(1);
    private final ArcSwap<ArcSwapLoadVsStoreTest.Resource> swap =
            ArcSwap.of(Arc.of(first, r -> r.released = true));
    /** What the virtual reader saw; published to the actor by join(). */
    private int seen;

    /** Creates the state. */
    public ArcSwapVirtualReaderTest() {
    }

    /**
     * The reader: one load on a virtual thread.
     *
     * @param r r1: which value it saw, or 3 if it was released under the guard
     */
    @Actor
    public void reader(II_Result r) {
        Thread vt = Thread.ofVirtual().start(() -> {
            try (ArcGuard<ArcSwapLoadVsStoreTest.Resource> g = swap.load()) {
                ArcSwapLoadVsStoreTest.Resource v = g.get();
                int id = v.released ? 3 : v.id;
                Thread.yield(); // unmounts with the guard open
                for (int i = 0; i < 4_000 && !v.released; i++) {
                    Thread.onSpinWait(); // hold the guard for a store's length (a few µs): a wrong release lands here
                }
                seen = v.released ? 3 : id;
            }
        });
        try {
            vt.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException("the actor thread was interrupted", e);
        }
        r.r1 = seen;
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
    public void after(II_Result r) {
        r.r2 = first.released ? 1 : 0;
    }
}
