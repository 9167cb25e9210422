package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sequence lock over a fixed-size record of {@code long} fields on the Java heap: readers never write shared
 * memory (they read optimistically and retry if a writer was active), writers are serialized by the sequence
 * word itself. For small records that are read far more often than written (a timestamp pair, a position, a
 * config snapshot). The first four fields live in the lock object itself, beside the sequence, so reading a
 * small record touches one object; fields beyond the fourth are kept in an array. The off-heap and
 * cross-process form is {@link SegmentSeqLock}.
 *
 * <pre>{@code
 * SeqLock pos = new SeqLock(2);
 * pos.write(new long[] {x, y});                     // writer
 * long[] snap = new long[2];
 * pos.read(snap);                                    // reader: a consistent (x, y), never torn
 * // or allocation-free, field by field:
 * long s; long x, y;
 * do { s = pos.readBegin(); x = pos.get(0); y = pos.get(1); } while (!pos.readValidate(s));
 * }</pre>
 *
 * <p>With {@code new SeqLock(0)} the lock holds only the sequence and guards fields of the caller's own object
 * (the {@code StampedLock.tryOptimisticRead} pattern, one indirection less): readers read them between
 * {@link #readBegin()} and {@link #readValidate(long)}, writers write them between {@link #beginWrite()} and
 * {@link #endWrite()}. Such fields must then be written with opaque or volatile accesses (or be {@code long}s
 * on a 64-bit JVM, as StampedLock's examples assume).
 */
public final class SeqLock {

    /*
     * Implementation notes
     *
     * Layout: the sequence and the first INLINE (4) fields of the record are fields of the lock object itself;
     * fields INLINE.. are in a long[] beside it. So a small record costs a reader no more loads than
     * StampedLock's tryOptimisticRead over the caller's own fields: the lock reference, then the sequence and
     * the fields in that one object (an all-array layout would add a dependent load of the array and its
     * length; see docs/performance.md, "Sync primitives"). get(i) with
     * a constant i folds its switch away after inlining. With 0 fields the lock guards the caller's own
     * fields, StampedLock-style (see the class documentation).
     * seq is even when no write is in progress, odd during a write. Writer: CAS seq even -> odd (this also
     * excludes other writers), storeStore fence, opaque stores of the fields, release store of seq + 2.
     * Reader: volatile load of seq (s1; an odd s1 becomes the stamp s1 - 1, which can never validate), plain
     * loads of the fields, acquire (loadLoad) fence, volatile load of seq (s2); the snapshot is valid iff
     * s1 == s2. The seq loads are volatile *field* loads, exactly StampedLock's tryOptimisticRead()/validate():
     * on x86 the same `mov` as getAcquire/getOpaque, but C2 compiles a field load with an implicit null check
     * and without the CPU-order barriers it puts around VarHandle (Unsafe) accesses (docs/performance.md,
     * "Sync primitives"). Field reads are plain, as in StampedLock's
     * optimistic reads: the JLS allows a non-volatile long to tear, HotSpot on 64-bit platforms never does
     * (stated in docs/limitations.md); the opaque stores make each write itself atomic.
     * Pairs: the writer's storeStore fence after the odd CAS pairs with the reader's loadLoad fence before s2
     * (a reader that saw any new field value sees the odd or the newer seq); the writer's release store of
     * seq+2 pairs with the reader's volatile load of s1 (a reader starting on the new even seq sees all fields).
     * Linearization: a write at its release store of seq + 2; a read at its s1 load.
     * Progress: writers are blocking (they spin while another writer is active); readers are lock-free w.r.t.
     * each other and retry while writes happen. Garbage: none.
     * References: Lameter, "Effective synchronization on Linux/NUMA systems" (2005); Boehm, "Can seqlocks get
     * along with programming language memory models?" (MSPC 2012); StampedLock's validate().
     */

    /** How many of the record's fields live in the lock object itself (f0..f3); the rest go to {@link #rest}. */
    private static final int INLINE = 4;

    private volatile long seq;
    // the record's first fields: written only with opaque stores (setField), read plain in get()
    private long f0;
    private long f1;
    private long f2;
    private long f3;
    /** The record's fields from index {@link #INLINE} on; empty for records of at most INLINE fields. */
    private final long[] rest;
    private final int fieldCount;

    /**
     * Creates a seqlock over {@code fields} zeroed fields.
     *
     * @param fields the record size, {@code >= 0} ({@code 0}: the lock guards the caller's own fields)
     * @throws IllegalArgumentException if {@code fields < 0}
     */
    public SeqLock(int fields) {
        if (fields < 0) {
            throw new IllegalArgumentException("a SeqLock record needs >= 0 fields, was " + fields);
        }
        this.rest = new long[Math.max(0, fields - INLINE)];
        this.fieldCount = fields;
    }

    /**
     * The number of fields.
     *
     * @return the record size
     */
    public int fields() {
        return fieldCount;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Readers
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Starts an optimistic read: returns the stamp to pass to {@link #readValidate(long)} after reading the fields
     * with {@link #get(int)}. Never waits: if a write is in progress, the stamp returned can never validate, so
     * the caller's retry loop simply goes round again (use {@link #read(long[])} or
     * {@link #tryRead(long[], int)} for loops that wait politely).
     *
     * @return the stamp (an even number)
     */
    public long readBegin() {
        // an odd (in-progress) sequence s gives the stamp s - 1, which the sequence has already passed
        return seqVolatile() & ~1L;
    }

    /**
     * Reads one field inside an optimistic read. The value may be inconsistent with the other fields until
     * {@link #readValidate(long)} confirms the read.
     *
     * @param field the field index, {@code 0 <= field < fields()}
     * @return its value (possibly from a concurrent write)
     * @throws IndexOutOfBoundsException if {@code field} is out of range
     */
    public long get(int field) {
        Objects.checkIndex(field, fieldCount);
        // plain loads: racy reads by design (64-bit plain loads do not tear on 64-bit HotSpot, as StampedLock's
        // optimistic reads assume); they cannot float above the volatile load in readBegin() nor below the
        // loadLoad fence in readValidate(), and a value from a concurrent write is rejected by readValidate()
        return switch (field) {
            case 0 -> f0;
            case 1 -> f1;
            case 2 -> f2;
            case 3 -> f3;
            default -> rest[field - INLINE];
        };
    }

    /**
     * Whether no write happened since {@code stamp}: if so, the fields read since {@link #readBegin()} form a
     * snapshot of one write.
     *
     * @param stamp what {@link #readBegin()} returned
     * @return whether the values read are consistent
     */
    public boolean readValidate(long stamp) {
        VarHandle.loadLoadFence(); // loadLoad: pairs with the storeStore fence in beginWrite()
        return seqVolatile() == stamp;
    }

    /**
     * Reads a consistent snapshot of every field, retrying as long as needed.
     *
     * @param into receives the fields; length {@link #fields()}
     * @throws IllegalArgumentException if {@code into} has the wrong length
     */
    public void read(long[] into) {
        checkLength(into);
        while (true) {
            long s = seqVolatile();
            if ((s & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            for (int i = 0; i < into.length; i++) {
                into[i] = get(i);
            }
            if (readValidate(s)) {
                return;
            }
        }
    }

    /**
     * Reads a consistent snapshot with at most {@code maxAttempts} attempts (a reader that must not wait for a
     * writer indefinitely).
     *
     * @param into        receives the fields; length {@link #fields()}
     * @param maxAttempts how many attempts, {@code >= 1}
     * @return whether {@code into} holds a consistent snapshot
     */
    public boolean tryRead(long[] into, int maxAttempts) {
        checkLength(into);
        for (int a = 0; a < maxAttempts; a++) {
            long s = seqVolatile();
            if ((s & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            for (int i = 0; i < into.length; i++) {
                into[i] = get(i);
            }
            if (readValidate(s)) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Writers
    // ---------------------------------------------------------------------------------------------------------

    /**
     * Starts a write: waits for other writers, makes the sequence odd. Follow with {@link #set(int, long)} calls
     * and one {@link #endWrite()} (in a finally block).
     */
    public void beginWrite() {
        while (true) {
            long s = seqOpaque();
            if ((s & 1) == 0 && casSeq(s, s + 1)) {
                VarHandle.storeStoreFence(); // storeStore: pairs with the loadLoad fence in readValidate()
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Writes one field inside a write.
     *
     * @param field the field index, {@code 0 <= field < fields()}
     * @param value its new value
     * @throws IndexOutOfBoundsException if {@code field} is out of range
     */
    public void set(int field, long value) {
        Objects.checkIndex(field, fieldCount);
        // opaque stores (each one atomic): ordered by the fences of beginWrite()/endWrite()
        switch (field) {
            case 0 -> F0.setOpaque(this, value);
            case 1 -> F1.setOpaque(this, value);
            case 2 -> F2.setOpaque(this, value);
            case 3 -> F3.setOpaque(this, value);
            default -> WORD.setOpaque(rest, field - INLINE, value);
        }
    }

    /**
     * Ends a write: makes the sequence even again, publishing the new values.
     *
     * @throws IllegalStateException if no write is in progress
     */
    public void endWrite() {
        long s = seqOpaque();
        if ((s & 1) == 0) {
            throw new IllegalStateException("SeqLock.endWrite() without beginWrite(); pair them");
        }
        setSeqRelease(s + 1);
    }

    /**
     * Writes every field as one update.
     *
     * @param values the new record; length {@link #fields()}
     * @throws IllegalArgumentException if {@code values} has the wrong length
     */
    public void write(long[] values) {
        checkLength(values);
        beginWrite();
        try {
            for (int i = 0; i < values.length; i++) {
                set(i, values[i]);
            }
        } finally {
            endWrite();
        }
    }

    /**
     * The current sequence number (even when no write is in progress); it grows by 2 per write.
     *
     * @return the sequence
     */
    public long sequence() {
        return seqVolatile();
    }

    private void checkLength(long[] a) {
        if (a.length != fieldCount) {
            throw new IllegalArgumentException("array of length " + a.length + " for a SeqLock of "
                    + fieldCount + " fields; pass long[" + fieldCount + "]");
        }
    }

    @Override
    public String toString() {
        long[] snap = new long[fieldCount];
        read(snap);
        return "SeqLock" + Arrays.toString(snap);
    }

    private long seqVolatile() {
        // volatile field load, not a VarHandle getAcquire: the same x86 `mov`, but C2 brackets VarHandle
        // (Unsafe) accesses with CPU-order barriers and an explicit null check, and a field load gets neither
        return seq; // volatile: pairs with setSeqRelease() in endWrite() (as StampedLock reads its state)
    }

    private long seqOpaque() {
        return (long) SEQ.getOpaque(this); // opaque: a writer's first look, before the CAS in beginWrite()
    }

    private boolean casSeq(long expected, long value) {
        return SEQ.compareAndSet(this, expected, value); // volatile CAS: writer exclusion, pairs with endWrite()
    }

    private void setSeqRelease(long value) {
        SEQ.setRelease(this, value); // release: pairs with the volatile load in readBegin()
    }

    // VarHandle mechanics
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle SEQ;
    private static final VarHandle F0;
    private static final VarHandle F1;
    private static final VarHandle F2;
    private static final VarHandle F3;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEQ = l.findVarHandle(SeqLock.class, "seq", long.class);
            F0 = l.findVarHandle(SeqLock.class, "f0", long.class);
            F1 = l.findVarHandle(SeqLock.class, "f1", long.class);
            F2 = l.findVarHandle(SeqLock.class, "f2", long.class);
            F3 = l.findVarHandle(SeqLock.class, "f3", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
