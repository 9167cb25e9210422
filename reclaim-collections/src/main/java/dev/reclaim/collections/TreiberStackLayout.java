package dev.reclaim.collections;

/**
 * Off-heap layout of a {@link TreiberStack}: one root block holding the head pointer, and one block per node.
 *
 * <pre>
 * node (NODE_SIZE = 24 bytes, a slab block of the 32-byte class, >= 16-byte aligned)
 *   0               8              16              24
 *   +---------------+---------------+---------------+
 *   | next (8)      | value (8)     | birth (8)     |
 *   +---------------+---------------+---------------+
 *   next : address of the node below, 0 at the bottom; written once, before the node is published
 *   value: the pushed long; written once, before the node is published
 *   birth: Guard.birthEra() when the node was pushed (0 for schemes without eras); written once, before the
 *          node is published, and passed back to Guard.retire(pointer, birthEra, deleter) by pop
 *
 * root (ROOT_SIZE = 128 bytes, a slab block, >= 16-byte aligned)
 *   0               8              64              72                            128
 *   +---------------+--------------+---------------+-----------------------------+
 *   | era hint (8)  | padding (56) | head (8)      | padding (56)                |
 *   +---------------+--------------+---------------+-----------------------------+
 *   era hint: the latest birth era a pop saw (0 for schemes without eras); push stamps it into new nodes
 *   head    : address of the top node, 0 when empty; only changed by compare-and-set
 * </pre>
 *
 * <p>The head sits at offset 64 of a 128-byte block: with a block start {@code b} that is 16-byte aligned, the
 * 64-byte cache line holding {@code b + 64} starts at {@code b + 16} or later and ends at {@code b + 127} or
 * earlier, so no other block shares the head's (heavily contended) cache line. The head is a naturally aligned
 * 8-byte word, as {@link dev.reclaim.Guard#protect(int, long)} requires.
 */
final class TreiberStackLayout {

    /** Offset of the {@code next} pointer in a node. */
    static final long NEXT_OFFSET = 0;

    /** Offset of the {@code value} in a node. */
    static final long VALUE_OFFSET = 8;

    /** Offset of the {@code birth} era in a node (see {@link dev.reclaim.Guard#birthEra()}). */
    static final long BIRTH_OFFSET = 16;

    /** Size in bytes of a node block. */
    static final long NODE_SIZE = 24;

    /**
     * Offset of the era hint in the root block: bytes 0-15 never share the head's cache line (see the class
     * comment), so the hint's rare writes do not disturb the head.
     */
    static final long ERA_HINT_OFFSET = 0;

    /** Offset of the {@code head} pointer in the root block. */
    static final long HEAD_OFFSET = 64;

    /** Size in bytes of the root block: the head plus padding so that it owns its cache line. */
    static final long ROOT_SIZE = 128;

    /** The alignment the root block must have for the head to own its cache line (see the class comment). */
    static final long REQUIRED_ALIGNMENT = 16;

    private TreiberStackLayout() {
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
        return OffHeapLayout.checkAligned(address, REQUIRED_ALIGNMENT, what, "TreiberStack");
    }
}
