package dev.reclaim.realtime;

/**
 * A reference-counted handle to a value whose destructor runs on a {@link RealtimeCollector}, never on the
 * thread that drops the last handle. Create it off the realtime thread with
 * {@link RealtimeCollector#share(Object, java.util.function.Consumer)}; hand it to the realtime thread (through
 * any lock-free queue or a {@link SharedCell}); the realtime thread reads it with {@link #get()} and lets go
 * with {@link #close()}.
 *
 * <p>Each handle is closed once; {@link #clone()} makes another handle to the same value (it allocates the new
 * handle object: clone off the realtime thread, or before the realtime loop starts). The value is destroyed
 * after the last handle closed.
 *
 * <p>Progress: {@link #get()} is a field read plus a misuse check; {@link #close()} is wait-free: one atomic
 * decrement of the reference count, and for the last handle the collector's enqueue (one atomic exchange and
 * one store). No allocation, no lock, no destructor runs on the calling thread (unless the
 * collector is already closed: see {@link RealtimeCollector#close(java.time.Duration)}).
 *
 * <p>A handle may be passed between threads with a happens-before edge; it must not be closed by two threads
 * at once (closing a handle twice throws when the two closes are ordered; racing closes of one handle are
 * undefined).
 *
 * @param <T> the value type
 */
public final class Shared<T> implements AutoCloseable {

    private final Payload<T> payload;
    /** Set by close(); plain: the handle is used by one thread at a time (handed over with happens-before). */
    private boolean closed;

    Shared(Payload<T> payload) {
        this.payload = payload;
    }

    /**
     * The value. Valid until this handle is closed (the value lives as long as any handle is open).
     *
     * @return the value
     * @throws IllegalStateException if this handle is closed
     */
    public T get() {
        if (closed) {
            throw closedError();
        }
        return payload.value();
    }

    /**
     * Another handle to the same value; the value lives until both are closed. Allocates the handle object.
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    public Shared<T> clone() {
        if (closed) {
            throw closedError();
        }
        payload.retain();
        return new Shared<>(payload);
    }

    /**
     * Drops this handle. The last handle to close hands the value to the collector. Wait-free; allocates
     * nothing; never runs the destructor here while the collector is open.
     *
     * @throws IllegalStateException if this handle was already closed
     */
    @Override
    public void close() {
        if (closed) {
            throw closedError();
        }
        closed = true;
        payload.release();
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
        return Messages.sharedClosed();
    }

    @Override
    public String toString() {
        return Messages.handleToString(Shared.class.getSimpleName(), closed, payload.value());
    }

}
