package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A test-and-test-and-set spin lock: for critical sections of a few instructions where parking would cost more
 * than waiting. Waiters never sleep; they spin with {@link Thread#onSpinWait()}. Not reentrant, no owner
 * tracking (unlocking an unlocked lock throws, unlocking a lock another thread holds is not detected).
 *
 * <pre>{@code
 * try (SpinLockGuard g = spin.lock()) {
 *     x++;
 * }
 * }</pre>
 *
 * <p>Do not use it where the holder can be descheduled for long (more threads than cores, or virtual threads
 * that block inside the section): use {@link Mutex}.
 */
public final class SpinLock {

    /*
     * Implementation notes
     *
     * State: locked 0/1. lock: CAS 0 -> 1 (acquire); on failure spin on an opaque load until it reads 0 (no
     * cache-line ping-pong while the holder works), then retry the CAS. unlock: release store of 0.
     * Linearization: the successful CAS; unlock at the release store.
     * Memory orders: CAS acquire pairs with the release store in unlock(). Garbage: none.
     */

    private int locked;
    private final SpinLockGuard guard = new SpinLockGuard(this);

    /** Creates an unlocked spin lock. */
    public SpinLock() {
    }

    /**
     * Acquires the lock, spinning as long as needed.
     *
     * @return the guard whose {@code close()} unlocks; the same object every time
     */
    public SpinLockGuard lock() {
        while (!casLockedAcquire()) {
            while (lockedOpaque()) {
                Thread.onSpinWait();
            }
        }
        return guard;
    }

    /**
     * Acquires the lock if it is free.
     *
     * @return whether it was acquired
     */
    public boolean tryLock() {
        return casLockedAcquire();
    }

    /**
     * Releases the lock.
     *
     * @throws IllegalStateException if it is not locked
     */
    public void unlock() {
        if (!lockedOpaque()) {
            throw new IllegalStateException("SpinLock.unlock() of an unlocked lock; unlock once per lock()");
        }
        setUnlockedRelease();
    }

    /**
     * Whether the lock is held (a snapshot).
     *
     * @return whether locked
     */
    public boolean isLocked() {
        return lockedOpaque();
    }

    private boolean casLockedAcquire() {
        return LOCKED.compareAndSet(this, 0, 1); // CAS (acquire): pairs with setUnlockedRelease()
    }

    private boolean lockedOpaque() {
        return (int) LOCKED.getOpaque(this) != 0; // opaque: a hint only; the CAS re-checks with acquire
    }

    private void setUnlockedRelease() {
        LOCKED.setRelease(this, 0); // release: pairs with the acquire CAS in lock()
    }

    // VarHandle mechanics
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
