package dev.reclaim.collections;

/**
 * Off-heap layout of the nodes of the Harris-Michael ordered list that {@link HarrisMichaelList} and
 * {@link LongHashMap} share (through {@link OrderedListCore}).
 *
 * <pre>
 * node (NODE_SIZE = 32 bytes: a slab block, or a slot of a LongHashMap bucket segment)
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+
 *   | next (8)      | okey (8)      | value (8)     | meta (8)      |
 *   +---------------+---------------+---------------+---------------+
 *   next : address of the successor (0 at the end) | MARK in bit 0 once the node is logically deleted
 *          (a marked word is never changed again); only changed by compare-and-set
 *   okey : the ordering key, compared unsigned: key ^ Long.MIN_VALUE in the list, the bit-reversed hash in
 *          the map (split order); written once, before the node is published
 *   value: the mapped value, immutable once published (an update publishes a replacement node); in a
 *          LongHashMap bucket (dummy) node it is the bucket's state word instead (UNINITIALISED, CLAIMED, READY)
 *   meta : birthEra &lt;&lt; 1 | DUMMY; written once, before the node is published
 *
 * list root (ROOT_SIZE = 128 bytes, a slab block): the head sentinel's next word at HEAD_OFFSET = 64, alone in
 *   its cache line (same argument as TreiberStackLayout)
 * </pre>
 */
final class OrderedListLayout {

    /** Offset of the {@code next} word (successor address | mark). */
    static final long NEXT_OFFSET = 0;

    /** Offset of the ordering key. */
    static final long OKEY_OFFSET = 8;

    /** Offset of the value (or of a bucket node's state). */
    static final long VALUE_OFFSET = 16;

    /** Offset of the meta word: {@code birthEra << 1 | DUMMY}. */
    static final long META_OFFSET = 24;

    /** Size in bytes of a node. */
    static final long NODE_SIZE = 32;

    /** Bit 0 of {@code next}: the node holding the word is logically deleted. */
    static final long MARK = 1L;

    /** Bit 0 of {@code meta}: the node is a bucket (dummy) node of a {@link LongHashMap}. */
    static final long DUMMY = 1L;

    /** Offset in the list's root block of the head sentinel (whose {@code next} word is the list's head). */
    static final long HEAD_OFFSET = 64;

    /** Size of the list's root block. */
    static final long ROOT_SIZE = 128;

    private OrderedListLayout() {
    }
}
