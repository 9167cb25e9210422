package dev.reclaim.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sequence lock over a fixed-size record of {@code long} fields on the Java heap: readers never write shared
 * memory (they read optimistically and retry if a writer was active), writers are serialized by the sequence
 * word itself. For small records that are read far more often than written (a timestamp pair, a position, a
 * config snapshot). The off-heap and cross-process form is {@link SegmentSeqLock}.
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
 */
public final class SeqLock {

    /*
     * Implementation notes
     *
     * Layout: one long[]: words[0] = seq, words[1..n] = the fields (one indirection for a reader).
     * seq is even when no write is in progress, odd during a write. Writer: CAS seq even -> odd (this also
     * excludes other writers), storeStore fence, opaque stores of the fields, release store of seq + 2.
     * Reader: acquire load of seq (s1; retry while odd), plain loads of the fields, acquire (loadLoad) fence,
     * opaque load of seq (s2); the snapshot is valid iff s1 == s2. Field reads are plain, as in StampedLock's
     * optimistic reads: the JLS allows a non-volatile long to tear, HotSpot on 64-bit platforms never does
     * (stated in docs/limitations.md); the opaque stores make each write itself atomic.
     * Pairs: the writer's storeStore fence after the odd CAS pairs with the reader's loadLoad fence before s2
     * (a reader that saw any new field value sees the odd or the newer seq); the writer's release store of
     * seq+2 pairs with the reader's acquire load of s1 (a reader starting on the new even seq sees all fields).
     * Linearization: a write at its release store of seq + 2; a read at its s1 load.
     * Progress: writers are blocking (they spin while another writer is active); readers are lock-free w.r.t.
     * each other and retry while writes happen. Garbage: none.
     * References: Lameter, "Effective synchronization on Linux/NUMA systems" (2005); Boehm, "Can seqlocks get
     * along with programming language memory models?" (MSPC 2012); StampedLock's validate().
     */

    /** words[0] is the sequence, words[1 + i] is field i: one object, one indirection on the read path. */
    private final long[] words;
    private final int fieldCount;

    /**
     * Creates a seqlock over {@code fields} zeroed fields.
     *
     * @param fields the record size, {@code >= 1}
     * @throws IllegalArgumentException if {@code fields < 1}
     */
    public SeqLock(int fields) {
        if (fields < 1) {
            throw new IllegalArgumentException("a SeqLock record needs >= 1 field, was " + fields);
        }
        this.words = new long[fields + 1];
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
     * Starts an optimistic read: waits (spinning) while a write is in progress, then returns the stamp to pass
     * to {@link #readValidate(long)} after reading the fields with {@link #get(int)}.
     *
     * @return the stamp (an even sequence number)
     */
    public long readBegin() {
        long s = seqAcquire();
        while ((s & 1) != 0) {
            Thread.onSpinWait();
            s = seqAcquire();
        }
        return s;
    }

    /**
     * Reads one field inside an optimistic read. The value may be inconsistent with the other fields until
     * {@link #readValidate(long)} confirms the read.
     *
     * @param field the field index
     * @return its value (possibly from a concurrent write)
     */
    public long get(int field) {
        // the array's own bounds check rejects field >= fields(); field == -1 would read the sequence (harmless)
        // plain: a racy read by design (64-bit plain loads do not tear on 64-bit HotSpot, as StampedLock's
        // optimistic reads assume); it cannot float above the acquire load in readBegin() nor below the loadLoad
        // fence in readValidate(), and a value from a concurrent write is rejected by readValidate()
        return words[field + 1];
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
        return seqOpaque() == stamp;
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
            long s = readBegin();
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
            long s = seqAcquire();
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
     * @param field the field index
     * @param value its new value
     */
    public void set(int field, long value) {
        Objects.checkIndex(field, fieldCount);
        WORD.setOpaque(words, field + 1, value); // opaque: ordered by the fences of beginWrite()/endWrite()
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
        return seqAcquire();
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

    private long seqAcquire() {
        return (long) WORD.getAcquire(words, 0); // acquire: pairs with setSeqRelease() in endWrite()
    }

    private long seqOpaque() {
        return (long) WORD.getOpaque(words, 0); // opaque: after the loadLoad fence (readers) or before the CAS (writers)
    }

    private boolean casSeq(long expected, long value) {
        return WORD.compareAndSet(words, 0, expected, value); // volatile CAS: writer exclusion, pairs with endWrite()
    }

    private void setSeqRelease(long value) {
        WORD.setRelease(words, 0, value); // release: pairs with seqAcquire() in readBegin()
    }

    // VarHandle mechanics
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);
}
