package dev.reclaim.arc;

/**
 * The release action of an {@link Arc}: runs exactly once, when the last strong reference is released.
 *
 * @param <T> the value type
 */
@FunctionalInterface
public interface Releaser<T> {

    /**
     * Releases the value (closes a file, frees native memory, ...).
     *
     * @param value the value whose last strong reference was released
     * @throws Exception any failure; the value still counts as released and the action never runs again
     */
    void release(T value) throws Exception;
}
