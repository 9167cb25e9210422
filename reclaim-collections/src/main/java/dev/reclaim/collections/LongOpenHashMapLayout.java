package dev.reclaim.collections;

/**
 * Off-heap layout of a {@link LongOpenHashMap} table: one zeroed block of {@code capacity + 1} entries of two
 * words each, the entries starting on a cache line.
 *
 * <pre>
 * table (tableBytes(capacity) = (capacity + 1) * 16 + 64, allocated zeroed; entry 0 at the first 64-byte boundary)
 *   raw     base = alignUp(raw, 64)
 *   +-------+-----------+-----------+-----+--------------------+----------------------------+
 *   | slack | entry 0   | entry 1   | ... | entry capacity - 1 | entry capacity (key 0)     |
 *   +-------+-----------+-----------+-----+--------------------+----------------------------+
 *   capacity is in [2, MAX_CAPACITY]: a power of two up to CAPACITY_STEP, a multiple of CAPACITY_STEP above;
 *   key k != 0 probes linearly (wrapping around) from its home entry, the high bits of mix(k) scaled to
 *   [0, capacity); key 0 has its own entry at index capacity (0 is the empty-key mark of every other entry)
 *
 * entry (ENTRY_SIZE = 16 bytes: four per cache line, never straddling one)
 *   0               8               16
 *   +---------------+---------------+
 *   | key (8)       | value (8)     |
 *   +---------------+---------------+
 *   key  : 0 (empty) until claimed; 0 -> k once, by CAS, then never changed in this table (always 0 in the
 *          key-0 entry)
 *   value: the stored value s = v ^ Long.MIN_VALUE, so that zeroed memory reads ABSENT:
 *            ABSENT (0): never set, or removed (a tombstone); user value Long.MIN_VALUE, reserved
 *            MOVED  (1): frozen by a resize, the key's value lives in the next table; user value
 *                        Long.MIN_VALUE + 1, reserved
 *            any other : a present value; changed only by CAS
 * </pre>
 *
 * <p>Both words are naturally aligned 8-byte words (the base is 64-byte aligned and entries are 16 bytes), as
 * the atomic accessors require.
 */
final class LongOpenHashMapLayout {

    /** Offset of the key word in an entry. */
    static final long KEY_OFFSET = 0;

    /** Offset of the stored-value word in an entry. */
    static final long VALUE_OFFSET = 8;

    /** Size in bytes of an entry. */
    static final long ENTRY_SIZE = 16;

    /** Stored value of an empty or removed entry: zeroed memory. */
    static final long ABSENT = 0;

    /** Stored value of an entry frozen by a resize: the key's value lives in the next table. */
    static final long MOVED = 1;

    /** Smallest table the public constructors make. */
    static final long MIN_CAPACITY = 16;

    /** Largest table: 2^30 entries (16 GiB). */
    static final long MAX_CAPACITY = 1L << 30;

    /** Tables above this many entries have a multiple of it (a power of two at or below it). */
    static final long CAPACITY_STEP = 1024;

    /** Bytes of slack in front of the entries, so that entry 0 can start on a cache line. */
    static final long TABLE_SLACK = OffHeapLayout.CACHE_LINE;

    private LongOpenHashMapLayout() {
    }

    /**
     * The size of a table's block.
     *
     * @param capacity in {@code [2, MAX_CAPACITY]}: a power of two up to {@link #CAPACITY_STEP}, a multiple of
     *                 it above
     * @return bytes to allocate (zeroed)
     * @throws IllegalArgumentException if {@code capacity} is not such a number
     */
    static long tableBytes(long capacity) {
        boolean shaped = capacity <= CAPACITY_STEP ? Long.bitCount(capacity) == 1 : capacity % CAPACITY_STEP == 0;
        if (capacity < 2 || capacity > MAX_CAPACITY || !shaped) {
            throw new IllegalArgumentException("a LongOpenHashMap table capacity must be in [2, " + MAX_CAPACITY
                    + "], a power of two up to " + CAPACITY_STEP + " and a multiple of it above, got " + capacity);
        }
        return (capacity + 1) * ENTRY_SIZE + TABLE_SLACK;
    }

    /**
     * The smallest capacity {@code >= slots}, clamped to {@code [smallest, MAX_CAPACITY]}: a power of two up to
     * {@link #CAPACITY_STEP}, a multiple of it above.
     *
     * @param slots    the wanted number of entries
     * @param smallest the least capacity, a power of two {@code >= 2}
     * @return the capacity
     */
    static long capacityFor(long slots, long smallest) {
        long c = Math.max(smallest, Math.min(slots, MAX_CAPACITY));
        if (c > CAPACITY_STEP) {
            return (c + CAPACITY_STEP - 1) / CAPACITY_STEP * CAPACITY_STEP; // MAX_CAPACITY is a multiple
        }
        return Long.highestOneBit(c - 1) << 1;
    }

    /**
     * The address of entry 0 of a table: its raw block rounded up to a cache line.
     *
     * @param raw the table's raw block address
     * @return the first entry
     */
    static long entriesBase(long raw) {
        return OffHeapLayout.alignUp(raw, OffHeapLayout.CACHE_LINE);
    }

    /**
     * The address of entry {@code i}.
     *
     * @param base the table's {@link #entriesBase}
     * @param i    an index in {@code [0, capacity]}
     * @return the entry
     */
    static long entry(long base, long i) {
        return base + i * ENTRY_SIZE;
    }

    /**
     * The index of the entry at {@code entry}: the inverse of {@link #entry(long, long)}.
     *
     * @param base  the table's {@link #entriesBase}
     * @param entry an entry's address
     * @return its index
     */
    static long index(long base, long entry) {
        return (entry - base) / ENTRY_SIZE;
    }
}
