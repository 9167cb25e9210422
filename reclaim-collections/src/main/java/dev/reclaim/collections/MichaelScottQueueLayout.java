package dev.reclaim.collections;

/**
 * Off-heap layout of a {@link MichaelScottQueue}: one root block holding the head and tail pointers, each on its
 * own cache line, and one block per node (the first node is always a dummy).
 *
 * <pre>
 * node (NODE_SIZE = 32 bytes, a slab block, >= 16-byte aligned)
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+
 *   | next (8)      | value (8)     | birth era (8) | seq (8)       |
 *   +---------------+---------------+---------------+---------------+
 *   next     : address of the node behind this one, 0 for the last node; set once from 0 by a CAS (offer)
 *   value    : the offered long; written once, before the node is published
 *   birth era: Guard.birthEra() of the offering guard, passed back to Guard.retire(ptr, era, deleter);
 *              written once, before the node is published (0 for the initial dummy: always safe)
 *   seq      : 1 + the seq of the node it was linked behind (the dummy created with the queue has 0), so
 *              tail.seq - head.seq is the number of values in the queue; written before the node is published
 *
 * root (ROOT_SIZE = 256 bytes, a slab block, >= 16-byte aligned)
 *   0                  64         72                 192        200                256
 *   +------------------+----------+------------------+----------+------------------+
 *   | padding (64)     | head (8) | padding (120)    | tail (8) | padding (56)     |
 *   +------------------+----------+------------------+----------+------------------+
 *   head : address of the dummy node (its successor holds the oldest value); only changed by CAS
 *   tail : address of the last node or of the one before it (tail may lag by one); only changed by CAS
 * </pre>
 *
 * <p>With a 16-byte aligned block start {@code b}, the 64-byte line holding {@code b + 64} lies within
 * {@code [b + 16, b + 127]} and the one holding {@code b + 192} within {@code [b + 144, b + 255]}: head and tail
 * never share a cache line with each other or with another block, so producers (tail) and consumers (head) do
 * not false-share. Both are naturally aligned 8-byte words, as {@link dev.reclaim.Guard#protect(int, long)}
 * requires.
 */
final class MichaelScottQueueLayout {

    /** Offset of the {@code next} pointer in a node. */
    static final long NEXT_OFFSET = 0;

    /** Offset of the {@code value} in a node. */
    static final long VALUE_OFFSET = 8;

    /** Offset of the {@code birth era} word in a node. */
    static final long BIRTH_OFFSET = 16;

    /** Offset of the {@code seq} word in a node: its position in the sequence of nodes ever linked. */
    static final long SEQ_OFFSET = 24;

    /** Size in bytes of a node block. */
    static final long NODE_SIZE = 32;

    /** Offset of the {@code head} pointer in the root block. */
    static final long HEAD_OFFSET = 64;

    /** Offset of the {@code tail} pointer in the root block. */
    static final long TAIL_OFFSET = 192;

    /** Size in bytes of the root block: head and tail, each with padding so that it owns its cache line. */
    static final long ROOT_SIZE = 256;

    /** The alignment the blocks must have (see the class comment). */
    static final long REQUIRED_ALIGNMENT = 16;

    private MichaelScottQueueLayout() {
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
        return OffHeapLayout.checkAligned(address, REQUIRED_ALIGNMENT, what, "MichaelScottQueue");
    }
}
