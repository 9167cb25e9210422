package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A fair FIFO queue lock (MCS): each waiter enqueues its own node and waits on a flag in that node, so waiters
 * never hammer a shared cache line, and the lock passes to waiters strictly in arrival order. Waiters spin
 * briefly and then park (they never spin forever); the releasing thread unparks its successor directly.
 *
 * <pre>{@code
 * try (QueueLockGuard g = lock.lock()) {
 *     critical();
 * }
 * }</pre>
 *
 * <p>Each {@link #lock()} allocates one node (the guard); the guard must be closed by the thread that locked.
 * Not reentrant; interrupts are ignored while waiting (and the status restored).
 */
public final class QueueLock {

    /*
     * Implementation notes (Mellor-Crummey and Scott, "Algorithms for scalable synchronization on shared-memory
     * multiprocessors", TOCS 1991)
     *
     * tail points to the last node in the queue, null when the lock is free. lock: swap tail to my node (the
     * linearization point of entering the queue); if there was a predecessor, link pred.next = me (release) and
     * wait until my `waiting` flag is cleared (acquire). unlock: if my next is null, try CAS tail me -> null
     * (lock free again; linearization point); if that fails a successor is between its swap and its link:
     * wait for next (brief). Then clear next.waiting (release; pairs with the successor's acquire load) and
     * unpark its thread.
     * The hand-off wakes exactly one thread per unlock, in FIFO order. Garbage: one node per lock().
     * The node is the QueueLockGuard the caller closes; its fields and mode-named accessors live there.
     */

    private static final int SPINS = 64;

    private volatile QueueLockGuard tail;

    /** Creates an unlocked queue lock. */
    public QueueLock() {
    }

    /**
     * Acquires the lock in FIFO order.
     *
     * @return the guard (this acquisition's queue node); close it to unlock
     */
    public QueueLockGuard lock() {
        QueueLockGuard me = new QueueLockGuard(this, Thread.currentThread());
        QueueLockGuard pred = getAndSetTail(me);
        if (pred != null) {
            me.setWaitingPlain(true); // plain: published by the release store of pred.next below
            pred.setNextRelease(me);
            boolean interrupted = false;
            for (int i = 0; me.waitingAcquire(); i++) {
                if (i < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return me;
    }

    /**
     * Acquires the lock if it is free.
     *
     * @return the guard, or {@code null} if the lock is held
     */
    public QueueLockGuard tryLock() {
        QueueLockGuard me = new QueueLockGuard(this, Thread.currentThread());
        return casTail(null, me) ? me : null;
    }

    /**
     * Whether the lock is held or has waiters (a snapshot).
     *
     * @return whether the queue is non-empty
     */
    public boolean isLocked() {
        return tail != null; // volatile: a snapshot
    }

    /** Releases the lock held through {@code me}; called by {@link QueueLockGuard#close()}. */
    void unlock(QueueLockGuard me) {
        if (me.owner != Thread.currentThread() || me.released) {
            throw new IllegalStateException("QueueLock guard closed " + (me.released ? "twice" : "by "
                    + Thread.currentThread() + ", not the locking thread") + "; close it once, on the thread that locked");
        }
        me.released = true;
        QueueLockGuard next = me.nextAcquire();
        if (next == null) {
            if (casTail(me, null)) {
                return;
            }
            for (int i = 0; (next = me.nextAcquire()) == null; i++) {
                if (i < SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the successor is between its tail swap and its link store
                }
            }
        }
        Thread t = next.owner;
        next.setWaitingRelease(false);
        LockSupport.unpark(t);
    }

    private QueueLockGuard getAndSetTail(QueueLockGuard g) {
        return (QueueLockGuard) TAIL.getAndSet(this, g); // volatile swap: pairs with casTail() in unlock()
    }

    private boolean casTail(QueueLockGuard expected, QueueLockGuard value) {
        return TAIL.compareAndSet(this, expected, value); // volatile CAS: pairs with getAndSetTail() in lock()
    }

    // VarHandle mechanics
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(QueueLock.class, "tail", QueueLockGuard.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
