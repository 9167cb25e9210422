package dev.reclaim.jcstress;

import dev.reclaim.arc.Arc;
import dev.reclaim.arc.Weak;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Weak.upgrade racing with the release of the last strong handle. The upgrade either wins (it gets a live value
 * and its own close becomes the last release) or loses (empty). Forbidden: an upgrade that returns a value
 * whose release action already ran (a resurrection), or the action running twice or never, which happens if
 * the upgrade increments the strong count without checking it is still above zero in the same atomic step.
 * {@link UncheckedUpgradeTest} is the control: a check-then-increment upgrade does resurrect.
 */
@JCStressTest
@Description("Weak.upgrade vs the last release: never a released value, the action runs exactly once")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the upgrade won: a live value, released once afterwards")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the upgrade lost: empty, released once")
@Outcome(expect = FORBIDDEN, desc = "upgraded to a released value, or the release action ran twice or never")
@State
public class WeakUpgradeVsLastReleaseTest {

    /** A value that records whether its release action ran. */
    static final class Value {
        volatile boolean released; // volatile: written by the release action, read by the upgrader
    }

    private final AtomicInteger releases = new AtomicInteger();
    private final Arc<Value> strong = Arc.of(new Value(), v -> {
        v.released = true;
        releases.incrementAndGet();
    });
    private final Weak<Value> weak = strong.downgrade();

    /** Creates the state: one strong and one weak handle. */
    public WeakUpgradeVsLastReleaseTest() {
    }

    /** Releases the only strong handle. */
    @Actor
    public void releaser() {
        strong.close();
    }

    /**
     * Upgrades, reads the value, and releases the upgraded handle.
     *
     * @param r r1: 1 live value, 0 empty, 3 a released value
     */
    @Actor
    public void upgrader(II_Result r) {
        Optional<Arc<Value>> up = weak.upgrade();
        if (up.isEmpty()) {
            r.r1 = 0;
            return;
        }
        try (Arc<Value> a = up.get()) {
            r.r1 = a.get().released ? 3 : 1;
        }
    }

    /**
     * After both: how many times the release action ran.
     *
     * @param r r2: the release count
     */
    @Arbiter
    public void check(II_Result r) {
        r.r2 = releases.get();
    }
}
