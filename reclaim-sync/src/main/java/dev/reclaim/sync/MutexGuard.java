package dev.reclaim.sync;

/**
 * Holds a {@link Mutex} locked and unlocks it on {@link #close()}: what {@link Mutex#lock()},
 * {@link Mutex#lockInterruptibly()} and {@link Mutex#guard()} return, for try-with-resources.
 *
 * <pre>{@code
 * try (MutexGuard g = mutex.lock()) {
 *     counter++;
 * }
 * }</pre>
 *
 * <p>Each mutex has one guard object, returned by every lock call (locking allocates nothing). A lock guard is
 * unrelated to {@link dev.reclaim.Guard}, the read-side critical section of a {@link dev.reclaim.Reclaimer}.
 */
public final class MutexGuard implements AutoCloseable {

    private final Mutex mutex;

    MutexGuard(Mutex mutex) {
        this.mutex = mutex;
    }

    /**
     * Unlocks the mutex.
     *
     * @throws IllegalStateException if the current thread does not hold it (closed twice, or on another
     *                               thread)
     */
    @Override
    public void close() {
        mutex.unlock();
    }

    /**
     * The mutex this guard unlocks.
     *
     * @return the mutex
     */
    public Mutex mutex() {
        return mutex;
    }
}
