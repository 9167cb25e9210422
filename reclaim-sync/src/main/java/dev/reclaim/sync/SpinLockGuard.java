package dev.reclaim.sync;

/**
 * Holds a {@link SpinLock} locked and unlocks it on {@link #close()}: what {@link SpinLock#lock()} returns, for
 * try-with-resources.
 *
 * <pre>{@code
 * try (SpinLockGuard g = spin.lock()) {
 *     x++;
 * }
 * }</pre>
 *
 * <p>Each spin lock has one guard object, returned by every {@code lock()} (locking allocates nothing).
 */
public final class SpinLockGuard implements AutoCloseable {

    private final SpinLock lock;

    SpinLockGuard(SpinLock lock) {
        this.lock = lock;
    }

    /**
     * Unlocks.
     *
     * @throws IllegalStateException if the lock is not locked (closed twice)
     */
    @Override
    public void close() {
        lock.unlock();
    }
}
