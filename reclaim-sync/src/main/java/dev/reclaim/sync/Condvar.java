package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A condition variable for {@link Mutex}: wait for a condition with the mutex released, be woken by
 * {@link #notifyOne()} or {@link #notifyAllWaiters()}.
 *
 * <pre>{@code
 * try (MutexGuard g = mutex.lock()) {
 *     while (queue.isEmpty()) {
 *         notEmpty.await(mutex);        // releases the mutex while parked, holds it again on return
 *     }
 *     item = queue.poll();
 * }
 * }</pre>
 *
 * <p>Counter-based ("Rust Atomics and Locks", ch. 9): a waiter reads a notification counter before releasing the
 * mutex and parks only while the counter is unchanged, so a notification between the unlock and the park is never
 * lost. A waiter count lets {@code notifyOne}/{@code notifyAllWaiters} return at once (no parking-lot lock) when nobody
 * waits. {@code notifyAllWaiters} does not wake a herd that would then fight for the mutex: when the mutex is locked
 * (the usual case: the notifier holds it), it <em>requeues</em> the waiters onto the mutex, whose unlocks then
 * wake them one at a time. Only when the mutex is unlocked does it wake them all (and, where the mutex uses
 * asymmetric fences, also when another thread than the notifier holds it: call it under the mutex).
 *
 * <p>Spurious wake-ups are possible (a notification meant for an earlier waiter, or a requeued waiter woken
 * by the mutex): always wait in a loop on the condition. A condvar is bound to the first mutex it is used with;
 * awaiting with another mutex throws.
 */
public final class Condvar {

    /*
     * Implementation notes
     *
     * counter: incremented (volatile RMW) by every notify that found waiters; waiters park while it is unchanged.
     * waiters: incremented before the waiter releases the mutex, decremented after it wakes. A notify that reads
     * waiters == 0 skips: if the condition was changed under the mutex, any waiter that could miss the change
     * increments waiters (under the mutex) after the notifier's critical section, and so also re-checks the
     * condition after it; so skipping loses nothing. Both fields use volatile accesses (the Dekker pair
     * waiters-increment / counter-read in await vs counter-increment / waiters-read in notify).
     * Requeue (Mutex.requeueOntoIfHeld, under both bucket locks): with the symmetric mutex, notifyAll marks the
     * mutex contended (state 2) if it is locked, so its next unlock wakes a requeued waiter; each woken waiter
     * re-locks with swap(2) (Mutex.lockContended), keeping the state 2 while others remain queued. With the
     * asymmetric mutex (see Mutex's notes) it requeues only when the notifier holds the mutex (setting the
     * mutex's REQUEUED flag, which its own unlock then reads) and otherwise wakes all waiters.
     * Garbage: one capturing validation lambda per await (the park is the slow path anyway).
     */

    private volatile int counter;
    private volatile int waiters;
    private volatile Mutex boundMutex;

    /** Creates a condition variable not yet bound to a mutex. */
    public Condvar() {
    }

    /**
     * Releases {@code mutex}, waits for a notification, re-acquires {@code mutex}. Interruptible.
     *
     * @param mutex the mutex the current thread holds
     * @throws InterruptedException  if interrupted while waiting (the mutex is held again; status cleared)
     * @throws IllegalStateException if the current thread does not hold {@code mutex}
     */
    public void await(Mutex mutex) throws InterruptedException {
        if (awaitImpl(mutex, ParkingLot.NO_TIMEOUT, true) == ParkingLot.ParkResult.INTERRUPTED) {
            Thread.interrupted();
            throw new InterruptedException("interrupted in Condvar.await()");
        }
    }

    /**
     * Like {@link #await(Mutex)} but keeps waiting through interrupts (the status is restored on return).
     *
     * @param mutex the mutex the current thread holds
     * @throws IllegalStateException if the current thread does not hold {@code mutex}
     */
    public void awaitUninterruptibly(Mutex mutex) {
        awaitImpl(mutex, ParkingLot.NO_TIMEOUT, false);
    }

    /**
     * Like {@link #await(Mutex)}, waiting at most {@code timeout}.
     *
     * @param mutex   the mutex the current thread holds
     * @param timeout how long to wait
     * @param unit    its unit
     * @return {@code false} if the timeout expired without a wake-up, {@code true} otherwise (which may be
     *         spurious)
     * @throws InterruptedException  if interrupted while waiting (the mutex is held again; status cleared)
     * @throws IllegalStateException if the current thread does not hold {@code mutex}
     */
    public boolean await(Mutex mutex, long timeout, TimeUnit unit) throws InterruptedException {
        ParkingLot.ParkResult r = awaitImpl(mutex, Math.max(0, unit.toNanos(timeout)), true);
        if (r == ParkingLot.ParkResult.INTERRUPTED) {
            Thread.interrupted();
            throw new InterruptedException("interrupted in Condvar.await(timeout)");
        }
        return r != ParkingLot.ParkResult.TIMED_OUT;
    }

    private ParkingLot.ParkResult awaitImpl(Mutex mutex, long nanos, boolean interruptible) {
        Objects.requireNonNull(mutex, "mutex");
        if (!mutex.isHeldByCurrentThread()) {
            throw new IllegalStateException("Condvar.await() without holding the mutex; lock it first");
        }
        Mutex bound = boundMutex; // volatile: pairs with the write below by the first waiter
        if (bound == null) {
            bound = casBoundMutex(mutex) ? mutex : boundMutex;
        }
        if (bound != mutex) {
            throw new IllegalArgumentException("this Condvar is used with another Mutex; use one Condvar per Mutex");
        }
        int seen = counter; // volatile: pairs with the increment in notifyOne/notifyAll
        getAndAddWaiters(1);
        mutex.unlock();
        ParkingLot.Validation unchanged = () -> counter == seen; // volatile: pairs with the notify increments
        ParkingLot.ParkResult r = interruptible
                ? ParkingLot.park(this, unchanged, nanos)
                : ParkingLot.parkUninterruptibly(this, unchanged, nanos);
        getAndAddWaiters(-1);
        mutex.lockContended();
        mutex.setOwnerToCurrent();
        return r;
    }

    /** Wakes one waiter, if any; returns at once if none waits. */
    public void notifyOne() {
        if (waiters == 0) { // volatile: pairs with getAndAddWaiters(1) in await (Dekker, see notes)
            return;
        }
        getAndAddCounter();
        ParkingLot.wakeOne(this);
    }

    /**
     * Wakes every waiter, if any: requeued onto the mutex when it is locked (they then acquire it one by one), woken
     * at once when it is not. (Named so because {@code Object.notifyAll()} is final.)
     */
    public void notifyAllWaiters() {
        if (waiters == 0) { // volatile: pairs with getAndAddWaiters(1) in await (Dekker, see notes)
            return;
        }
        getAndAddCounter();
        Mutex mutex = boundMutex; // volatile: set before any waiter incremented waiters
        ParkingLot.requeue(this, mutex, () -> mutex.requeueOntoIfHeld()
                ? ParkingLot.RequeueOp.REQUEUE_ALL : ParkingLot.RequeueOp.WAKE_ALL);
    }

    /**
     * How many threads are waiting (a snapshot, for tests and diagnostics).
     *
     * @return the waiter count
     */
    public int waiters() {
        return waiters; // volatile: a snapshot
    }

    private void getAndAddCounter() {
        COUNTER.getAndAdd(this, 1); // volatile RMW: pairs with the counter read in the await validation
    }

    private void getAndAddWaiters(int delta) {
        WAITERS.getAndAdd(this, delta); // volatile RMW: pairs with the waiters read in notify (Dekker)
    }

    private boolean casBoundMutex(Mutex m) {
        return BOUND.compareAndSet(this, null, m); // volatile CAS: pairs with the boundMutex reads
    }

    // VarHandle mechanics
    private static final VarHandle COUNTER;
    private static final VarHandle WAITERS;
    private static final VarHandle BOUND;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            COUNTER = l.findVarHandle(Condvar.class, "counter", int.class);
            WAITERS = l.findVarHandle(Condvar.class, "waiters", int.class);
            BOUND = l.findVarHandle(Condvar.class, "boundMutex", Mutex.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
