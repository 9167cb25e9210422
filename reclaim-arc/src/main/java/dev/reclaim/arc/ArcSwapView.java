package dev.reclaim.arc;

import java.util.function.Function;

/**
 * A read-only projection of an {@link ArcSwap} ({@link ArcSwap#map}): loads return a part of the current value
 * (a field, a sub-table) while protecting the whole value, exactly like {@link ArcSwap#load()}.
 *
 * @param <U> the part's type
 */
public final class ArcSwapView<U> {

    private final ArcSwap<?> swap;
    private final Function<Object, Object> projection;

    @SuppressWarnings("unchecked")
    ArcSwapView(ArcSwap<?> swap, Function<?, ?> projection) {
        this.swap = swap;
        this.projection = (Function<Object, Object>) projection;
    }

    /**
     * Loads the projection of the current value (allocation-free apart from what the projection allocates).
     *
     * @return a guard whose {@code get()} is the projected part; close it
     * @throws IllegalStateException when the swap was closed
     */
    @SuppressWarnings("unchecked")
    public ArcGuard<U> load() {
        return (ArcGuard<U>) swap.acquire(projection);
    }

    /**
     * Loads the projection as a counted handle that keeps the whole value alive.
     *
     * @return a new handle to release; null when the swap is an empty {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed
     */
    @SuppressWarnings("unchecked")
    public Arc<U> loadFull() {
        Counted<?> c = swap.loadCounted();
        if (c == Counted.CLOSED) {
            throw new IllegalStateException("loadFull() on a closed ArcSwap; stop using the view before closing the swap");
        }
        if (c == Counted.NONE) {
            return null;
        }
        U part;
        try {
            part = (U) projection.apply(c.value);
        } catch (RuntimeException | Error e) {
            c.decrement();
            throw e;
        }
        return new Arc<>(c, part);
    }
}
