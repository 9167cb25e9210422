package dev.reclaim.jcstress;

import dev.reclaim.sync.Condvar;
import dev.reclaim.sync.Mutex;
import dev.reclaim.sync.MutexGuard;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

import java.util.concurrent.TimeUnit;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Mutex + Condvar, the requeue path: like {@link CondvarWakeupTest}, but the notifier calls
 * {@code notifyAllWaiters()} while holding the mutex, so a parked waiter is moved onto the mutex's key and must
 * be woken by the notifier's unlock (with asymmetric fences: through the mutex's REQUEUED flag, since a requeued
 * waiter is not counted as a contender). Forbidden: the waiter times out (5 s) although the flag was set and
 * notified.
 */
@JCStressTest
@Description("Mutex/Condvar: notifyAllWaiters under the mutex requeues, and the unlock wakes the requeued waiter")
@Outcome(id = "1", expect = ACCEPTABLE, desc = "the waiter saw the flag (with or without waiting)")
@Outcome(id = "0", expect = FORBIDDEN, desc = "lost wake-up: the waiter timed out with the flag set and notified")
@Outcome(id = "-1", expect = FORBIDDEN, desc = "the waiter was interrupted")
@State
public class CondvarRequeueWakeupTest {

    private final Mutex mutex = new Mutex();
    private final Condvar condvar = new Condvar();
    private boolean flag; // guarded by mutex

    /** Creates the state. */
    public CondvarRequeueWakeupTest() {
    }

    /** The notifier. */
    @Actor
    public void notifier() {
        try (MutexGuard g = mutex.lock()) {
            flag = true;
            condvar.notifyAllWaiters(); // held: requeues a parked waiter onto the mutex
        }
    }

    /**
     * The waiter.
     *
     * @param r 1 when it saw the flag, 0 on timeout
     */
    @Actor
    public void waiter(I_Result r) {
        try (MutexGuard g = mutex.lock()) {
            while (!flag) {
                if (!condvar.await(mutex, 5, TimeUnit.SECONDS)) {
                    r.r1 = flag ? 1 : 0;
                    return;
                }
            }
            r.r1 = 1;
        } catch (InterruptedException e) {
            r.r1 = -1;
        }
    }
}
