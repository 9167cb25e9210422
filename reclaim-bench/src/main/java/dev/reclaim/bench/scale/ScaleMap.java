package dev.reclaim.bench.scale;

/**
 * One peer of the scale workload: a long-to-long map behind the three operations the mix uses, plus what it
 * can say about its own memory. Implementations may box (that is part of what is measured).
 */
interface ScaleMap extends AutoCloseable {

    /** The value of {@code key}, or {@code absent}. */
    long get(long key, long absent);

    /** Stores {@code value} under {@code key}. */
    void put(long key, long value);

    /** Removes {@code key}. */
    void remove(long key);

    /** Present entries. */
    long size();

    /** The allocator's own figure for the bytes it holds (off-heap peers), or -1 when it has none. */
    long allocatorBytes();

    /** Blocks the allocator still holds after {@link #close()} (leak check), or -1 when it cannot tell. */
    long liveBlocksAfterClose();

    /** Frees the map. */
    @Override
    void close();
}
