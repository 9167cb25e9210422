package dev.reclaim.jcstress;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;

/**
 * The control for {@link WeakUpgradeVsLastReleaseTest}: the same race on a strong count whose upgrade checks
 * the count and increments it in two steps. The resurrection (3: the upgrade returned a value whose release
 * already ran) shows up here, which shows that the race the real upgrade closes is reachable on this machine.
 */
@JCStressTest
@Description("Control: a check-then-increment upgrade resurrects a released value")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the upgrade won: a live value")
@Outcome(id = "0", expect = ACCEPTABLE, desc = "the upgrade lost: empty")
@Outcome(id = "3", expect = ACCEPTABLE_INTERESTING, desc = "resurrection, as expected without an atomic upgrade")
@State
public class UncheckedUpgradeTest {

    private final AtomicInteger strong = new AtomicInteger(1);
    private volatile boolean released; // volatile: written by the releaser, read by the upgrader

    /** Creates the state: one strong reference. */
    public UncheckedUpgradeTest() {
    }

    /** Releases the only strong reference and runs the release action. */
    @Actor
    public void releaser() {
        if (strong.decrementAndGet() == 0) {
            released = true;
        }
    }

    /**
     * The broken upgrade: checks the count, then increments it.
     *
     * @param r 1 live value, 0 empty, 3 a released value
     */
    @Actor
    public void upgrader(I_Result r) {
        if (strong.get() == 0) {
            r.r1 = 0;
            return;
        }
        strong.incrementAndGet();
        r.r1 = released ? 3 : 1;
    }
}
