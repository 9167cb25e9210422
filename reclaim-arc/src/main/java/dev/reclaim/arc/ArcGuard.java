package dev.reclaim.arc;

/**
 * A short-lived read of an {@link ArcSwap}: {@link #get()} is valid until {@link #close()}, which must be called
 * exactly once (use try-with-resources). Holding a guard keeps the loaded value from being released even if
 * writers replace it; writers never wait for guards. Guards are pooled: after {@code close()} this object is
 * reused by other loads, so do not keep a reference to it. A guard may be closed on another thread than the
 * one that loaded it.
 *
 * <p>Keep guards short (no blocking I/O inside): each open guard occupies a debt slot that every writer scans.
 * Use {@link ArcSwap#loadFull()} for a long-lived reference.
 *
 * <p>Only this library makes guards (the constructor is package-private).
 *
 * @param <T> the value type
 */
public abstract class ArcGuard<T> implements AutoCloseable {

    /** For the library's own implementation only. */
    ArcGuard() {
    }

    /**
     * The loaded value (or its projection).
     *
     * @return the value; null only from an {@link ArcSwapOption} that was empty
     * @throws IllegalStateException when this guard was closed
     */
    public abstract T get();

    /**
     * Ends the read: clears the debt (or drops the handed-over count) and frees the slot.
     *
     * @throws IllegalStateException when this guard was already closed
     * @throws ArcReleaseException   when this was the value's last reference and its releaser threw
     */
    @Override
    public abstract void close();
}
