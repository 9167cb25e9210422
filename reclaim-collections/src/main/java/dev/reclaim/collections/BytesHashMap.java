package dev.reclaim.collections;

import static dev.reclaim.collections.BytesHashMapLayout.COUNT_OFFSET;
import static dev.reclaim.collections.BytesHashMapLayout.KEY_LENGTH_OFFSET;
import static dev.reclaim.collections.BytesHashMapLayout.REQUIRED_ALIGNMENT;
import static dev.reclaim.collections.BytesHashMapLayout.VALUE_LENGTH_OFFSET;
import static dev.reclaim.collections.BytesHashMapLayout.entrySize;
import static dev.reclaim.collections.BytesHashMapLayout.firstEntry;
import static dev.reclaim.collections.BytesHashMapLayout.keyBytes;
import static dev.reclaim.collections.BytesHashMapLayout.valueBytes;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * A lock-free hash map of byte sequences to byte sequences: keys and values are {@link MemorySegment}s whose
 * bytes are copied off-heap into a {@link SlabAllocator}, reclaimed through any {@link Reclaimer}. Built on
 * {@link LongHashMap}: a 64-bit hash of the key bytes maps to an off-heap "blob" holding every entry with that
 * hash, replaced copy-on-write; the blob is itself the index's list node.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.EBR.create();
 *      BytesHashMap map = new BytesHashMap(reclaimer, allocator)) {
 *     MemorySegment k = MemorySegment.ofArray("user:42".getBytes(UTF_8));
 *     map.put(k, MemorySegment.ofArray("Ada".getBytes(UTF_8)));
 *     MemorySegment buf = MemorySegment.ofArray(new byte[64]);  // reused: no heap allocation per get
 *     long n = map.get(k, buf);                                  // 3; -1 if absent
 *     map.forEach((key, value) -> System.out.println(key.byteSize() + " -> " + value.byteSize()));
 * }
 * }</pre>
 *
 * <p>Every operation is lock-free and allocates nothing on the Java heap in steady state (except
 * {@link #forEach}, which creates two segment views per entry). Any thread may call any method concurrently.
 *
 * <h2>Memory and failure</h2>
 * Each distinct key hash costs one blob of {@code 32 + sum(8 + pad8(keyLength) + pad8(valueLength))} bytes
 * ({@code BytesHashMapLayout} in the sources: a 32-byte index-node header, then the entries), rounded up to a
 * multiple of 16 (the allocator's size classes up to 256 bytes; coarser above), and 8 to 16 bytes of index
 * buckets (the index keeps up to four entries per bucket): 160 + 8..16 bytes for a 16-byte key and a
 * 100-byte value. Every update of a key copies its blob (usually one entry) and retires the old one: one
 * allocation and one retirement. When the allocator is
 * exhausted, the writing methods throw the allocator's {@link OffHeapExhaustedException} and leave the map
 * unchanged.
 *
 * <h2>Ownership and closing</h2>
 * Close the map (frees every entry and the table), then the reclaimer, then the allocator. {@link #close()}
 * must not run concurrently with other operations; afterwards every operation throws
 * {@link IllegalStateException}.
 */
public final class BytesHashMap extends OffHeapCollection {

    /*
     * Implementation notes
     *
     * Structure. index: a LongHashMap from h = Hashing.bytes(key) & hashMask (hashMask is all ones except in
     * tests, where it forces collisions) whose list nodes are BLOBS (BytesHashMapLayout): one off-heap block
     * that starts with the list-node header (next | okey | count | meta) and holds every entry whose key has
     * that hash. The blob is linked into the split-ordered list itself (OrderedListCore's caller-built
     * nodes), so an entry costs one block and an update one allocation and one retirement. 64-bit hashes
     * almost never collide, so a blob nearly always holds one entry. The index keeps up to INDEX_LOAD_FACTOR
     * nodes per bucket (the long map keeps 1): its bucket slots cost less than a tenth of an entry, for one or
     * two more list nodes per lookup.
     *
     * Invariants.
     *   B1. A blob is immutable once published, except its next word (the list's): its header and entries are
     *       written with plain stores before the index CAS that links it (OrderedListCore I3, P1).
     *   B2. A blob is linked at most once and retired exactly once, by the index (OrderedListCore I4): the
     *       thread whose CAS unlinks it after it was replaced (replaceNodeIn) or removed (removeNodeIn) retires
     *       it with its birth era (meta). A blob that was never linked (a lost race, a failed replacement) was
     *       never published and is freed at once by the thread that built it. close() frees the linked ones
     *       (OrderedListCore.freeAll).
     *   B3. A blob is one block, so protecting its address protects every entry in it (a chain of separate
     *       blocks would need a hazard per block).
     *
     * Reading a blob under every scheme (all operations run in one guard g). get and containsKey: the index
     * lookup (locateNode) returns the blob P protected in one of slots 0..2 and validated present (its next
     * word read unmarked while its predecessor still linked it); nothing else runs in the guard before the
     * read. Writes: locateNodeInto leaves P protected in slot 3 (BLOB_SLOT), which the index's traversals
     * never use, so P stays protected while the write's own index operation runs in slots 0..2. Why the
     * slot-3 protection is safe with hazard pointers: it is taken by re-loading pred.next (pred protected and
     * validated by the traversal) with protect(3, ...) and accepting the result only unmarked and equal to P,
     * then P.next unmarked: pred was linked at the re-load, hence P was linked after the hazard became
     * visible, hence not yet retired (B2), and every later scan sees the hazard (OrderedListCore's notes).
     * Robust: the upper era covers the load; EBR and leak: the guard alone suffices.
     *
     * Writes (put, putIfAbsent, remove). Read P as above (or none). Build a new blob P' (the new entry first,
     * then copies of P's other entries; or P without the removed entry), its header written by
     * LongHashMap.initNode (okey of h, count, birth era), and publish it with index.replaceNodeIn(h, P, P')
     * (or insertNodeIn(h, P') when there was no blob, or removeNodeIn(h, P) when the last entry goes). ABA: P
     * is protected in slot 3 from before its contents are read until the CAS, so its address cannot be freed
     * and reused as another blob meanwhile: equal addresses mean the same blob version. On failure P' was
     * never published and is freed at once; the operation retries. On success the index retires P when it
     * unlinks it (B2): this class never retires.
     *
     * Linearization points: those of the index operation (the CAS that links P' in place of P, links P', or
     * marks P), and for reads the lookup's read of P.next unmarked, or the lookup that found no blob.
     *
     * Memory-order pairs.
     *   X1. Blob contents: plain writes before the index CAS (volatile) that links P' (OrderedListCore P1);
     *       readers reach P through acquire loads of next words (the traversal's, or the slot-3 re-load), so
     *       the plain reads of the blob see the writes (B1).
     *   X2. Presence: the acquire loads of P.next in the index lookup pair with the marking CAS of the
     *       replacing or removing thread (OrderedListCore P2).
     *   Lifecycle: OffHeapCollection's L1 and L2.
     *
     * Garbage: one blob per replaced or removed key hash (OrderedListCore's garbage, with blobs as nodes);
     * bounded per scheme as there, with one extra protected blob (slot 3) per guard for hazard pointers.
     *
     * Weak point. forEach is weakly consistent as the index's: a key replaced during the iteration is seen
     * in one of its versions, at most once (replacements keep the hash, which is at the iterator's bound).
     */

    private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    /** The protection slot of the blob a write replaces: the index's traversals use slots 0..2. */
    private static final int BLOB_SLOT = 3;
    private static final MemorySegment EMPTY = MemorySegment.ofArray(new byte[0]).asReadOnly();
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    /**
     * Entries per index bucket on average before the index doubles its table. A blob costs well over 100 bytes,
     * so the index trades a longer bucket chain (about two nodes more per lookup) for 8 to 16 bytes of bucket
     * slots per entry instead of the long map's 32 to 64.
     */
    static final int INDEX_LOAD_FACTOR = 4;

    private final LongHashMap index;
    private final long hashMask;
    private final LongAdder count = new LongAdder();

    /**
     * Creates an empty map.
     *
     * @param reclaimer decides when replaced entries are freed; any scheme; not owned
     * @param allocator where the entries live; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    public BytesHashMap(Reclaimer reclaimer, SlabAllocator allocator) {
        this(reclaimer, allocator, 16);
    }

    /**
     * Creates an empty map whose table starts large enough for {@code expectedSize} keys (it grows beyond).
     *
     * @param reclaimer    decides when replaced entries are freed; any scheme; not owned
     * @param allocator    where the entries live; not owned
     * @param expectedSize a hint, at least 0
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if {@code expectedSize} is negative
     * @throws IllegalStateException     if the reclaimer is closed
     * @throws OffHeapExhaustedException if the first bucket segment does not fit in the allocator
     */
    public BytesHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize) {
        this(reclaimer, allocator, expectedSize, -1L);
    }

    /** Test seam: {@code hashMask} narrows the hash so that keys collide (-1 in production). */
    BytesHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize, long hashMask) {
        super(reclaimer, allocator, "map");
        this.index = new LongHashMap(reclaimer, allocator, expectedSize, INDEX_LOAD_FACTOR, true);
        this.hashMask = hashMask;
    }

    // ---------------------------------------------------------------- operations

    /**
     * Copies the value of {@code key} into {@code dst} (from offset 0) if it fits, and returns its length.
     * Pass a buffer at least as large as your values; a zero-length segment asks only for the length.
     *
     * @param key the key bytes (any segment: heap or native)
     * @param dst where to copy the value; written only if {@code dst.byteSize() >= length}
     * @return the value's length in bytes, or -1 if the key is absent
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public long get(MemorySegment key, MemorySegment dst) {
        Objects.requireNonNull(dst, "dst must not be null; pass a buffer, or MemorySegment.NULL for the length only");
        checkOpen("get()");
        long len = keyLength(key);
        long h = Hashing.bytes(key, len) & hashMask;
        try (Guard g = reclaimer.enter()) {
            long blob = index.locateNode(g, h); // protected in slots 0..2, validated present (X1, X2)
            long e = blob == 0 ? 0 : findEntry(blob, key, len);
            if (e == 0) {
                return -1;
            }
            long k = keyLengthPlain(e); // plain: the blob is immutable and protected (B1, X1)
            long v = valueLengthPlain(e); // plain: as above
            if (dst.byteSize() >= v && v > 0) {
                copyOutPlain(valueBytes(e, k), dst, v); // plain: as above
            }
            return v;
        }
    }

    /**
     * Whether {@code key} is present.
     *
     * @param key the key bytes
     * @return {@code true} if present at the linearization point
     * @throws NullPointerException  if {@code key} is null
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public boolean containsKey(MemorySegment key) {
        checkOpen("containsKey()");
        long len = keyLength(key);
        long h = Hashing.bytes(key, len) & hashMask;
        try (Guard g = reclaimer.enter()) {
            long blob = index.locateNode(g, h); // protected in slots 0..2, validated present (X1, X2)
            return blob != 0 && findEntry(blob, key, len) != 0;
        }
    }

    /**
     * Maps {@code key} to {@code value} (copies of their bytes), inserting or replacing.
     *
     * @param key   the key bytes
     * @param value the value bytes
     * @return {@code true} if the key was absent (inserted), {@code false} if its value was replaced
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if a segment is longer than {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public boolean put(MemorySegment key, MemorySegment value) {
        return write("put()", key, value, false);
    }

    /**
     * Maps {@code key} to {@code value} only if the key is absent.
     *
     * @param key   the key bytes
     * @param value the value bytes
     * @return {@code true} if inserted, {@code false} if the key was present (nothing changed)
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if a segment is longer than {@link Integer#MAX_VALUE} bytes
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the allocator is full (the map is unchanged)
     */
    public boolean putIfAbsent(MemorySegment key, MemorySegment value) {
        return write("putIfAbsent()", key, value, true);
    }

    /**
     * Removes {@code key}.
     *
     * @param key the key bytes
     * @return {@code true} if it was present and is now removed
     * @throws NullPointerException      if {@code key} is null
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if the key shares its hash with another key and the smaller copy of
     *                                   their blob does not fit (practically never; the map is unchanged)
     */
    public boolean remove(MemorySegment key) {
        checkOpen("remove()");
        long len = keyLength(key);
        long h = Hashing.bytes(key, len) & hashMask;
        try (Guard g = reclaimer.enter()) {
            for (;;) {
                long blob = index.locateNodeInto(g, h, BLOB_SLOT); // protected in slot 3, present (X1, X2)
                long e = blob == 0 ? 0 : findEntry(blob, key, len);
                if (e == 0) {
                    return false;
                }
                if (countPlain(blob) == 1) { // plain: immutable, protected (B1)
                    if (index.removeNodeIn(g, h, blob)) { // the index retires the blob (B2)
                        count.decrement();
                        return true;
                    }
                    continue;
                }
                long fresh = copyWithout(g, h, blob, e, 0, null, null);
                if (publish(g, h, blob, fresh)) {
                    count.decrement();
                    return true;
                }
            }
        }
    }

    /**
     * Calls {@code action} with read-only views of every entry's key and value bytes. The views are valid only
     * during the call (the memory may be freed afterwards): copy what you keep. Weakly consistent: each key at
     * most once; keys present for the whole call are seen, a key whose value is replaced meanwhile in one of its
     * versions (see the implementation notes). Holds one guard throughout; {@code action} should not call
     * back into this map.
     *
     * @param action what to do with each (key, value)
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    public void forEach(BiConsumer<MemorySegment, MemorySegment> action) {
        Objects.requireNonNull(action, "action must not be null");
        checkOpen("forEach()");
        try (Guard g = reclaimer.enter()) {
            // each blob protected by the traversal and validated present while the action runs (X1, X2)
            index.forEachNode(g, (blob, ignored) -> {
                int n = countPlain(blob); // plain: immutable, protected (B1, X1)
                long e = firstEntry(blob);
                for (int i = 0; i < n; i++) {
                    long k = keyLengthPlain(e); // plain: as above
                    long v = valueLengthPlain(e); // plain: as above
                    MemorySegment ks = k == 0 ? EMPTY : viewPlain(keyBytes(e), k);
                    MemorySegment vs = v == 0 ? EMPTY : viewPlain(valueBytes(e, k), v);
                    action.accept(ks, vs);
                    e += entrySize(k, v);
                }
            });
        }
    }

    /**
     * An estimate of the number of keys: exact when no operation is in progress. Never negative.
     *
     * @return the estimated size
     * @throws IllegalStateException if the map is closed
     */
    public long size() {
        checkOpen("size()");
        return Math.max(0L, count.sum());
    }

    /**
     * Whether the {@linkplain #size() size estimate} is 0.
     *
     * @return {@code true} if no key is counted
     * @throws IllegalStateException if the map is closed
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Frees every blob still in the map and the index (see {@link #close()}): closing the index frees its
     * nodes, which are the blobs (B2); replaced and removed blobs are the reclaimer's. Quiescent (L2).
     */
    @Override
    void freeContents() {
        if (!index.isClosed()) {
            index.close();
        }
        count.reset();
    }

    @Override
    String describe() {
        return "size~" + Math.max(0L, count.sum()) + ", ";
    }

    // ---------------------------------------------------------------- internals

    private boolean write(String op, MemorySegment key, MemorySegment value, boolean ifAbsent) {
        checkOpen(op);
        long len = keyLength(key);
        BytesHashMapLayout.checkLength(
                Objects.requireNonNull(value, "value must not be null; pass a segment (may be empty)").byteSize(),
                "value");
        long h = Hashing.bytes(key, len) & hashMask;
        try (Guard g = reclaimer.enter()) {
            for (;;) {
                long blob = index.locateNodeInto(g, h, BLOB_SLOT); // protected in slot 3, present (X1, X2)
                if (blob == 0) {
                    long fresh = copyWithout(g, h, 0, 0, len, key, value);
                    if (index.insertNodeIn(g, h, fresh)) { // fresh is linked (X1)
                        count.increment();
                        return true;
                    }
                    allocator.free(fresh); // another thread inserted this hash first; fresh was never published
                    continue;
                }
                long e = findEntry(blob, key, len);
                if (e != 0 && ifAbsent) {
                    return false;
                }
                long fresh = copyWithout(g, h, blob, e, len, key, value);
                if (publish(g, h, blob, fresh)) {
                    if (e == 0) {
                        count.increment();
                    }
                    return e == 0;
                }
            }
        }
    }

    /**
     * Replaces blob {@code blob} (protected in slot 3) by the unpublished {@code fresh} in the index: on success
     * the index retires {@code blob} (B2); on failure {@code fresh} is freed.
     */
    private boolean publish(Guard g, long h, long blob, long fresh) {
        if (index.replaceNodeIn(g, h, blob, fresh)) {
            return true;
        }
        allocator.free(fresh); // the blob changed meanwhile; fresh was never published
        return false;
    }

    /**
     * A new unpublished blob for hash {@code h}: the entry (key, value) first if {@code key != null}, then the
     * entries of {@code blob} (if not 0) except entry {@code skip} (if not 0). Nothing after it throws before
     * the index links it or the caller frees it.
     */
    private long copyWithout(Guard g, long h, long blob, long skip, long klen, MemorySegment key,
            MemorySegment value) {
        long size = BytesHashMapLayout.ENTRIES_OFFSET;
        int n = 0;
        long vlen = 0;
        if (key != null) {
            vlen = value.byteSize();
            size += entrySize(klen, vlen);
            n++;
        }
        int old = blob == 0 ? 0 : countPlain(blob); // plain: immutable, protected (B1)
        long e = firstEntry(blob);
        for (int i = 0; i < old; i++) {
            long es = entrySize(keyLengthPlain(e), valueLengthPlain(e)); // plain: immutable (B1)
            if (e != skip) {
                size += es;
                n++;
            }
            e += es;
        }
        long fresh = allocator.allocate(size); // may throw OffHeapExhaustedException: nothing changed yet
        assert (fresh & (REQUIRED_ALIGNMENT - 1)) == 0 : "allocator returned a misaligned blob 0x"
                + Long.toHexString(fresh);
        try {
            LongHashMap.initNode(g, fresh, h, n); // plain: unpublished; the index CAS publishes it (X1)
            long d = firstEntry(fresh);
            if (key != null) {
                writeEntry(d, key, klen, value, vlen);
                d += entrySize(klen, vlen);
            }
            e = firstEntry(blob);
            for (int i = 0; i < old; i++) {
                long es = entrySize(keyLengthPlain(e), valueLengthPlain(e)); // plain: immutable (B1)
                if (e != skip) {
                    for (long w = 0; w < es; w += 8) {
                        setWordPlain(d + w, wordPlain(e + w)); // plain: an unpublished copy of an immutable entry
                    }
                    d += es;
                }
                e += es;
            }
            return fresh;
        } catch (RuntimeException | Error t) {
            allocator.free(fresh); // e.g. a closed source segment: never published
            throw t;
        }
    }

    /** Writes one entry of an unpublished blob at {@code d}, zeroing the padding of its last words. */
    private static void writeEntry(long d, MemorySegment key, long klen, MemorySegment value, long vlen) {
        setLengthsPlain(d, klen, vlen); // plain: unpublished (X1)
        long kp = OffHeapLayout.pad8(klen);
        if (kp > 0) {
            setWordPlain(keyBytes(d) + kp - 8, 0L); // plain: zero the padding of the last key word
            copyInPlain(key, keyBytes(d), klen); // plain: unpublished
        }
        long vp = OffHeapLayout.pad8(vlen);
        if (vp > 0) {
            setWordPlain(valueBytes(d, klen) + vp - 8, 0L); // plain: zero the padding of the last value word
            copyInPlain(value, valueBytes(d, klen), vlen); // plain: unpublished
        }
    }

    /** The entry of {@code key} in blob {@code blob} (protected), or 0. */
    private static long findEntry(long blob, MemorySegment key, long len) {
        int n = countPlain(blob); // plain: immutable, protected (B1)
        long e = firstEntry(blob);
        for (int i = 0; i < n; i++) {
            long k = keyLengthPlain(e); // plain: as above
            if (k == len && keyEquals(keyBytes(e), key, len)) {
                return e;
            }
            e += entrySize(k, valueLengthPlain(e)); // plain: as above
        }
        return 0;
    }

    /** Whether the {@code len} key bytes at {@code a} (immutable, protected, zero-padded) equal {@code key}. */
    private static boolean keyEquals(long a, MemorySegment key, long len) {
        long i = 0;
        for (; i + 8 <= len; i += 8) {
            if (wordPlain(a + i) != key.get(WORD, i)) { // plain: immutable, protected (B1)
                return false;
            }
        }
        if (i < len) {
            long w = wordPlain(a + i); // plain: the padded last word
            for (int j = 0; i + j < len; j++) {
                byte b = (byte) (LITTLE ? w >>> (8 * j) : w >>> (56 - 8 * j));
                if (b != key.get(ValueLayout.JAVA_BYTE, i + j)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static long keyLength(MemorySegment key) {
        return BytesHashMapLayout.checkLength(
                Objects.requireNonNull(key, "key must not be null; pass a segment (may be empty)").byteSize(), "key");
    }

    // ---------------------------------------------------------------- accessors
    // Named field + mode in Memory's vocabulary. Every blob access is plain: a blob is written only before its
    // publication and read only after an acquire that reached it (X1), so each accessor's pair is X1.

    private static int countPlain(long blob) {
        return (int) Memory.getLong(blob + COUNT_OFFSET); // plain: immutable once published (X1)
    }

    private static long keyLengthPlain(long entry) {
        return Memory.getInt(entry + KEY_LENGTH_OFFSET) & 0xFFFF_FFFFL; // plain: immutable once published (X1)
    }

    private static long valueLengthPlain(long entry) {
        return Memory.getInt(entry + VALUE_LENGTH_OFFSET) & 0xFFFF_FFFFL; // plain: immutable once published (X1)
    }

    private static void setLengthsPlain(long entry, long klen, long vlen) {
        Memory.putInt(entry + KEY_LENGTH_OFFSET, (int) klen); // plain: unpublished (X1)
        Memory.putInt(entry + VALUE_LENGTH_OFFSET, (int) vlen); // plain: unpublished (X1)
    }

    private static long wordPlain(long address) {
        return Memory.getLong(address); // plain: a word of an immutable blob (X1)
    }

    private static void setWordPlain(long address, long word) {
        Memory.putLong(address, word); // plain: a word of an unpublished blob (X1)
    }

    private static void copyOutPlain(long address, MemorySegment dst, long len) {
        Memory.copyTo(address, dst, 0, len); // plain: bytes of an immutable blob (X1)
    }

    private static void copyInPlain(MemorySegment src, long address, long len) {
        Memory.copyFrom(src, 0, address, len); // plain: bytes of an unpublished blob (X1)
    }

    private static MemorySegment viewPlain(long address, long len) {
        return Memory.segment(address, len).asReadOnly(); // plain reads through the view: immutable (X1)
    }
}
