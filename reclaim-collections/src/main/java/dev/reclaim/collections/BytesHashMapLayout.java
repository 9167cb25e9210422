package dev.reclaim.collections;

/**
 * Off-heap layout of a {@link BytesHashMap} blob: one immutable block holding every entry whose key has the same
 * 64-bit hash (nearly always one), published as the value of one {@link LongHashMap} node.
 *
 * <pre>
 * blob (blobSize = 16 + sum of entrySize, a slab block, >= 8-byte aligned)
 *   0               8               16
 *   +---------------+---------------+---------+---------+-----+
 *   | birth (8)     | count (8)     | entry 0 | entry 1 | ... |
 *   +---------------+---------------+---------+---------+-----+
 *   birth: Guard.birthEra() of the writer that built the blob, passed back to Guard.retire(blob, birth, ...)
 *   count: the number of entries (at least 1)
 *
 * entry (entrySize(k, v) = 8 + pad8(k) + pad8(v) bytes; entries follow each other with no gap)
 *   0          4          8                            8 + pad8(k)                  8 + pad8(k) + pad8(v)
 *   +----------+----------+----------------------------+----------------------------+
 *   | klen (4) | vlen (4) | key bytes, zero-padded to 8 | value bytes, zero-padded    |
 *   +----------+----------+----------------------------+----------------------------+
 *   klen, vlen: the byte lengths k and v, each in [0, MAX_LENGTH]
 * </pre>
 *
 * <p>Every word of a blob is written with plain stores before the blob is published and never changes after
 * (the map replaces a blob by a new copy). Entries start at 8-byte multiples and the padding is zeroed, so a key
 * compares word by word, the last word included. The blob needs 8-byte alignment ({@link #REQUIRED_ALIGNMENT});
 * slab blocks have more.
 */
final class BytesHashMapLayout {

    /** Offset of the birth era in a blob. */
    static final long BIRTH_OFFSET = 0;

    /** Offset of the entry count in a blob. */
    static final long COUNT_OFFSET = 8;

    /** Offset of the first entry in a blob: the size of the blob header. */
    static final long ENTRIES_OFFSET = 16;

    /** Offset of the key length (an int) in an entry. */
    static final long KEY_LENGTH_OFFSET = 0;

    /** Offset of the value length (an int) in an entry. */
    static final long VALUE_LENGTH_OFFSET = 4;

    /** Offset of the key bytes in an entry; the value bytes follow at {@code + pad8(klen)}. */
    static final long KEY_BYTES_OFFSET = 8;

    /** The longest key or value, in bytes: lengths are stored as ints. */
    static final long MAX_LENGTH = Integer.MAX_VALUE;

    /** The alignment a blob needs: its words are read and written as aligned longs. */
    static final long REQUIRED_ALIGNMENT = 8;

    private BytesHashMapLayout() {
    }

    /**
     * The size of an entry with a key of {@code klen} and a value of {@code vlen} bytes.
     *
     * @param klen the key length
     * @param vlen the value length
     * @return its size in bytes, a multiple of 8
     */
    static long entrySize(long klen, long vlen) {
        return KEY_BYTES_OFFSET + OffHeapLayout.pad8(klen) + OffHeapLayout.pad8(vlen);
    }

    /**
     * The first entry of a blob.
     *
     * @param blob a blob
     * @return the address of entry 0
     */
    static long firstEntry(long blob) {
        return blob + ENTRIES_OFFSET;
    }

    /**
     * The key bytes of an entry.
     *
     * @param entry an entry
     * @return the address of its first key byte
     */
    static long keyBytes(long entry) {
        return entry + KEY_BYTES_OFFSET;
    }

    /**
     * The value bytes of an entry.
     *
     * @param entry an entry
     * @param klen  its key length
     * @return the address of its first value byte
     */
    static long valueBytes(long entry, long klen) {
        return entry + KEY_BYTES_OFFSET + OffHeapLayout.pad8(klen);
    }

    /**
     * Checks the length of a key or value to store.
     *
     * @param length the segment's byte size
     * @param what   "key" or "value", for the message
     * @return {@code length}
     * @throws IllegalArgumentException if it exceeds {@link #MAX_LENGTH}
     */
    static long checkLength(long length, String what) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is " + length + " bytes; at most " + MAX_LENGTH
                    + " bytes per " + what);
        }
        return length;
    }
}
