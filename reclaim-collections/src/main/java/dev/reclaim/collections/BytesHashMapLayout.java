package dev.reclaim.collections;

/**
 * Off-heap layout of a {@link BytesHashMap} blob: one immutable block holding every entry whose key has the same
 * 64-bit hash (nearly always one), which is itself the node of the index's split-ordered list: it starts with
 * the list-node header of {@link OrderedListLayout} and is linked into the list directly.
 *
 * <pre>
 * blob (blobSize = 32 + sum of entrySize, a slab block, 16-byte aligned)
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+---------+---------+-----+
 *   | next (8)      | okey (8)      | count (8)     | meta (8)      | entry 0 | entry 1 | ... |
 *   +---------------+---------------+---------------+---------------+---------+---------+-----+
 *   next, okey, meta: the list node's words (OrderedListLayout); meta holds the birth era of the writer that
 *          built the blob (Guard.birthEra() &lt;&lt; 1), which the list passes to Guard.retire when it unlinks it
 *   count: the number of entries (at least 1), in the node's value word
 *
 * entry (entrySize(k, v) = 8 + pad8(k) + pad8(v) bytes; entries follow each other with no gap)
 *   0          4          8                            8 + pad8(k)                  8 + pad8(k) + pad8(v)
 *   +----------+----------+----------------------------+----------------------------+
 *   | klen (4) | vlen (4) | key bytes, zero-padded to 8 | value bytes, zero-padded    |
 *   +----------+----------+----------------------------+----------------------------+
 *   klen, vlen: the byte lengths k and v, each in [0, MAX_LENGTH]
 * </pre>
 *
 * <p>Every word of a blob except {@code next} is written with plain stores before the blob is published and
 * never changes after (the map replaces a blob by a new copy); {@code next} is the list's, changed only by
 * compare-and-set. Entries start at 8-byte multiples and the padding is zeroed, so a key compares word by word,
 * the last word included. The blob needs the list nodes' 16-byte alignment ({@link #REQUIRED_ALIGNMENT}: the
 * list keeps a mark in bit 0 of next words and a protection slot in the low bits of a node address); slab
 * blocks have it. With 16-byte keys and 100-byte values a blob is 32 + 8 + 16 + 104 = 160 bytes.
 */
final class BytesHashMapLayout {

    /** Offset of the entry count in a blob: the list node's value word. */
    static final long COUNT_OFFSET = OrderedListLayout.VALUE_OFFSET;

    /** Offset of the first entry in a blob: the size of the list-node header. */
    static final long ENTRIES_OFFSET = OrderedListLayout.NODE_SIZE;

    /** Offset of the key length (an int) in an entry. */
    static final long KEY_LENGTH_OFFSET = 0;

    /** Offset of the value length (an int) in an entry. */
    static final long VALUE_LENGTH_OFFSET = 4;

    /** Offset of the key bytes in an entry; the value bytes follow at {@code + pad8(klen)}. */
    static final long KEY_BYTES_OFFSET = 8;

    /** The longest key or value, in bytes: lengths are stored as ints. */
    static final long MAX_LENGTH = Integer.MAX_VALUE;

    /** The alignment a blob needs: that of the list's nodes ({@link OrderedListLayout#REQUIRED_ALIGNMENT}). */
    static final long REQUIRED_ALIGNMENT = OrderedListLayout.REQUIRED_ALIGNMENT;

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
