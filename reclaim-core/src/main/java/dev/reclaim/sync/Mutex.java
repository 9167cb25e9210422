package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A futex-style mutual-exclusion lock: one {@code int} of state, a compare-and-set when uncontended, a brief
 * spin, then parking on the {@link ParkingLot}. Not reentrant.
 *
 * <pre>{@code
 * Mutex mutex = new Mutex();
 * try (Mutex.Guard g = mutex.lock()) {
 *     counter++;                        // the critical section
 * }
 * }</pre>
 *
 * <p><b>States</b> (Drepper's "Futexes are tricky", mutex 2): {@code 0} unlocked, {@code 1} locked with no
 * waiter, {@code 2} locked and some thread may be parked. Unlock only touches the parking lot when it swaps a
 * {@code 2} out, so the uncontended lock/unlock pair is one CAS plus one atomic swap.
 *
 * <p><b>Owner tracking</b>: the mutex records its owning thread, so that {@link #unlock()} by a thread that does
 * not hold it throws {@link IllegalStateException} instead of silently breaking mutual exclusion (the choice of
 * {@code ReentrantLock}, not of a raw futex). The cost is a plain store on lock and a load and store on unlock.
 * Consequently a lock cannot be handed to another thread to release; use a {@link Semaphore} with one permit for
 * that.
 *
 * <p><b>Interrupts</b>: {@link #lock()} ignores interrupts (like {@code synchronized}) and restores the interrupt
 * status before returning; {@link #lockInterruptibly()} and {@link #tryLock(long, TimeUnit)} throw
 * {@link InterruptedException}. Works with virtual threads (they unmount while parked).
 */
public final class Mutex {

    /*
     * Implementation notes
     *
     * State machine: 0 -(lock fast CAS)-> 1 -(contender swap)-> 2; unlock swaps to 0 and wakes one parked thread
     * iff it swapped out a 2. A woken thread re-acquires with swap(2), never CAS(0, 1), because others may still
     * be parked (it cannot know): state stays 2 until the queue has drained, at the cost of one extra wake.
     * Parkers validate "state == 2" under the bucket lock, so an unlock that swapped 2 -> 0 before a parker
     * validated makes it retry instead of sleeping with nobody to wake it.
     *
     * Linearization: lock at the successful CAS/swap that read 0; unlock at the swap to 0.
     * Memory orders: the acquiring CAS/swap is volatile (acquire half pairs with the release half of the swap in
     * unlock()); the owner id field is plain: only the owner writes itself into it and only the owner reads it
     * meaningfully (any other thread reads a value that is not itself, whatever it sees).
     * Garbage: none on the uncontended path; one ParkingLot node per park.
     */

    static final int UNLOCKED = 0;
    static final int LOCKED = 1;
    static final int CONTENDED = 2;
    private static final int SPINS = 100;

    private volatile int state;
    /** The owner's thread id, 0 when unlocked: a long, so that locking stores no reference (no GC write barrier). */
    private long ownerId;
    private final Guard guard = new Guard();
    private final ParkingLot.Validation stillContended = () -> stateVolatile() == CONTENDED;

    /** Creates an unlocked mutex. */
    public Mutex() {
    }

    /**
     * Acquires the mutex, waiting as long as needed, ignoring interrupts.
     *
     * @return the guard whose {@code close()} unlocks (use try-with-resources); the same object every time
     */
    public Guard lock() {
        if (!casState(UNLOCKED, LOCKED)) {
            lockSlow();
        }
        ownerId = Thread.currentThread().threadId(); // plain: read only by the owner in unlock()
        return guard;
    }

    /**
     * Acquires the mutex unless the current thread is interrupted.
     *
     * @return the guard
     * @throws InterruptedException if interrupted while waiting (the interrupt status is cleared)
     */
    public Guard lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before Mutex.lockInterruptibly()");
        }
        if (!casState(UNLOCKED, LOCKED) && acquireTimed(ParkingLot.NO_TIMEOUT) == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in Mutex.lockInterruptibly()");
        }
        ownerId = Thread.currentThread().threadId(); // plain: read only by the owner in unlock()
        return guard;
    }

    /**
     * Acquires the mutex if it is free right now.
     *
     * @return whether the mutex was acquired (then unlock it with {@link #unlock()} or {@link #guard()})
     */
    public boolean tryLock() {
        if (casState(UNLOCKED, LOCKED)) {
            ownerId = Thread.currentThread().threadId(); // plain: read only by the owner in unlock()
            return true;
        }
        return false;
    }

    /**
     * Acquires the mutex, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @param unit    the unit of {@code timeout}
     * @return whether the mutex was acquired
     * @throws InterruptedException if interrupted while waiting (the interrupt status is cleared)
     */
    public boolean tryLock(long timeout, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before Mutex.tryLock(timeout)");
        }
        int r = casState(UNLOCKED, LOCKED) ? ACQUIRED : acquireTimed(unit.toNanos(timeout));
        if (r == INTERRUPTED) {
            throw new InterruptedException("interrupted while waiting in Mutex.tryLock(timeout)");
        }
        if (r == ACQUIRED) {
            ownerId = Thread.currentThread().threadId(); // plain: read only by the owner in unlock()
            return true;
        }
        return false;
    }

    /**
     * Releases the mutex.
     *
     * @throws IllegalStateException if the current thread does not hold it (unlock from the locking thread, or
     *                               use a {@link Semaphore} if another thread must release)
     */
    public void unlock() {
        if (ownerId != Thread.currentThread().threadId()) { // plain: only the owner can read itself here (ids are never reused)
            throw new IllegalStateException("Mutex.unlock() by " + Thread.currentThread()
                    + ", which does not hold the mutex; unlock it from the thread that locked it");
        }
        ownerId = 0; // plain: ordered before the release half of the swap below
        if (getAndSetState(UNLOCKED) == CONTENDED) {
            ParkingLot.wakeOne(this);
        }
    }

    /**
     * The guard of this mutex, for code that locked it with {@link #tryLock()}.
     *
     * @return the guard whose {@code close()} unlocks
     */
    public Guard guard() {
        return guard;
    }

    /**
     * Whether some thread holds the mutex (a snapshot).
     *
     * @return whether locked
     */
    public boolean isLocked() {
        return stateVolatile() != UNLOCKED;
    }

    /**
     * Whether the current thread holds the mutex.
     *
     * @return whether the current thread is the owner
     */
    public boolean isHeldByCurrentThread() {
        return ownerId == Thread.currentThread().threadId(); // plain: only the owner can read itself here
    }

    private void lockSlow() {
        for (int i = 0; i < SPINS && stateVolatile() == LOCKED; i++) {
            Thread.onSpinWait();
        }
        if (casState(UNLOCKED, LOCKED)) {
            return;
        }
        lockContended();
    }

    /** Acquires with swap(2): after a wake, or from a condition variable whose waiters may be queued here. */
    void lockContended() {
        while (getAndSetState(CONTENDED) != UNLOCKED) {
            ParkingLot.parkUninterruptibly(this, stillContended, ParkingLot.NO_TIMEOUT);
        }
    }

    /** Sets the owner after {@link #lockContended()} (package-private for {@link Condvar}). */
    void setOwnerToCurrent() {
        ownerId = Thread.currentThread().threadId(); // plain: read only by the owner in unlock()
    }

    private static final int ACQUIRED = 0;
    private static final int TIMED_OUT = 1;
    private static final int INTERRUPTED = 2;

    /** The slow path of the timed/interruptible locks: ACQUIRED, TIMED_OUT or INTERRUPTED (status cleared). */
    private int acquireTimed(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        for (int i = 0; i < SPINS && stateVolatile() == LOCKED; i++) {
            Thread.onSpinWait();
        }
        while (getAndSetState(CONTENDED) != UNLOCKED) {
            long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
            if (!forever && remaining <= 0) {
                return TIMED_OUT;
            }
            ParkingLot.ParkResult r = ParkingLot.park(this, stillContended, remaining);
            if (r == ParkingLot.ParkResult.INTERRUPTED) {
                Thread.interrupted();
                return INTERRUPTED;
            }
        }
        return ACQUIRED;
    }

    /**
     * Under a bucket lock of a {@link Condvar} requeue: if locked, mark it contended so its unlock wakes a
     * requeued waiter.
     *
     * @return whether the mutex is locked (and now marked contended)
     */
    boolean markContendedIfLocked() {
        int s = stateVolatile();
        while (s != UNLOCKED) {
            if (s == CONTENDED || casState(LOCKED, CONTENDED)) {
                return true;
            }
            s = stateVolatile();
        }
        return false;
    }

    /** Releases the mutex on {@link #close()}: the try-with-resources form of {@link #unlock()}. */
    public final class Guard implements AutoCloseable {
        private Guard() {
        }

        /**
         * Unlocks the mutex.
         *
         * @throws IllegalStateException if the current thread does not hold it (closed twice, or on another
         *                               thread)
         */
        @Override
        public void close() {
            unlock();
        }

        /**
         * The mutex this guard unlocks.
         *
         * @return the mutex
         */
        public Mutex mutex() {
            return Mutex.this;
        }
    }

    private int stateVolatile() {
        return state; // volatile: pairs with the swap in unlock()
    }

    private boolean casState(int expected, int value) {
        return STATE.compareAndSet(this, expected, value); // volatile CAS: acquire pairs with unlock()'s swap
    }

    private int getAndSetState(int value) {
        return (int) STATE.getAndSet(this, value); // volatile swap: release (unlock) pairs with lock's acquire
    }

    // VarHandle mechanics
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
