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
 * caller-built node (a slab block of any size >= NODE_SIZE: a BytesHashMap blob, BytesHashMapLayout)
 *   the four words above, then the caller's payload (immutable once published, as okey, value and meta);
 *   value is then the caller's (a blob's entry count), and the node is retired and freed as a block of its
 *   own size
 *
 * list root (ROOT_SIZE = 128 bytes, a slab block, >= 16-byte aligned)
 *   0                               64              72                            128
 *   +-------------------------------+---------------+-----------------------------+
 *   | padding (64)                  | head next (8) | padding (56)                |
 *   +-------------------------------+---------------+-----------------------------+
 *   head next: the next word of the list's head sentinel (a start node: never marked, unlinked or retired);
 *              the sentinel's okey, value and meta words would be at 72..95, in the padding: never read
 * </pre>
 *
 * <p>The head word sits alone in its cache line by the argument of {@link TreiberStackLayout}: with a 16-byte
 * aligned block start {@code b}, the line holding {@code b + 64} lies within {@code [b + 16, b + 127]}. Bucket
 * nodes of a {@link LongHashMap} are not blocks of their own: they are slots of the bucket segments described
 * by {@link LongHashMapLayout}. Every word is naturally aligned (nodes are 16-byte aligned slab blocks or
 * 32-byte slots of a 64-byte aligned segment), as the atomic accessors and
 * {@link dev.reclaim.Guard#protect(int, long)} require.
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

    /** The alignment the root block must have for the head word to own its cache line (see the class comment). */
    static final long REQUIRED_ALIGNMENT = 16;

    private OrderedListLayout() {
    }

    /**
     * Checks that a block handed out by an allocator satisfies the layout's alignment assumption.
     *
     * @param address a freshly allocated block
     * @param what    what the block is for (for the message)
     * @return {@code address}
     * @throws IllegalStateException if the block is null or not {@link #REQUIRED_ALIGNMENT}-aligned
     */
    static long checkAligned(long address, String what) {
        return OffHeapLayout.checkAligned(address, REQUIRED_ALIGNMENT, what, "HarrisMichaelList");
    }
}
