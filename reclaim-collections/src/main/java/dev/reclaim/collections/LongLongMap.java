package dev.reclaim.collections;

/**
 * An off-heap concurrent map from {@code long} keys to {@code long} values whose memory is reclaimed through a
 * {@link dev.reclaim.Reclaimer}: the operations {@link HarrisMichaelList} (sorted), {@link LongHashMap}
 * (hashed, split-ordered) and {@link LongOpenHashMap} (hashed, open addressing) share, so code and benchmarks
 * can take any of them. The implementations document only what they add; the contract is here.
 *
 * <p>Every operation is lock-free, linearizable (except the estimates {@link #size()} and, where noted,
 * {@link #isEmpty()}, and the weakly consistent {@link #forEach(LongLongConsumer)}) and allocates nothing on
 * the Java heap in steady state. Any thread, platform or virtual, may call any method concurrently, except
 * {@link #close()}.
 *
 * <p>There is no "missing" value: every lookup takes the value to return when the key is absent (pick one your
 * values never take, or ask {@link #containsKey(long)}). {@link LongOpenHashMap} alone reserves two values,
 * which it cannot store: {@link LongOpenHashMap#RESERVED_EMPTY} and {@link LongOpenHashMap#RESERVED_MOVED}.
 *
 * <p>Errors, for every operation: {@link IllegalStateException} once the map or its reclaimer is closed;
 * {@link dev.reclaim.memory.OffHeapExhaustedException} when an update needs memory (a node, or a larger table)
 * and the allocator cannot supply it, in which case the map is unchanged; {@link IllegalArgumentException}
 * when a value to store is reserved by the implementation.
 */
public interface LongLongMap extends AutoCloseable {

    /**
     * The value mapped to {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    long get(long key, long absent);

    /**
     * Whether {@code key} is present.
     *
     * @param key the key
     * @return {@code true} if it is mapped at the linearization point
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    boolean containsKey(long key);

    /**
     * Maps {@code key} to {@code value}, inserting or replacing.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     * @throws IllegalArgumentException if {@code value} is reserved by the implementation
     * @throws IllegalStateException    if the map or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if memory is needed and the allocator is full (the
     *                                                      map is unchanged)
     */
    long put(long key, long value, long absent);

    /**
     * Maps {@code key} to {@code value} unless it is already mapped.
     *
     * @param key    the key
     * @param value  the value
     * @param absent returned when the key was not present (the value was inserted)
     * @return the existing value (nothing changed), or {@code absent} if this call inserted
     * @throws IllegalArgumentException if {@code value} is reserved by the implementation
     * @throws IllegalStateException    if the map or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if memory is needed and the allocator is full (the
     *                                                      map is unchanged)
     */
    long putIfAbsent(long key, long value, long absent);

    /**
     * Replaces the value of {@code key} only if it is present.
     *
     * @param key    the key
     * @param value  the new value
     * @param absent returned when the key is not present (nothing changed)
     * @return the previous value, or {@code absent}
     * @throws IllegalArgumentException if {@code value} is reserved by the implementation
     * @throws IllegalStateException    if the map or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if memory is needed and the allocator is full (the
     *                                                      map is unchanged)
     */
    long replaceIfPresent(long key, long value, long absent);

    /**
     * Replaces the value of {@code key} only if it is present and equal to {@code expected}: a compare-and-set
     * on the entry, the step of a compute-style retry loop
     * ({@code do { v = get(k, A); } while (!replace(k, v, f(v)));}).
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @param value    the new value
     * @return {@code true} if replaced
     * @throws IllegalArgumentException if {@code value} is reserved by the implementation
     * @throws IllegalStateException    if the map or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if memory is needed and the allocator is full (the
     *                                                      map is unchanged)
     */
    boolean replace(long key, long expected, long value);

    /**
     * Removes {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    long remove(long key, long absent);

    /**
     * Removes {@code key} only if it is mapped to {@code expected}.
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @return {@code true} if removed
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    boolean removeIfEquals(long key, long expected);

    /**
     * Calls {@code action} for every entry, weakly consistently like {@code ConcurrentHashMap}'s iteration:
     * each key at most once, every entry present for the whole call is seen, concurrent insertions and
     * removals may or may not be. Allocates nothing per entry. The order is the implementation's (ascending
     * keys for {@link HarrisMichaelList}).
     *
     * @param action called with each key and value
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    void forEach(LongLongConsumer action);

    /**
     * An estimate of the number of entries: exact when no operation is in progress. Never negative.
     *
     * @return the estimated size
     * @throws IllegalStateException if the map is closed
     */
    long size();

    /**
     * Whether the map has no entries (with the consistency of {@link #size()} unless the implementation says
     * otherwise).
     *
     * @return {@code true} if empty
     * @throws IllegalStateException if the map is closed
     */
    boolean isEmpty();

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Frees every block the map still holds; what it removed earlier is freed by the reclaimer (close that
     * after the map). The map must be quiescent; later use throws {@link IllegalStateException}.
     *
     * @throws IllegalStateException if the map is already closed
     */
    @Override
    void close();
}
