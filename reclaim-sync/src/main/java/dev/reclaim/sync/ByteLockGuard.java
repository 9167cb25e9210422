package dev.reclaim.sync;

/**
 * Holds a {@link ByteLock} locked and unlocks the byte on {@link #close()}: what {@link ByteLock#lock()} returns,
 * for try-with-resources.
 *
 * <pre>{@code
 * try (ByteLockGuard g = lock.lock()) {
 *     records.set(JAVA_LONG, 64 * 17 + 8, value);
 * }
 * }</pre>
 *
 * <p>Each {@link ByteLock} view has one guard object, returned by every {@code lock()}.
 */
public final class ByteLockGuard implements AutoCloseable {

    private final ByteLock lock;

    ByteLockGuard(ByteLock lock) {
        this.lock = lock;
    }

    /**
     * Unlocks the byte, waking one parked thread if any.
     *
     * @throws IllegalStateException if the byte is not locked (closed twice)
     */
    @Override
    public void close() {
        lock.unlock();
    }
}
