package dev.reclaim.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A sequence lock whose sequence word and record live in a {@link MemorySegment}: native memory shared between
 * threads, or a file-mapped segment shared between <em>processes</em> (one writes, others read snapshots).
 *
 * <pre>
 *  offset  0  MAGIC        0x5E9_10C4_0000_0001 ("seqlock v1"), written last by format()
 *  offset  8  FIELD_COUNT  number of long fields, n
 *  offset 16  SEQ          even: stable; odd: a write is in progress
 *  offset 24  field 0 ... field n-1   (8 bytes each)
 * </pre>
 *
 * <p>A reader does not trust the segment: {@link #attach} checks the magic, that the field count fits the
 * segment, and alignment; {@link #tryRead(long[], int)} gives up after a bounded number of attempts (a writer
 * that died mid-write leaves the sequence odd forever) and returns only snapshots validated by an unchanged even
 * sequence. What a snapshot <em>means</em> (checksums, ranges) is for the caller to validate as well.
 *
 * <pre>{@code
 * try (Arena arena = Arena.ofShared(); FileChannel fc = FileChannel.open(path, READ, WRITE, CREATE)) {
 *     MemorySegment seg = fc.map(READ_WRITE, 0, SegmentSeqLock.bytesFor(2), arena);
 *     SegmentSeqLock lock = SegmentSeqLock.format(seg, 2);   // the writer process
 *     lock.write(new long[] {1, 2});
 * }
 * // reader process: SegmentSeqLock.attach(seg).tryRead(snapshot, 1000)
 * }</pre>
 */
public final class SegmentSeqLock {

    /*
     * Implementation notes
     *
     * The same protocol as SeqLock (see there), on segment offsets: writer CAS SEQ even -> odd, storeStore fence,
     * opaque field stores, release store SEQ + 2; reader acquire load SEQ, opaque field loads, loadLoad fence,
     * opaque load SEQ. The fences are CPU fences and so order accesses to a shared mapping across processes as
     * well as across threads. format() writes MAGIC last with release (pairs with the acquire load in attach()).
     * Writers in different processes exclude each other through the SEQ CAS (an atomic RMW on shared memory).
     * Garbage: none.
     */

    /** The magic number at offset 0 of a formatted segment. */
    public static final long MAGIC = 0x5E9_10C4_0000_0001L;
    /** Offset of the magic number. */
    public static final long MAGIC_OFFSET = 0;
    /** Offset of the field count. */
    public static final long FIELD_COUNT_OFFSET = 8;
    /** Offset of the sequence word. */
    public static final long SEQ_OFFSET = 16;
    /** Offset of field 0. */
    public static final long FIELDS_OFFSET = 24;

    private final MemorySegment segment;
    private final int fields;

    private SegmentSeqLock(MemorySegment segment, int fields) {
        this.segment = segment;
        this.fields = fields;
    }

    /**
     * The bytes a segment needs for {@code fields} fields.
     *
     * @param fields the record size
     * @return the segment size in bytes
     */
    public static long bytesFor(int fields) {
        return FIELDS_OFFSET + 8L * fields;
    }

    /**
     * Formats {@code segment} as a seqlock of {@code fields} zeroed fields (the writer side does this once).
     *
     * @param segment a segment of at least {@link #bytesFor(int)} bytes, 8-byte aligned
     * @param fields  the record size, {@code >= 1}
     * @return the lock
     * @throws IllegalArgumentException if the segment is too small or misaligned
     */
    public static SegmentSeqLock format(MemorySegment segment, int fields) {
        Objects.requireNonNull(segment, "segment");
        if (fields < 1) {
            throw new IllegalArgumentException("a SegmentSeqLock record needs >= 1 field, was " + fields);
        }
        checkShape(segment, fields);
        segment.asSlice(0, bytesFor(fields)).fill((byte) 0);
        segment.set(ValueLayout.JAVA_LONG, FIELD_COUNT_OFFSET, fields);
        LONG.setRelease(segment, MAGIC_OFFSET, MAGIC); // release: pairs with the acquire load in attach()
        return new SegmentSeqLock(segment, fields);
    }

    /**
     * Attaches to a segment formatted by {@link #format}, possibly by another process. Trusts nothing: checks the
     * magic, the field count against the segment size, and alignment.
     *
     * @param segment the segment
     * @return the lock
     * @throws IllegalArgumentException if the segment is not a formatted seqlock
     */
    public static SegmentSeqLock attach(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() < FIELDS_OFFSET + 8 || segment.address() % 8 != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes at address "
                    + segment.address() + " cannot hold a SegmentSeqLock (needs >= " + (FIELDS_OFFSET + 8)
                    + " bytes, 8-byte aligned)");
        }
        long magic = (long) LONG.getAcquire(segment, MAGIC_OFFSET); // acquire: pairs with the release in format()
        if (magic != MAGIC) {
            throw new IllegalArgumentException("segment is not a formatted SegmentSeqLock (magic "
                    + Long.toHexString(magic) + ", expected " + Long.toHexString(MAGIC) + "); call format() first");
        }
        long n = segment.get(ValueLayout.JAVA_LONG, FIELD_COUNT_OFFSET);
        if (n < 1 || n > (segment.byteSize() - FIELDS_OFFSET) / 8) {
            throw new IllegalArgumentException("corrupt SegmentSeqLock header: " + n + " fields in a segment of "
                    + segment.byteSize() + " bytes");
        }
        return new SegmentSeqLock(segment, (int) n);
    }

    private static void checkShape(MemorySegment segment, int fields) {
        if (segment.byteSize() < bytesFor(fields) || segment.address() % 8 != 0) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes at address "
                    + segment.address() + " cannot hold a SegmentSeqLock of " + fields + " fields (needs "
                    + bytesFor(fields) + " bytes, 8-byte aligned)");
        }
    }

    /**
     * The number of fields.
     *
     * @return the record size
     */
    public int fields() {
        return fields;
    }

    /**
     * The sequence number (odd while a write is in progress).
     *
     * @return the sequence
     */
    public long sequence() {
        return (long) LONG.getAcquire(segment, SEQ_OFFSET); // acquire: pairs with the release in endWrite()
    }

    /**
     * Reads a validated snapshot with at most {@code maxAttempts} attempts.
     *
     * @param into        receives the fields; length {@link #fields()}
     * @param maxAttempts how many attempts, {@code >= 1}
     * @return whether {@code into} holds a snapshot of one complete write
     * @throws IllegalArgumentException if {@code into} has the wrong length
     */
    public boolean tryRead(long[] into, int maxAttempts) {
        if (into.length != fields) {
            throw new IllegalArgumentException("array of length " + into.length + " for a SegmentSeqLock of "
                    + fields + " fields; pass long[" + fields + "]");
        }
        MemorySegment seg = segment;
        for (int a = 0; a < maxAttempts; a++) {
            long s1 = (long) LONG.getAcquire(seg, SEQ_OFFSET); // acquire: pairs with the release in endWrite()
            if ((s1 & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            for (int i = 0; i < into.length; i++) {
                into[i] = (long) LONG.getOpaque(seg, FIELDS_OFFSET + 8L * i); // opaque: validated below
            }
            VarHandle.loadLoadFence(); // loadLoad: pairs with the storeStore fence in beginWrite()
            long s2 = (long) LONG.getOpaque(seg, SEQ_OFFSET); // opaque: ordered by the fence above
            if (s1 == s2) {
                return true;
            }
        }
        return false;
    }

    /** Starts a write (spinning while another writer, in any process, is active). */
    public void beginWrite() {
        MemorySegment seg = segment;
        while (true) {
            long s = (long) LONG.getOpaque(seg, SEQ_OFFSET); // opaque: a hint, the CAS decides
            if ((s & 1) == 0 && LONG.compareAndSet(seg, SEQ_OFFSET, s, s + 1)) { // CAS: writer exclusion
                VarHandle.storeStoreFence(); // storeStore: pairs with the loadLoad fence in tryRead()
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Writes one field inside a write.
     *
     * @param field the field index, {@code 0..fields()-1}
     * @param value the value
     */
    public void set(int field, long value) {
        Objects.checkIndex(field, fields);
        LONG.setOpaque(segment, FIELDS_OFFSET + 8L * field, value); // opaque: ordered by the write's fences
    }

    /**
     * Ends a write.
     *
     * @throws IllegalStateException if no write is in progress
     */
    public void endWrite() {
        long s = (long) LONG.getOpaque(segment, SEQ_OFFSET); // opaque: our own odd value
        if ((s & 1) == 0) {
            throw new IllegalStateException("SegmentSeqLock.endWrite() without beginWrite(); pair them");
        }
        LONG.setRelease(segment, SEQ_OFFSET, s + 1); // release: pairs with the acquire load in tryRead()
    }

    /**
     * Writes every field as one update.
     *
     * @param values the record; length {@link #fields()}
     * @throws IllegalArgumentException if {@code values} has the wrong length
     */
    public void write(long[] values) {
        if (values.length != fields) {
            throw new IllegalArgumentException("array of length " + values.length + " for a SegmentSeqLock of "
                    + fields + " fields; pass long[" + fields + "]");
        }
        beginWrite();
        try {
            for (int i = 0; i < values.length; i++) {
                set(i, values[i]);
            }
        } finally {
            endWrite();
        }
    }

    // VarHandle mechanics
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
}
