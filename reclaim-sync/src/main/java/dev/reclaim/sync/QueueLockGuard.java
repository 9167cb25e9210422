package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One acquisition of a {@link QueueLock}: the waiter's queue node, returned by {@link QueueLock#lock()} and
 * {@link QueueLock#tryLock()}; {@link #close()} releases the lock, handing it to the next waiter if any.
 *
 * <pre>{@code
 * try (QueueLockGuard g = lock.lock()) {
 *     critical();
 * }
 * }</pre>
 *
 * <p>A new guard per acquisition (it is the MCS queue node); close it once, on the thread that locked.
 */
public final class QueueLockGuard implements AutoCloseable {

    /* The fields are the MCS node of QueueLock's implementation notes; the algorithm lives there. */

    private final QueueLock lock;
    /** The locking thread: the only one allowed to close, and the one the predecessor unparks. */
    final Thread owner;
    /** Set once the guard was closed (plain: read and written by the owner thread only). */
    boolean released;
    /** True while this waiter waits for its predecessor's hand-off; via waitingAcquire()/setWaiting*(). */
    private boolean waiting;
    /** The successor in the queue; via nextAcquire()/setNextRelease(). */
    private QueueLockGuard next;

    QueueLockGuard(QueueLock lock, Thread owner) {
        this.lock = lock;
        this.owner = owner;
    }

    /**
     * Releases the lock, handing it to the next waiter if any.
     *
     * @throws IllegalStateException if closed twice or by another thread than the locking one
     */
    @Override
    public void close() {
        lock.unlock(this);
    }

    // ---------------------------------------------------------------- accessors (QueueLock's algorithm)

    boolean waitingAcquire() {
        return (boolean) WAITING.getAcquire(this); // acquire: pairs with setWaitingRelease() in QueueLock.unlock()
    }

    void setWaitingPlain(boolean v) {
        WAITING.set(this, v); // plain: before the release store that links this node (setNextRelease in lock())
    }

    void setWaitingRelease(boolean v) {
        WAITING.setRelease(this, v); // release: pairs with waitingAcquire() in QueueLock.lock()
    }

    QueueLockGuard nextAcquire() {
        return (QueueLockGuard) NEXT.getAcquire(this); // acquire: pairs with setNextRelease() in QueueLock.lock()
    }

    void setNextRelease(QueueLockGuard n) {
        NEXT.setRelease(this, n); // release: pairs with nextAcquire() in QueueLock.unlock()
    }

    // VarHandle mechanics
    private static final VarHandle WAITING;
    private static final VarHandle NEXT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAITING = l.findVarHandle(QueueLockGuard.class, "waiting", boolean.class);
            NEXT = l.findVarHandle(QueueLockGuard.class, "next", QueueLockGuard.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
