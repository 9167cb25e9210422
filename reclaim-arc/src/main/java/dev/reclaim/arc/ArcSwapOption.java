package dev.reclaim.arc;

/**
 * The {@link ArcSwap} that may hold no value (arc-swap's {@code ArcSwapOption}): {@code null} is accepted
 * wherever an {@code Arc} is, and a load of the empty swap returns a guard whose {@code get()} is null.
 *
 * @param <T> the value type
 */
public final class ArcSwapOption<T> extends ArcSwap<T> {

    private ArcSwapOption(Counted<?> initial) {
        super(initial, true);
    }

    /**
     * An empty swap.
     *
     * @param <T> the value type
     * @return the swap
     */
    public static <T> ArcSwapOption<T> empty() {
        return new ArcSwapOption<>(null);
    }

    /**
     * A swap holding {@code initial} (or empty when null); ownership of the handle moves into the swap.
     *
     * @param initial the first value, or null
     * @param <T>     the value type
     * @return the swap
     * @throws IllegalStateException when the handle was already released
     */
    public static <T> ArcSwapOption<T> of(Arc<T> initial) {
        if (initial == null) {
            return empty();
        }
        if (initial.isProjection()) {
            throw new IllegalArgumentException("ArcSwapOption.of() with a map() projection; store a handle on the whole value");
        }
        return new ArcSwapOption<>(initial.transfer("ArcSwapOption.of()"));
    }
}
