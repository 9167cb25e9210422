package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.NODE_SIZE;

/**
 * Off-heap layout of a {@link LongHashMap}'s bucket table: a directory of segments, each one zeroed block of
 * bucket nodes (the entries themselves are {@link OrderedListLayout} nodes, one slab block each).
 *
 * <pre>
 * directory (on the heap: long[MAX_BITS - B0 + 1], raw block addresses, 0 until installed, in index order)
 *   segment 0 : buckets [0, 2^B0)                     2^B0 slots
 *   segment i : buckets [2^(B0+i-1), 2^(B0+i)), i >= 1  2^(B0+i-1) slots (the table doubles per segment)
 *
 * segment (segmentBytes = slots * 32 + 64, allocated zeroed; slot 0 at the first 64-byte boundary)
 *   raw     base = alignUp(raw, 64)
 *   +-------+----------------+----------------+-----+----------------------+
 *   | slack | slot 0 (32)    | slot 1 (32)    | ... | slot slots - 1 (32)  |
 *   +-------+----------------+----------------+-----+----------------------+
 *
 * slot (a bucket node, OrderedListLayout's 32-byte node; two per cache line, never straddling one)
 *   0               8               16              24              32
 *   +---------------+---------------+---------------+---------------+
 *   | next (8)      | okey (8)      | state (8)     | meta (8)      |
 *   +---------------+---------------+---------------+---------------+
 *   next : as for every node; the bucket node is never marked, unlinked or retired
 *   okey : Long.reverse(bucket index), an even number; written once, by the claimant, before linking
 *   state: UNINITIALISED (0: zeroed memory) -> CLAIMED (CAS, one claimant) -> READY (release store)
 *   meta : DUMMY (birth era 0); written once, by the claimant, before linking
 * </pre>
 *
 * <p>Bucket 0 is the list's head: it is READY from construction. A bucket index is split into its segment (from
 * its highest set bit) and its slot in the segment, so the table grows by adding a segment without moving a
 * bucket, and a bucket node's okey can be computed from its address alone ({@link LongHashMap#slotOkey}).
 */
final class LongHashMapLayout {

    /** Offset of the bucket state in a bucket node: the value word of an ordinary node. */
    static final long STATE_OFFSET = OrderedListLayout.VALUE_OFFSET;

    /** Bucket state: not yet linked (zeroed memory). */
    static final long UNINITIALISED = 0;
    /** Bucket state: one thread is linking the bucket node. */
    static final long CLAIMED = 1;
    /** Bucket state: linked; the node may be used as a start node. */
    static final long READY = 2;

    /** Smallest first segment: 2^4 buckets. */
    static final int MIN_BITS = 4;
    /** Largest table: 2^30 buckets (32 GiB of bucket nodes). */
    static final int MAX_BITS = 30;
    /** Largest first segment, so that the directory has at least five segments to grow by. */
    static final int MAX_BASE_BITS = MAX_BITS - 4;

    /** Bytes of slack in front of a segment's slots, so that slot 0 can start on a cache line. */
    static final long SEGMENT_SLACK = OffHeapLayout.CACHE_LINE;

    private LongHashMapLayout() {
    }

    /**
     * log2 of the first segment's bucket count for a table that starts with at least {@code buckets} buckets,
     * clamped to {@code [MIN_BITS, MAX_BASE_BITS]}.
     *
     * @param buckets the wanted number of buckets, at least 1
     * @return B0
     */
    static int baseBitsFor(long buckets) {
        int b = 64 - Long.numberOfLeadingZeros(Math.max(1L, buckets) - 1);
        return Math.max(MIN_BITS, Math.min(b, MAX_BASE_BITS));
    }

    /**
     * The number of segments a table with first segment 2^{@code baseBits} can ever have.
     *
     * @param baseBits B0
     * @return the directory's length
     */
    static int directoryLength(int baseBits) {
        return MAX_BITS - baseBits + 1;
    }

    /**
     * How many buckets segment {@code seg} holds.
     *
     * @param baseBits B0
     * @param seg      a segment index
     * @return its slot count
     */
    static long segmentSlots(int baseBits, int seg) {
        return seg == 0 ? 1L << baseBits : 1L << (baseBits + seg - 1);
    }

    /**
     * The bucket index of slot 0 of segment {@code seg}.
     *
     * @param baseBits B0
     * @param seg      a segment index
     * @return 0 for segment 0, else {@code 2^(B0 + seg - 1)}
     */
    static long firstBucket(int baseBits, int seg) {
        return seg == 0 ? 0 : segmentSlots(baseBits, seg);
    }

    /**
     * The size of segment {@code seg}'s block: its slots plus the alignment slack.
     *
     * @param baseBits B0
     * @param seg      a segment index
     * @return bytes to allocate (zeroed)
     */
    static long segmentBytes(int baseBits, int seg) {
        return segmentSlots(baseBits, seg) * NODE_SIZE + SEGMENT_SLACK;
    }

    /**
     * The segment that holds bucket {@code b}.
     *
     * @param baseBits B0
     * @param b        a bucket index
     * @return its segment index
     */
    static int segmentOf(int baseBits, long b) {
        return b < (1L << baseBits) ? 0 : 63 - Long.numberOfLeadingZeros(b) - baseBits + 1;
    }

    /**
     * The address of bucket {@code b}'s node in its segment.
     *
     * @param baseBits B0
     * @param raw      the raw block address of {@code segmentOf(baseBits, b)}
     * @param b        a bucket index
     * @return the bucket node
     */
    static long slotAddress(int baseBits, long raw, long b) {
        long first = b < (1L << baseBits) ? 0 : Long.highestOneBit(b);
        return slotsBase(raw) + (b - first) * NODE_SIZE;
    }

    /**
     * The address of slot 0 of a segment: its raw block rounded up to a cache line.
     *
     * @param raw a segment's raw block address
     * @return the first slot
     */
    static long slotsBase(long raw) {
        return OffHeapLayout.alignUp(raw, OffHeapLayout.CACHE_LINE);
    }
}
