package dev.reclaim.sync;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A bounded, blocking, multi-producer multi-consumer channel: a ring buffer guarded by a {@link Mutex}, with
 * two {@link Condvar}s ("not empty", "not full"). The book's first channel, made bounded: simple, obviously
 * correct, and a test bed for the mutex and condvar rather than a fast queue.
 *
 * <pre>{@code
 * Channel<String> ch = new Channel<>(16);
 * producer: ch.send("job");          // blocks while full
 * consumer: String job = ch.receive(); // blocks while empty; null once closed and drained
 * ch.close();
 * }</pre>
 *
 * <p>{@link #close()} lets receivers drain what was sent, after which {@link #receive()} returns {@code null};
 * {@link #send} on a closed channel throws. Blocking calls are interruptible.
 *
 * @param <T> the element type (non-null)
 */
public final class Channel<T> {

    private final Mutex mutex = new Mutex();
    private final Condvar notEmpty = new Condvar();
    private final Condvar notFull = new Condvar();
    private final Object[] ring;
    private int head;
    private int count;
    private boolean closed;

    /**
     * Creates a channel.
     *
     * @param capacity the most elements it holds, {@code >= 1}
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public Channel(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Channel capacity must be >= 1, was " + capacity);
        }
        this.ring = new Object[capacity];
    }

    /**
     * Sends, waiting while the channel is full.
     *
     * @param value the element, non-null
     * @throws InterruptedException  if interrupted while waiting (status cleared)
     * @throws IllegalStateException if the channel is closed
     */
    public void send(T value) throws InterruptedException {
        Objects.requireNonNull(value, "Channel.send(null): send non-null elements");
        try (MutexGuard g = mutex.lock()) {
            while (count == ring.length && !closed) {
                notFull.await(mutex);
            }
            enqueue(value);
        }
    }

    /**
     * Sends if there is room now.
     *
     * @param value the element, non-null
     * @return whether it was sent
     * @throws IllegalStateException if the channel is closed
     */
    public boolean trySend(T value) {
        Objects.requireNonNull(value, "Channel.trySend(null): send non-null elements");
        try (MutexGuard g = mutex.lock()) {
            if (count == ring.length && !closed) {
                return false;
            }
            enqueue(value);
            return true;
        }
    }

    private void enqueue(T value) {
        if (closed) {
            throw new IllegalStateException("Channel.send() after close(); stop producers before closing");
        }
        ring[(head + count) % ring.length] = value;
        count++;
        notEmpty.notifyOne();
    }

    /**
     * Receives, waiting while the channel is empty and open.
     *
     * @return the oldest element, or {@code null} if the channel is closed and drained
     * @throws InterruptedException if interrupted while waiting (status cleared)
     */
    public T receive() throws InterruptedException {
        try (MutexGuard g = mutex.lock()) {
            while (count == 0 && !closed) {
                notEmpty.await(mutex);
            }
            return dequeue();
        }
    }

    /**
     * Receives, waiting at most {@code timeout}.
     *
     * @param timeout how long
     * @param unit    its unit
     * @return the oldest element, or {@code null} if none arrived in time or the channel is closed and drained
     * @throws InterruptedException if interrupted while waiting (status cleared)
     */
    public T receive(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        if (nanos >= ParkingLot.FOREVER_THRESHOLD) {
            return receive();
        }
        long deadline = System.nanoTime() + nanos;
        try (MutexGuard g = mutex.lock()) {
            while (count == 0 && !closed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                notEmpty.await(mutex, remaining, TimeUnit.NANOSECONDS);
            }
            return dequeue();
        }
    }

    /**
     * Receives if an element is there now.
     *
     * @return the oldest element, or {@code null} if empty
     */
    public T tryReceive() {
        try (MutexGuard g = mutex.lock()) {
            return dequeue();
        }
    }

    @SuppressWarnings("unchecked")
    private T dequeue() {
        if (count == 0) {
            return null;
        }
        T v = (T) ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        count--;
        notFull.notifyOne();
        return v;
    }

    /** Closes the channel: senders fail from now on; receivers drain, then get {@code null}. Idempotent. */
    public void close() {
        try (MutexGuard g = mutex.lock()) {
            closed = true;
            notEmpty.notifyAllWaiters();
            notFull.notifyAllWaiters();
        }
    }

    /**
     * The number of buffered elements (a snapshot).
     *
     * @return the count
     */
    public int size() {
        try (MutexGuard g = mutex.lock()) {
            return count;
        }
    }

    /**
     * The capacity.
     *
     * @return the most elements the channel holds
     */
    public int capacity() {
        return ring.length;
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return whether closed
     */
    public boolean isClosed() {
        try (MutexGuard g = mutex.lock()) {
            return closed;
        }
    }
}
