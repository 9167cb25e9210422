package dev.reclaim.arc;

/**
 * One reader's cached view of an {@link ArcSwap} (arc-swap's {@code Cache}): it holds a counted reference to the
 * value it last saw, and {@link #get()} revalidates it with a single volatile read of the swap, taking a new
 * reference only when the value changed. Much cheaper than {@link ArcSwap#load()} when the value rarely changes.
 *
 * <p>Not thread-safe: one cache per reader thread (or task). The value returned by {@code get()} stays valid
 * until the next {@code get()} or {@link #close()}; note that a cache keeps an old value alive until its reader
 * calls {@code get()} again, so a reader that goes idle should close its cache.
 *
 * @param <T> the value type
 */
public final class ArcCache<T> implements AutoCloseable {

    /** What the cache holds before its first get(): never equal to a swap's current block. */
    private static final Counted<Object> UNSET = new Counted<>(null, null, null);

    private final ArcSwap<T> swap;
    /** The block we hold a count on (null: the swap was empty); owner-thread plain field. */
    private Counted<?> cached = UNSET;
    private T value;
    private boolean closed;

    ArcCache(ArcSwap<T> swap, Object unused) {
        this.swap = swap;
    }

    /**
     * The swap's current value: one volatile read when it did not change since the last call.
     *
     * @return the value; null only for an empty {@link ArcSwapOption}
     * @throws IllegalStateException when the cache or the swap was closed
     */
    public T get() {
        Counted<?> c = swap.currentVolatile(); // volatile: the one read; pairs with the writers' CAS on current
        if (c == cached && !closed) {
            return value;
        }
        return revalidate();
    }

    @SuppressWarnings("unchecked")
    private T revalidate() {
        if (closed) {
            throw new IllegalStateException("get() on a closed ArcCache; create a new one with ArcSwap.cache()");
        }
        Counted<?> n = swap.loadCounted();
        if (n == Counted.CLOSED) {
            throw new IllegalStateException("get() on an ArcCache of a closed ArcSwap; stop reading before closing the swap");
        }
        Counted<?> old = cached;
        if (n == Counted.NONE) {
            cached = null;
            value = null;
        } else {
            cached = n;
            value = (T) n.value;
        }
        if (old != null && old != UNSET) {
            old.decrement();
        }
        return value;
    }

    /**
     * Releases the cached reference. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Counted<?> old = cached;
        cached = UNSET;
        value = null;
        if (old != null && old != UNSET) {
            old.decrement();
        }
    }
}
