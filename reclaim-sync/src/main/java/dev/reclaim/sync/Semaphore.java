package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A counting semaphore in one {@code int} plus the {@link ParkingLot}: permits in the low 30 bits, a
 * "threads may be parked" bit above them. Acquire is a CAS when permits are available; release is one atomic add
 * and touches the parking lot only if the waiter bit is set. Not fair (a releasing thread's permit may be taken
 * by a newcomer before the woken waiter gets to it; the waiter then parks again).
 *
 * <pre>{@code
 * Semaphore slots = new Semaphore(4);
 * slots.acquire();
 * try { useOneOfFour(); } finally { slots.release(); }
 * }</pre>
 *
 * <p>Any thread may release (no owner). Interrupts: {@link #acquire()} throws {@link InterruptedException};
 * {@link #acquireUninterruptibly()} restores the status on return.
 */
public final class Semaphore {

    /*
     * Implementation notes
     *
     * state = WAITERS_BIT | permits. acquire: if permits > 0 CAS permits-1 (linearization point). Else set the
     * waiter bit by CAS and park validating state == WAITERS_BIT (no permits and the bit still set) under the
     * bucket lock. release(n): a CAE loop adding n with an overflow check (linearization point: the successful
     * CAE); if the bit was set, wake up to n waiters one
     * at a time; the wake callback runs under the bucket lock and clears the bit when the queue of this key is
     * empty. A parker that set the bit and a releaser that clears it meet under that lock: either the parker's
     * validation runs first (it is then queued and the releaser's scan sees it, "more waiting"), or the clear
     * runs first (the parker's validation then fails and it retries). A waiter that times out may leave the bit
     * set: the next release does one useless wake, which clears it.
     * Memory orders: every state access is volatile (CAS / getAndAdd / volatile load) — the acquire/release
     * halves pair between release() and acquire(); the bit protocol additionally needs their total order.
     * Garbage: one capturing-free validation object per semaphore; one ParkingLot node per park.
     */

    /** The largest number of permits a semaphore can hold. */
    public static final int MAX_PERMITS = (1 << 30) - 1;
    private static final int WAITERS_BIT = 1 << 30;

    private volatile int state;
    private final ParkingLot.Validation noPermitsAndWaiting = () -> stateVolatile() == WAITERS_BIT;
    private final ParkingLot.UnparkCallback clearBitWhenDrained = (woke, more) -> {
        if (!more) {
            clearWaitersBit();
        }
    };

    /**
     * Creates a semaphore.
     *
     * @param permits the initial permits, {@code 0..MAX_PERMITS}
     * @throws IllegalArgumentException if out of range
     */
    public Semaphore(int permits) {
        if (permits < 0 || permits > MAX_PERMITS) {
            throw new IllegalArgumentException("permits must be in 0.." + MAX_PERMITS + ", was " + permits);
        }
        this.state = permits;
    }

    /**
     * Takes a permit if one is available now.
     *
     * @return whether a permit was taken
     */
    public boolean tryAcquire() {
        int s = stateVolatile();
        while ((s & MAX_PERMITS) > 0) {
            if (casState(s, s - 1)) {
                return true;
            }
            s = stateVolatile();
        }
        return false;
    }

    /**
     * Takes a permit, waiting as long as needed.
     *
     * @throws InterruptedException if interrupted while waiting (status cleared)
     */
    public void acquire() throws InterruptedException {
        if (acquireImpl(ParkingLot.NO_TIMEOUT, true) == ParkingLot.ParkResult.INTERRUPTED) {
            Thread.interrupted();
            throw new InterruptedException("interrupted in Semaphore.acquire()");
        }
    }

    /** Takes a permit, waiting as long as needed through interrupts (the status is restored on return). */
    public void acquireUninterruptibly() {
        acquireImpl(ParkingLot.NO_TIMEOUT, false);
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * @param timeout how long
     * @param unit    its unit
     * @return whether a permit was taken
     * @throws InterruptedException if interrupted while waiting (status cleared)
     */
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        ParkingLot.ParkResult r = acquireImpl(Math.max(0, unit.toNanos(timeout)), true);
        if (r == ParkingLot.ParkResult.INTERRUPTED) {
            Thread.interrupted();
            throw new InterruptedException("interrupted in Semaphore.tryAcquire(timeout)");
        }
        return r == ParkingLot.ParkResult.UNPARKED;
    }

    /** Returns UNPARKED on success (whether or not it parked), TIMED_OUT or INTERRUPTED otherwise. */
    private ParkingLot.ParkResult acquireImpl(long nanos, boolean interruptible) {
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        long deadline = forever ? 0 : System.nanoTime() + nanos;
        while (true) {
            int s = stateVolatile();
            if ((s & MAX_PERMITS) > 0) {
                if (casState(s, s - 1)) {
                    return ParkingLot.ParkResult.UNPARKED;
                }
                continue;
            }
            if ((s & WAITERS_BIT) == 0 && !casState(s, s | WAITERS_BIT)) {
                continue;
            }
            long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
            if (!forever && remaining <= 0) {
                return ParkingLot.ParkResult.TIMED_OUT;
            }
            ParkingLot.ParkResult r = interruptible
                    ? ParkingLot.park(this, noPermitsAndWaiting, remaining)
                    : ParkingLot.parkUninterruptibly(this, noPermitsAndWaiting, remaining);
            if (r == ParkingLot.ParkResult.INTERRUPTED) {
                return r;
            }
        }
    }

    /** Returns one permit, waking a waiter if one is parked. */
    public void release() {
        release(1);
    }

    /**
     * Returns {@code n} permits, waking up to {@code n} parked waiters.
     *
     * @param n how many, {@code >= 1}
     * @throws IllegalArgumentException if {@code n < 1}
     * @throws IllegalStateException    if the permits would exceed {@link #MAX_PERMITS} (more releases than
     *                                  acquires: release only what you acquired)
     */
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("release(n) needs n >= 1, was " + n);
        }
        int s = stateVolatile();
        while (true) {
            if ((s & MAX_PERMITS) > MAX_PERMITS - n) {
                throw new IllegalStateException("Semaphore.release(" + n + ") would exceed " + MAX_PERMITS
                        + " permits; release only permits you acquired");
            }
            int witness = caeState(s, s + n);
            if (witness == s) {
                break;
            }
            s = witness;
        }
        if ((s & WAITERS_BIT) != 0) {
            for (int i = 0; i < n; i++) {
                if (!ParkingLot.wakeOne(this, clearBitWhenDrained)
                        || (stateVolatile() & WAITERS_BIT) == 0) {
                    break;
                }
            }
        }
    }

    /**
     * The permits available now (a snapshot).
     *
     * @return the permit count
     */
    public int availablePermits() {
        return stateVolatile() & MAX_PERMITS;
    }

    private void clearWaitersBit() {
        int s = stateVolatile();
        while ((s & WAITERS_BIT) != 0) {
            int witness = caeState(s, s & ~WAITERS_BIT);
            if (witness == s) {
                return;
            }
            s = witness;
        }
    }

    private int stateVolatile() {
        return state; // volatile: pairs with the CAS/CAE writes of acquire and release
    }

    private boolean casState(int expected, int value) {
        return STATE.compareAndSet(this, expected, value); // volatile CAS: pairs with release()'s CAE
    }

    private int caeState(int expected, int value) {
        return (int) STATE.compareAndExchange(this, expected, value); // volatile CAE: pairs with acquire's CAS
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
