package dev.reclaim.sync;

/**
 * Holds the write lock of an {@link RwLock} and releases it on {@link #close()}: what {@link RwLock#write()},
 * {@link RwLock#writeInterruptibly()} and {@link RwLock#writeGuard()} return, for try-with-resources.
 *
 * <pre>{@code
 * try (RwLockWriteGuard w = lock.write()) {
 *     map.put(k, v);
 * }
 * }</pre>
 *
 * <p>Each lock has one write guard object, returned by every write lock call.
 */
public final class RwLockWriteGuard implements AutoCloseable {

    private final RwLock lock;

    RwLockWriteGuard(RwLock lock) {
        this.lock = lock;
    }

    /**
     * Releases the write lock.
     *
     * @throws IllegalStateException if the current thread does not hold the write lock
     */
    @Override
    public void close() {
        lock.unlockWrite();
    }
}
