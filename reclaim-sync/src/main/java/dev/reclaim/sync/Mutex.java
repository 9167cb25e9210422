package dev.reclaim.sync;

import dev.reclaim.internal.AsymmetricFence;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;

/**
 * A futex-style mutual-exclusion lock: one {@code int} of state, a compare-and-set when uncontended, a brief
 * spin, then parking on the {@link ParkingLot}. Not reentrant.
 *
 * <pre>{@code
 * Mutex mutex = new Mutex();
 * try (MutexGuard g = mutex.lock()) {
 *     counter++;                        // the critical section
 * }
 * }</pre>
 *
 * <p><b>Uncontended cost</b>: where asymmetric fences are available (Linux on x86-64/AArch64 with native access
 * enabled; see the README, "Asymmetric fences"), lock is one CAS and unlock is a plain release store plus a load of
 * a waiter count: one atomic instruction per lock/unlock pair. A thread that has to park first pays one
 * {@code membarrier} system call (microseconds, on a path that is about to sleep anyway). Elsewhere, or with
 * {@code -Dreclaim.asymmetricFence=off}, it is Drepper's 3-state futex mutex ("Futexes are tricky", mutex 2):
 * {@code 0} unlocked, {@code 1} locked with no waiter, {@code 2} locked and some thread may be parked; unlock
 * swaps the state to {@code 0} and touches the parking lot only when it swapped a {@code 2} out (one CAS plus one
 * atomic swap per pair).
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
     * Two protocols, chosen once per JVM (ASYMMETRIC = AsymmetricFence.isAsymmetric(), a static final constant,
     * so C2 compiles only one of them into each caller).
     *
     * Symmetric (3-state futex). State machine: 0 -(lock fast CAS)-> 1 -(contender swap)-> 2; unlock swaps to 0
     * and wakes one parked thread iff it swapped out a 2. A woken thread re-acquires with swap(2), never
     * CAS(0, 1), because others may still be parked (it cannot know): state stays 2 until the queue has drained,
     * at the cost of one extra wake. Parkers validate "state == 2" under the bucket lock, so an unlock that
     * swapped 2 -> 0 before a parker validated makes it retry instead of sleeping with nobody to wake it.
     *
     * Asymmetric (2-state word + waiter word). state is only 0 or 1; `waiters` = (number of threads in the
     * counted slow path) + REQUEUED + WAKING (flag bits). Lock: CAS(0, 1). Unlock: release store of 0, light()
     * (a compiler barrier), volatile load of waiters; if non-zero and WAKING is clear, wakeOne. A contender that
     * failed its CAS and spin increments waiters (RMW), tries the CAS once more, calls heavy() (membarrier) and
     * loops { CAS(0, 1); park while "state != 0" (validated under the bucket lock) }; it stays counted until it
     * holds the lock or gives up (timeout, interrupt), then decrements.
     * No lost wake-up: suppose contender C parks after validating state == 1, a value written by the CAS of some
     * holder H, and C made its last RMW on waiters (the +1, or clearing WAKING, below) before a heavy() that
     * precedes the validation. heavy() gives every other thread T a point P_T (the IPI's full barrier, or a
     * context switch) such that T's accesses before P_T are visible to C's accesses after heavy(), and C's RMW
     * is visible to T's accesses after P_T. If H's unlock store of 0 were before P_H, C's validation (after
     * heavy()) would read that 0 or a later value, never H's earlier 1. So H's store of 0 is after P_H, and so is
     * H's load of waiters (program order; light() stops the JIT from hoisting the load above the store, and the
     * CPU's store-to-load reordering cannot cross P_H): it sees C's count and C's WAKING clear, so it wakes
     * unless a newer WAKING is set (below). H's wakeOne takes the bucket lock after C's validate-and-enqueue
     * (had it come first, C would have validated after H's store and read 0), so it dequeues C or another
     * waiter. A holder whose CAS is after P_T sees C's RMW anyway, so one heavy() per RMW suffices.
     * WAKING (wake throttling): the wakeOne callback sets it, under the bucket lock, when it dequeued a thread;
     * unlocks skip their wake while it is set (without it, a thread that re-locks in a loop while a woken
     * waiter is being scheduled would call wakeOne on every unlock). The woken thread clears it first thing
     * (RMW), then spins and CASes; if it must park again it calls heavy() first (the argument above, for the
     * unlocks that skipped), and if it gives up (timeout) right after clearing it, it calls wakeOne itself. So
     * whoever clears WAKING either holds the lock next (its own unlock then wakes), or fenced before parking,
     * or passed the wake on. A cleared WAKING that was another in-flight thread's only costs an extra wake.
     * Condvar waiters need no heavy() to be found: Condvar.await releases the mutex (unlock, a release store)
     * after it enqueued itself on the condvar; a requeue onto the mutex key happens only when the notifier
     * holds the mutex (requeueOntoIfHeld()), which sets REQUEUED with an RMW before its own unlock reads
     * waiters, so that unlock wakes a requeued waiter. The woken waiter clears WAKING in lockContended() before
     * its CAS (so its own unlock wakes the next requeued waiter), and contends as above if the CAS fails.
     * REQUEUED is cleared in the wakeOne callback, under the mutex key's bucket lock, once no thread is parked
     * on the key (requeue sets it under the same lock). A notifier that does not hold the mutex wakes all the
     * condvar's waiters instead (they then contend as above).
     *
     * Linearization: lock at the successful CAS/swap that read 0; unlock at the store/swap of 0.
     * Memory orders: the acquiring CAS/swap is volatile (acquire half pairs with the release half of the swap or
     * the release store in unlock()); the owner id field is plain: only the owner writes itself into it and only
     * the owner reads it meaningfully (any other thread reads a value that is not itself, whatever it sees).
     * Garbage: none on the uncontended path; one ParkingLot node per park.
     * References: Drepper, "Futexes Are Tricky" (2011); folly's asymmetric barriers; Linux membarrier(2).
     */

    static final int UNLOCKED = 0;
    static final int LOCKED = 1;
    static final int CONTENDED = 2;
    /** How many times a contender re-reads the state before it parks, by default. */
    public static final int DEFAULT_SPINS = 100;
    /** The REQUEUED flag in {@link #waiters}: Condvar waiters were requeued onto this mutex's key. */
    private static final int REQUEUED = 1 << 30;
    /** The WAKING flag in {@link #waiters}: a thread was dequeued by an unlock and has not run yet. */
    private static final int WAKING = 1 << 29;
    /** Which protocol (see the implementation notes); fixed at class initialisation. */
    static final boolean ASYMMETRIC = AsymmetricFence.isAsymmetric();

    private volatile int state;
    /** Asymmetric protocol only: counted contenders + {@link #REQUEUED} + {@link #WAKING}; 0 when symmetric. */
    private volatile int waiters;
    /** The owner's thread id, 0 when unlocked: a long, so that locking stores no reference (no GC write barrier). */
    private long ownerId;
    /** How many times a contender re-reads the state (with {@code Thread.onSpinWait()}) before it parks. */
    private final int spins;
    private final MutexGuard guard = new MutexGuard(this);
    /** Park while the state still says a wake will come: 2 (symmetric) or locked (asymmetric). */
    private final ParkingLot.Validation stillContended =
            () -> stateVolatile() >= (ASYMMETRIC ? LOCKED : CONTENDED);
    /**
     * Asymmetric, under the bucket lock of a wake: sets {@link #WAKING} if a thread was dequeued (unlocks skip
     * their wake until it runs), clears {@link #REQUEUED} once nobody is parked on this key.
     */
    private final ParkingLot.UnparkCallback afterWake = (woke, moreWaiting) -> {
        int w = waiters; // volatile: REQUEUED changes only under this bucket lock, WAKING is set only here
        int delta = (woke && (w & WAKING) == 0 ? WAKING : 0) - (!moreWaiting && (w & REQUEUED) != 0 ? REQUEUED : 0);
        if (delta != 0) {
            getAndAddWaiters(delta);
        }
    };

    /** Creates an unlocked mutex whose contenders spin {@link #DEFAULT_SPINS} times before parking. */
    public Mutex() {
        this(DEFAULT_SPINS);
    }

    /**
     * Creates an unlocked mutex whose contenders re-read the state {@code spins} times (with
     * {@link Thread#onSpinWait()}) before parking: {@code 0} parks at once, which suits oversubscribed machines
     * and critical sections longer than a park/unpark round trip.
     *
     * @param spins how many times to spin before parking, {@code >= 0}
     * @throws IllegalArgumentException if {@code spins < 0}
     */
    public Mutex(int spins) {
        if (spins < 0) {
            throw new IllegalArgumentException("Mutex spins must be >= 0, was " + spins + "; use 0 to park at once");
        }
        this.spins = spins;
    }

    /**
     * Acquires the mutex, waiting as long as needed, ignoring interrupts.
     *
     * @return the guard whose {@code close()} unlocks (use try-with-resources); the same object every time
     */
    public MutexGuard lock() {
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
    public MutexGuard lockInterruptibly() throws InterruptedException {
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
            throw notOwner();
        }
        ownerId = 0; // plain: ordered before the release store / release half of the swap below
        if (ASYMMETRIC) {
            setStateRelease(UNLOCKED);
            AsymmetricFence.light(); // compiler barrier: the waiters load stays after the store; pairs with heavy()
            int w = waitersVolatile();
            if (w != 0 && (w & WAKING) == 0) { // someone waits and no woken thread is on its way
                ParkingLot.wakeOne(this, afterWake);
            }
        } else if (getAndSetState(UNLOCKED) == CONTENDED) {
            ParkingLot.wakeOne(this);
        }
    }

    /** The misuse of an unlock by a thread that is not the owner: not locked at all, or locked by another. */
    private IllegalStateException notOwner() {
        if (stateVolatile() == UNLOCKED) { // volatile: a diagnostic read on the error path only
            return new IllegalStateException("Mutex.unlock() by " + Thread.currentThread() + ", but the mutex is not"
                    + " locked: its guard was closed twice, or unlock() was called without a lock; unlock exactly once"
                    + " per lock (try (MutexGuard g = mutex.lock()) { ... } does it)");
        }
        return new IllegalStateException("Mutex.unlock() by " + Thread.currentThread()
                + ", which does not hold the mutex; unlock it from the thread that locked it");
    }

    /**
     * The guard of this mutex, for code that locked it with {@link #tryLock()}.
     *
     * @return the guard whose {@code close()} unlocks
     */
    public MutexGuard guard() {
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
        for (int i = 0; i < spins && stateVolatile() == LOCKED; i++) {
            Thread.onSpinWait();
        }
        if (casState(UNLOCKED, LOCKED)) {
            return;
        }
        if (ASYMMETRIC) {
            acquireCounted(ParkingLot.NO_TIMEOUT, false);
        } else {
            lockContended();
        }
    }

    /**
     * Acquires after a condvar wait (package-private for {@link Condvar}): symmetric, with swap(2), because
     * requeued waiters may be queued here; asymmetric, like a contender (requeued waiters are covered by
     * {@link #REQUEUED}).
     */
    void lockContended() {
        if (ASYMMETRIC) {
            // a requeued waiter may have been woken by an unlock (which then set WAKING): give the token back
            // before anything else, or our own unlock would skip the wake that the other requeued waiters need
            clearWaking();
            if (!casState(UNLOCKED, LOCKED)) {
                for (int i = 0; i < spins && stateVolatile() == LOCKED; i++) {
                    Thread.onSpinWait();
                }
                if (!casState(UNLOCKED, LOCKED)) {
                    acquireCounted(ParkingLot.NO_TIMEOUT, false);
                }
            }
            return;
        }
        while (getAndSetState(CONTENDED) != UNLOCKED) {
            ParkingLot.parkUninterruptibly(this, stillContended, ParkingLot.NO_TIMEOUT);
        }
    }

    /**
     * The asymmetric slow path: count this thread in {@link #waiters}, {@code heavy()}, then CAS or park until
     * acquired, timed out or interrupted (see the implementation notes for why no wake-up is lost).
     *
     * @return ACQUIRED, TIMED_OUT or INTERRUPTED (interrupt status cleared; only when {@code interruptible})
     */
    private int acquireCounted(long nanos, boolean interruptible) {
        boolean forever = nanos >= ParkingLot.FOREVER_THRESHOLD;
        long deadline = forever ? 0L : System.nanoTime() + nanos;
        getAndAddWaiters(1);
        boolean announced = true; // an RMW on waiters since the last heavy(): fence before validating
        boolean woken = false;
        try {
            while (true) {
                boolean tokenReturned = false;
                if (woken) { // dequeued by an unlock, which set WAKING: clear it, then spin like a newcomer
                    woken = false;
                    tokenReturned = clearWaking();
                    announced |= tokenReturned;
                    for (int i = 0; i < spins && stateVolatile() == LOCKED; i++) {
                        Thread.onSpinWait();
                    }
                }
                if (casState(UNLOCKED, LOCKED)) {
                    return ACQUIRED;
                }
                long remaining = forever ? ParkingLot.NO_TIMEOUT : deadline - System.nanoTime();
                if (!forever && remaining <= 0) {
                    if (tokenReturned) {
                        // an unlock may have skipped its wake because of the WAKING we just cleared: pass it on
                        ParkingLot.wakeOne(this, afterWake);
                    }
                    return TIMED_OUT;
                }
                if (announced) {
                    announced = false;
                    AsymmetricFence.heavy(); // membarrier: pairs with light() in unlock(); our RMW vs its store of 0
                    if (casState(UNLOCKED, LOCKED)) {
                        return ACQUIRED;
                    }
                }
                ParkingLot.ParkResult r = interruptible
                        ? ParkingLot.park(this, stillContended, remaining)
                        : ParkingLot.parkUninterruptibly(this, stillContended, remaining);
                if (r == ParkingLot.ParkResult.INTERRUPTED) { // not dequeued by a waker: holds no WAKING token
                    Thread.interrupted();
                    return INTERRUPTED;
                }
                woken = r == ParkingLot.ParkResult.UNPARKED;
            }
        } finally {
            getAndAddWaiters(-1);
        }
    }

    /** Clears {@link #WAKING} if set; returns whether this call cleared it. */
    private boolean clearWaking() {
        int w = waitersVolatile();
        while ((w & WAKING) != 0) {
            int witness = caeWaiters(w, w - WAKING);
            if (witness == w) {
                return true;
            }
            w = witness;
        }
        return false;
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
        for (int i = 0; i < spins && stateVolatile() == LOCKED; i++) {
            Thread.onSpinWait();
        }
        if (ASYMMETRIC) {
            if (casState(UNLOCKED, LOCKED)) {
                return ACQUIRED;
            }
            return acquireCounted(forever ? ParkingLot.NO_TIMEOUT : Math.max(0, deadline - System.nanoTime()), true);
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
     * Under both bucket locks of a {@link Condvar} requeue: whether the condvar's waiters may be moved onto this
     * mutex's key, and if so make sure an unlock will wake them. Symmetric: if locked, mark it contended (its
     * unlock then swaps out a 2). Asymmetric: only if the current thread holds it (then set {@link #REQUEUED}
     * before our own unlock reads {@link #waiters}); otherwise the caller wakes them all, because an unlock
     * racing on another thread would need a heavy fence under the bucket lock to be sure to see the flag.
     *
     * @return whether to requeue (false: wake them all)
     */
    boolean requeueOntoIfHeld() {
        if (ASYMMETRIC) {
            if (!isHeldByCurrentThread()) {
                return false;
            }
            if ((waitersVolatile() & REQUEUED) == 0) {
                getAndAddWaiters(REQUEUED); // volatile RMW, under this key's bucket lock: read by our own unlock()
            }
            return true;
        }
        int s = stateVolatile();
        while (s != UNLOCKED) {
            if (s == CONTENDED || casState(LOCKED, CONTENDED)) {
                return true;
            }
            s = stateVolatile();
        }
        return false;
    }

    private int stateVolatile() {
        return state; // volatile: pairs with the swap / release store in unlock()
    }

    private void setStateRelease(int value) {
        STATE.setRelease(this, value); // release: pairs with the acquire half of the CAS in lock()
    }

    private int waitersVolatile() {
        return waiters; // volatile: pairs with the getAndAddWaiters(1) in acquireCounted() (via light()/heavy())
    }

    private void getAndAddWaiters(int delta) {
        WAITERS.getAndAdd(this, delta); // volatile RMW: pairs with waitersVolatile() in unlock()
    }

    private int caeWaiters(int expected, int value) {
        return (int) WAITERS.compareAndExchange(this, expected, value); // volatile CAS: pairs with unlock()'s load
    }

    /** Test seam: the raw waiter word (count + REQUEUED and WAKING flags). */
    int waitersForTest() {
        return waiters; // volatile: a snapshot
    }

    private boolean casState(int expected, int value) {
        return STATE.compareAndSet(this, expected, value); // volatile CAS: acquire pairs with unlock()'s swap
    }

    private int getAndSetState(int value) {
        return (int) STATE.getAndSet(this, value); // volatile swap: release (unlock) pairs with lock's acquire
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle WAITERS;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
            WAITERS = MethodHandles.lookup().findVarHandle(Mutex.class, "waiters", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
