package dev.reclaim.collections;

/**
 * An action on a {@code long} key and its {@code long} value, the allocation-free callback of
 * {@link HarrisMichaelList#forEach(LongLongConsumer)} and {@link LongHashMap#forEach(LongLongConsumer)}.
 */
@FunctionalInterface
public interface LongLongConsumer {

    /**
     * Performs the action on one entry.
     *
     * @param key   the entry's key
     * @param value the entry's value
     */
    void accept(long key, long value);
}
