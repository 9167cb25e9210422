package dev.reclaim.realtime;

/**
 * A single-owner handle to a value whose destructor runs on a {@link RealtimeCollector}: {@link #close()} hands
 * the value (with its preallocated queue node) to the collector. Create it off the realtime thread with
 * {@link RealtimeCollector#own(Object, java.util.function.Consumer)}.
 *
 * <p>Progress: {@link #close()} is wait-free: exactly the collector's enqueue, one atomic exchange and one
 * store (plus plain misuse checks); it allocates nothing and never runs the destructor on the calling thread
 * while the collector is open.
 *
 * @param <T> the value type
 */
public final class Owned<T> implements AutoCloseable {

    private final Payload<T> payload;
    /** Set by close(); plain: the handle is used by one thread at a time (handed over with happens-before). */
    private boolean closed;

    Owned(Payload<T> payload) {
        this.payload = payload;
    }

    /**
     * The value, valid until {@link #close()}.
     *
     * @return the value
     * @throws IllegalStateException if closed
     */
    public T get() {
        if (closed) {
            throw closedError();
        }
        return payload.value();
    }

    /**
     * Hands the value to the collector. Wait-free; allocates nothing.
     *
     * @throws IllegalStateException if already closed
     */
    @Override
    public void close() {
        if (closed) {
            throw closedError();
        }
        closed = true;
        payload.collector.enqueue(payload);
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
        return Messages.ownedClosed();
    }

    @Override
    public String toString() {
        return Messages.handleToString(Owned.class.getSimpleName(), closed, payload.value());
    }

}
