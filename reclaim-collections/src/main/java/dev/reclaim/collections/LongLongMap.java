package dev.reclaim.collections;

/**
 * An off-heap concurrent map from {@code long} keys to {@code long} values whose nodes are reclaimed through a
 * {@link dev.reclaim.Reclaimer}: the operations {@link HarrisMichaelList} (sorted) and {@link LongHashMap}
 * (hashed) share, so code and benchmarks can take either.
 *
 * <p>No operation allocates on the Java heap in steady state. There is no reserved "missing" value: every
 * lookup takes the value to return when the key is absent. All operations throw
 * {@link IllegalStateException} after {@link #close()} and
 * {@link dev.reclaim.memory.OffHeapExhaustedException} when the allocator cannot supply a node (the map is
 * then unchanged).
 */
public interface LongLongMap extends AutoCloseable {

    /**
     * The value mapped to {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     */
    long get(long key, long absent);

    /**
     * Whether {@code key} is present.
     *
     * @param key the key
     * @return {@code true} if it is mapped
     */
    boolean containsKey(long key);

    /**
     * Maps {@code key} to {@code value}.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     */
    long put(long key, long value, long absent);

    /**
     * Maps {@code key} to {@code value} unless it is already mapped.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present (the value was inserted)
     * @return the existing value, or {@code absent} if this call inserted
     */
    long putIfAbsent(long key, long value, long absent);

    /**
     * Replaces the value of {@code key} only if it is present.
     *
     * @param key    the key
     * @param value  the new value
     * @param absent returned when the key is not present (nothing changed)
     * @return the previous value, or {@code absent}
     */
    long replaceIfPresent(long key, long value, long absent);

    /**
     * Replaces the value of {@code key} only if it is currently {@code expected} (the compare-and-set step of
     * a compute-style retry loop).
     *
     * @param key      the key
     * @param expected the value it must have
     * @param value    the new value
     * @return {@code true} if replaced
     */
    boolean replace(long key, long expected, long value);

    /**
     * Removes {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     */
    long remove(long key, long absent);

    /**
     * Removes {@code key} only if it is mapped to {@code expected}.
     *
     * @param key      the key
     * @param expected the value it must have
     * @return {@code true} if removed
     */
    boolean removeIfEquals(long key, long expected);

    /**
     * Calls {@code action} for each entry, weakly consistently (like {@code ConcurrentHashMap}'s iterators:
     * each entry present for the whole call is seen once; concurrent changes may or may not be).
     *
     * @param action called with each key and value
     */
    void forEach(LongLongConsumer action);

    /**
     * The number of entries: exact while no operation runs, an estimate otherwise.
     *
     * @return the size
     */
    long size();

    /**
     * Whether the map has no entries (same consistency as {@link #size()}).
     *
     * @return {@code true} if empty
     */
    boolean isEmpty();

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /** Frees every node; the map must be quiescent. Later use throws {@link IllegalStateException}. */
    @Override
    void close();
}
