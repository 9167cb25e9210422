package dev.reclaim.realtime;

/**
 * A user handle to a value kept by a {@link Tracker}. {@link #close()} is one atomic decrement (wait-free,
 * allocation-free); the collector notices on a later scan that only it still holds the value and destroys it.
 * The verbs are those of {@link dev.reclaim.arc.Arc}: {@link #get()}, {@link #retain()}, {@link #close()}.
 *
 * @param <T> the value type
 */
public final class Tracked<T> implements AutoCloseable {

    private final Tracker.Entry<T> entry;
    /** Set by close(); plain: a handle is used by one thread at a time. */
    private boolean closed;

    Tracked(Tracker.Entry<T> entry) {
        this.entry = entry;
    }

    /**
     * The value, valid until this handle is closed.
     *
     * @return the value
     * @throws IllegalStateException if this handle is closed
     */
    public T get() {
        if (closed) {
            throw closedError();
        }
        return entry.value();
    }

    /**
     * Another handle to the same value (another owner, as {@link dev.reclaim.arc.Arc#retain()}); the value lives
     * until every handle is closed. Allocates the handle: retain off the realtime thread.
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is closed
     */
    public Tracked<T> retain() {
        if (closed) {
            throw closedError();
        }
        entry.retain();
        return new Tracked<>(entry);
    }

    /**
     * Same as {@link #retain()} (the name Rust uses).
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    @SuppressWarnings("MethodDoesntCallSuperMethod")
    public Tracked<T> clone() {
        return retain();
    }

    /**
     * Drops this handle: one atomic decrement. After the collector closed, the last handle destroys the value
     * on the calling thread.
     *
     * @throws IllegalStateException if already closed
     */
    @Override
    public void close() {
        if (closed) {
            throw closedError();
        }
        closed = true;
        entry.release();
    }

    /**
     * Whether this handle was closed.
     *
     * @return {@code true} after {@link #close()}
     */
    public boolean isClosed() {
        return closed;
    }

    private static IllegalStateException closedError() {
        return Messages.trackedClosed();
    }

    @Override
    public String toString() {
        return Messages.handleToString(Tracked.class.getSimpleName(), closed, entry.value());
    }
}
