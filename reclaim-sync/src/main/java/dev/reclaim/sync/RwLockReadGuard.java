package dev.reclaim.sync;

/**
 * Holds one read lock of an {@link RwLock} and releases it on {@link #close()}: what {@link RwLock#read()},
 * {@link RwLock#readInterruptibly()} and {@link RwLock#readGuard()} return, for try-with-resources.
 *
 * <pre>{@code
 * try (RwLockReadGuard r = lock.read()) {
 *     return map.get(k);
 * }
 * }</pre>
 *
 * <p>Each lock has one read guard object, shared by all readers: close it once per acquired read lock.
 */
public final class RwLockReadGuard implements AutoCloseable {

    private final RwLock lock;

    RwLockReadGuard(RwLock lock) {
        this.lock = lock;
    }

    /**
     * Releases one read lock.
     *
     * @throws IllegalStateException if no read lock is held (closed more often than acquired)
     */
    @Override
    public void close() {
        lock.unlockRead();
    }
}
