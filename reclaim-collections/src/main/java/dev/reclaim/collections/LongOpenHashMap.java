package dev.reclaim.collections;

import static dev.reclaim.collections.LongOpenHashMapLayout.ABSENT;
import static dev.reclaim.collections.LongOpenHashMapLayout.KEY_OFFSET;
import static dev.reclaim.collections.LongOpenHashMapLayout.MAX_CAPACITY;
import static dev.reclaim.collections.LongOpenHashMapLayout.MIN_CAPACITY;
import static dev.reclaim.collections.LongOpenHashMapLayout.MOVED;
import static dev.reclaim.collections.LongOpenHashMapLayout.VALUE_OFFSET;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.OffHeapExhaustedException;
import dev.reclaim.memory.SlabAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free hash map of {@code long} keys to {@code long} values stored inline in one off-heap open-addressing
 * table: a lookup costs one hash, one guard and usually one cache line, with no node to follow. It grows (and
 * sheds removed keys) by copying into a new table while readers and writers carry on; old tables are freed
 * through any {@link Reclaimer} once no reader can still be in them.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.EBR.create();
 *      LongOpenHashMap map = new LongOpenHashMap(reclaimer, allocator, 1_000_000)) {
 *     map.put(42, 4200, -1);
 *     long v = map.get(42, -1);                         // 4200; -1 means "absent"
 *     long n;                                           // compute-style update: a CAS loop on replace()
 *     do { n = map.get(42, 0); } while (!map.replace(42, n, n + 1));
 * }
 * }</pre>
 *
 * <h2>Compared with {@link LongHashMap}</h2>
 * Both are lock-free, allocate nothing on the Java heap per operation and accept any key. This map is faster on
 * lookups (no pointer chasing: {@code docs/performance.md} has the figures) but:
 * <ul>
 *   <li><b>Two values are reserved</b>: {@link #RESERVED_EMPTY} ({@code Long.MIN_VALUE}) and
 *       {@link #RESERVED_MOVED} ({@code Long.MIN_VALUE + 1}) mark empty and moved entries and cannot be
 *       stored ({@link IllegalArgumentException}); they may still be used as the {@code absent} argument.</li>
 *   <li>A removed key keeps its slot (a tombstone) until the next resize, which copies only present keys; so
 *       a workload that keeps inserting new keys and removing old ones resizes (at the same size, while the
 *       present keys stay within the {@code expectedSize} the table was made for) from time to time.</li>
 *   <li>A resize is incremental: each operation that meets one copies at most a chunk of 1024 entries (a
 *       handful of chunks when its own insertion lands in a table that is itself resizing), so no operation
 *       pays for the whole table; until the last chunk is copied both tables are live, and lookups of keys
 *       already moved read both. Allocating the new table is one operation's work, but not a table-sized
 *       one: on Linux a {@link SlabAllocator} gives a table of 1 MiB or more a fresh mapping of its own, zero
 *       without a {@code memset}, so the operation pays a few system calls and the page faults are spread over
 *       the copying (2 MiB at a time on transparent huge pages).</li>
 *   <li>Memory is one off-heap block per table of 16-byte entries ({@code LongOpenHashMapLayout} in the
 *       sources). A map made with {@code expectedSize} n has about 8n/5 entries, 25.6 bytes per key at n keys
 *       (tables of up to 1024 entries are powers of two, so a small map may have up to twice that); a map
 *       that grows doubles its table when the present keys pass 5/8 of it, so it has between 25.6 and 51.2
 *       bytes per present key after growing, more after removals (tables never shrink). A table is resized
 *       (at the same size, or doubled) once 3/4 of its entries are claimed, tombstones included, so a probe
 *       for an absent key stays short. While a resize runs both tables are allocated. Measured figures:
 *       {@code docs/performance.md}, "Maps at scale".</li>
 * </ul>
 *
 * <h2>Memory and failure</h2>
 * When the allocator cannot supply a larger table, an insertion that needs it throws the allocator's
 * {@link OffHeapExhaustedException} and leaves the map unchanged; a resize started only because the table is
 * half full is skipped (the map keeps working with longer probes and retries later).
 *
 * <h2>Ownership and closing</h2>
 * The map owns its tables, not the reclaimer or the allocator. Close the map (frees the current tables), then
 * the reclaimer (frees tables retired by resizes), then the allocator. {@link #close()} must not run
 * concurrently with other operations; afterwards every operation throws {@link IllegalStateException}.
 */
public final class LongOpenHashMap extends OffHeapCollection implements LongLongMap {

    /*
     * Implementation notes
     *
     * Table (LongOpenHashMapLayout). One zeroed allocation of (capacity + 1) 16-byte entries {key, stored
     * value}, 64-byte aligned, so four entries share a cache line. Entry `capacity` is the home of key 0 (0 is
     * the empty-key mark of the other entries). Linear probing (wrapping at capacity) from the key's home entry,
     * Table.home(h): the high bits of h = Hashing.mix(key) scaled to [0, capacity) by a multiply-high, so any
     * capacity works (a power of two up to CAPACITY_STEP, a multiple of it above). The stored value is
     * s = v ^ Long.MIN_VALUE, so zeroed memory is ABSENT and MOVED is 1: the two reserved user values.
     *
     * Invariants.
     *   T1. A key word goes 0 -> k once (CAS) and never changes again in this table, so a key occupies at most
     *       one entry per table and a probe for k may stop at the first 0 key word.
     *   T2. A value word holds ABSENT (never set, or removed: a tombstone), a live value, or MOVED. MOVED is
     *       final: the key's current value lives in `next` (or further on).
     *   T3. A key's current value is in exactly one entry: the first entry for it, from the `table` an operation
     *       started in, that is not MOVED. Until the copier freezes an entry, every operation on its key uses
     *       that entry, so a forwarded copy in `next` is invisible and its only writer is the copier.
     *   T4. `next` is installed (CAS, once) before any chunk of the table is claimed, hence before any of its
     *       entries is MOVED. `table` moves past a table only when all its capacity + 1 entries are MOVED
     *       (done == capacity + 1); the table is then freed through guard.defer(), after every guard that may
     *       have loaded it has closed.
     *
     * Linearization points. get: the acquire load of the value word (live or ABSENT); or, at the first empty
     * key word of the probe, the load of that entry's value word finding it not frozen (ABSENT): the key is
     * in none of the entries before it (claimed by other keys forever, T1); it has not claimed this one with a
     * value; the table is not yet replaced (replacing needs every entry frozen, T4), so no operation has
     * inserted the key straight into `next`; and it cannot have reached `next` through a full table. An empty
     * entry that IS frozen sends the probe on to `next`. Updates: their successful value CAS; a failed
     * conditional update: the value load that decided it.
     *
     * Resize (incremental and cooperative, no thread waits).
     *   RS1. A writer that claims an entry past the load limit (claimed entries, tombstones included, > 3/4 of
     *        the capacity), or finds the table full, installs `next` (CAS; a loser frees its block). `next`
     *        doubles the capacity when the present keys pass the churn limit (5/8 of the entries), else has the
     *        same size (it sheds the tombstones); expectedSize sizes the first table so that it stays within the
     *        churn limit, and the 1/8 between the two limits is the headroom churn uses up before a rehash.
     *   RS2. Copying is spread over operations: the writer that installed `next` copies one chunk; every
     *        update that starts while `next` is set, or meets a MOVED entry, copies one more; a reader copies
     *        one when its probe is sent on to `next` (a MOVED entry, or a frozen empty one). No operation copies
     *        more than one chunk per table it passes through, so none takes time proportional to the table.
     *        The copy protocol below never depended on who copies when (a starter could always stall after one
     *        chunk), so spreading it changes no linearization point. The new table's allocation is O(1) work
     *        for large tables (a fresh zero mapping: allocateZeroed writes none of it); the copy from chunk i of
     *        the old table lands near entry 2i of a doubled one (homes are a monotone function of the hash), so
     *        each chunk faults in the few pages it writes, in order.
     *   RS3. Threads claim chunks of CHUNK entries from `cursor` (getAndAdd); the owner of a chunk is the only
     *        thread copying its entries, one at a time:
     *   - ABSENT (empty or tombstone): CAS ABSENT -> MOVED; the key is absent from now on in every table.
     *   - live s: forward(next, key, s) claims the key's entry in `next` and CASes its value to s; then CAS
     *     s -> MOVED in the old entry. If that CAS fails (a writer changed s), forward the new value (ABSENT
     *     included) and retry. A `next` that is itself being copied forwards onward the same way (a MOVED value
     *     in `next` sends forward() one table further).
     * Writers seeing MOVED, or a full table, continue in `next` after copying one chunk themselves; readers
     * copy one chunk, then follow (RS2). The thread that brings `done` to capacity + 1 advances `table` past every fully copied
     * table (CAS) and retires each (T4). A copier that stalls delays only the end of the resize and the
     * freeing of the old table; one that throws (the allocator failed further on) gives the rest of its chunk
     * back to `returned`.
     *
     * Memory-order pairs.
     *   O1. Key claim: caeKey() (CAS) pairs with keyAcquire() in probes and in copyEntry(): a thread that sees
     *       the key sees the claim (T1).
     *   O2. Values: casValue() pairs with valueAcquire()/valueVolatile(). The key is claimed (O1) before its
     *       value is first set, by the same thread, so a live value read with acquire implies a visible key:
     *       copyEntry() reads the value, then the key.
     *   O3. next: casNext() in ensureNext() publishes a zeroed table (allocateZeroed happens before the CAS) and
     *       pairs with nextVolatile(). By T4 it happens before every MOVED of the table, so a thread that read
     *       MOVED (acquire, O2) reads a non-null `next`.
     *   O4. table: casTable() in advance() pairs with tableVolatile() at the start of every operation.
     *   O5. Resize counters: getAndAddCursor() hands out chunks (one owner each); getAndAddDone() after a chunk's
     *       last MOVED CAS pairs with doneVolatile() in advance(), so advancing sees every entry frozen.
     *   Lifecycle: OffHeapCollection's L1 and L2.
     *
     * Garbage: only whole tables, one per completed resize, freed after a grace period of the reclaimer
     * (guard.defer: under every scheme a stalled guard holds them back, as under EBR).
     *
     * References. C. Click, "A Lock-Free Wait-Free Hash Table" (2007; the key-claim/value-CAS split and
     * cooperative copy with a frozen-value mark); M. Herlihy, N. Shavit, "The Art of Multiprocessor
     * Programming", ch. 13 (open addressing).
     */

    /** The value that marks an empty entry; it cannot be stored. */
    public static final long RESERVED_EMPTY = Long.MIN_VALUE;
    /** The value that marks a moved entry during a resize; it cannot be stored. */
    public static final long RESERVED_MOVED = Long.MIN_VALUE + 1;

    /**
     * The largest {@code expectedSize} a map accepts: {@value}, what the largest table (2^30 entries, 16 GiB)
     * holds at its churn limit (5/8 of its entries live).
     */
    public static final long MAX_EXPECTED_SIZE = (MAX_CAPACITY * 5) >>> 3;

    /** Entries copied per chunk claim: a table above it is a whole number of chunks. */
    static final int CHUNK = (int) LongOpenHashMapLayout.CAPACITY_STEP;

    // update modes
    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int REPLACE = 2;
    private static final int REPLACE_IF_EQUAL = 3;
    private static final int REMOVE = 4;
    private static final int REMOVE_IF_EQUAL = 5;

    private final long minCapacity;
    /** Present keys (an estimate while operations run). */
    private final LongAdder count = new LongAdder();
    private volatile Table table; // volatile: read per operation, CASed by advance() (O4)
    private volatile long resizes; // volatile: getAndAdd by advance(); diagnostics and tests

    /**
     * Creates an empty map with a small table.
     *
     * @param reclaimer frees replaced tables; any scheme; not owned
     * @param allocator where the tables live; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is closed
     */
    public LongOpenHashMap(Reclaimer reclaimer, SlabAllocator allocator) {
        this(reclaimer, allocator, 0);
    }

    /**
     * Creates an empty map whose first table holds {@code expectedSize} present keys without resizing, however
     * many keys are removed and inserted meanwhile (tombstones are cleared by rehashing at the same size); it
     * grows beyond. The table has the smallest capacity (a multiple of 1024 entries, a power of two below) of
     * which {@code expectedSize} is at most 5/8, so about 16 * 8/5 = 25.6 bytes per expected key (up to twice
     * that for a small map, whose table is a power of two); a table grows by doubling once its present keys
     * pass 5/8 of it.
     *
     * @param reclaimer    frees replaced tables; any scheme; not owned
     * @param allocator    where the tables live; not owned
     * @param expectedSize a hint, in {@code [0, MAX_EXPECTED_SIZE]}
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if {@code expectedSize} is negative or above {@link #MAX_EXPECTED_SIZE}
     * @throws IllegalStateException     if the reclaimer is closed
     * @throws OffHeapExhaustedException if the first table does not fit in the allocator
     */
    public LongOpenHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize) {
        this(reclaimer, allocator, expectedSize, MIN_CAPACITY);
    }

    /** Tests: {@code smallest} (a power of two >= 2) replaces MIN_CAPACITY, so that tiny maps resize often. */
    LongOpenHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize, long smallest) {
        super(reclaimer, allocator, "map");
        if (expectedSize < 0 || expectedSize > MAX_EXPECTED_SIZE) {
            throw new IllegalArgumentException("expectedSize must be in [0, " + MAX_EXPECTED_SIZE + "] (the"
                    + " largest table, " + MAX_CAPACITY + " entries, holds " + MAX_EXPECTED_SIZE + " keys), got "
                    + expectedSize + "; shard larger data sets over several maps");
        }
        if (smallest < 2 || Long.bitCount(smallest) != 1) {
            throw new IllegalArgumentException("smallest capacity must be a power of two >= 2, got " + smallest);
        }
        // no overflow: expectedSize <= MAX_EXPECTED_SIZE < 2^30
        this.minCapacity = LongOpenHashMapLayout.capacityFor((expectedSize * 8 + 4) / 5, smallest);
        setTableVolatile(newTable(minCapacity)); // volatile: the first table, before the map is shared (O4)
    }

    // ---------------------------------------------------------------- map operations (docs: LongLongMap)

    @Override
    public long get(long key, long absent) {
        checkOpen("get()");
        try (Guard g = reclaimer.enter()) {
            Table t = tableVolatile(); // volatile: O4
            long h = Hashing.mix(key);
            long s = storedValueIn(t, key, h);
            return decode(s != MOVED ? s : storedValueHelping(g, t, key, h), absent);
        }
    }

    @Override
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        try (Guard g = reclaimer.enter()) {
            return storedValue(tableVolatile(), key, Hashing.mix(key)) != ABSENT; // volatile: O4
        }
    }

    @Override
    public long put(long key, long value, long absent) {
        return decode(update("put()", key, encode(value), PUT, 0), absent);
    }

    @Override
    public long putIfAbsent(long key, long value, long absent) {
        return decode(update("putIfAbsent()", key, encode(value), PUT_IF_ABSENT, 0), absent);
    }

    @Override
    public long replaceIfPresent(long key, long value, long absent) {
        return decode(update("replaceIfPresent()", key, encode(value), REPLACE, 0), absent);
    }

    @Override
    public boolean replace(long key, long expected, long value) {
        long s = encode(value);
        if (isReserved(expected)) {
            checkOpen("replace()");
            return false; // a reserved value is never stored
        }
        return update("replace()", key, s, REPLACE_IF_EQUAL, expected ^ Long.MIN_VALUE) != ABSENT;
    }

    @Override
    public long remove(long key, long absent) {
        return decode(update("remove()", key, ABSENT, REMOVE, 0), absent);
    }

    @Override
    public boolean removeIfEquals(long key, long expected) {
        if (isReserved(expected)) {
            checkOpen("removeIfEquals()");
            return false; // a reserved value is never stored
        }
        return update("removeIfEquals()", key, ABSENT, REMOVE_IF_EQUAL, expected ^ Long.MIN_VALUE) != ABSENT;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Entries come in table order, and the table may be resized meanwhile. The call holds one guard
     * throughout (with EBR it holds back reclamation for its duration); {@code action} may read and update
     * the map.
     */
    @Override
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action must not be null");
        checkOpen("forEach()");
        try (Guard g = reclaimer.enter()) {
            Table first = tableVolatile(); // volatile: O4; the guard keeps it and its successors (T4)
            for (Table t = first; t != null; t = t.nextVolatile()) { // volatile: O3
                for (long i = 0; i <= t.capacity; i++) {
                    long e = t.entry(i);
                    long k = i == t.capacity ? 0 : keyAcquire(e); // acquire: pairs with the claim CAS (O1)
                    if (i != t.capacity && k == 0) {
                        continue;
                    }
                    if (t != first && claimedEarlier(first, t, k)) {
                        continue; // reported (or found absent) through the older table's entry
                    }
                    long s = valueAcquire(e); // acquire: pairs with the value CASes (O2)
                    if (s == MOVED) {
                        s = storedValue(t.nextVolatile(), k, Hashing.mix(k)); // volatile: set before MOVED (O3)
                    }
                    if (s != ABSENT) {
                        action.accept(k, s ^ Long.MIN_VALUE);
                    }
                }
            }
        }
    }

    @Override
    public long size() {
        checkOpen("size()");
        return Math.max(0, count.sum());
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The number of entries of the current table (a power of two up to 1024, a multiple of 1024 above), for
     * diagnostics.
     *
     * @return the capacity of the table new operations start in
     */
    public long capacity() {
        return tableVolatile().capacity; // volatile: O4
    }

    /**
     * How many resizes have completed (tables replaced), for diagnostics.
     *
     * @return the number of completed resizes
     */
    public long resizeCount() {
        return resizesVolatile();
    }

    /**
     * Frees the current table and any table a resize in progress was filling (see {@link #close()}); tables
     * replaced by finished resizes are the reclaimer's. Quiescent (L2).
     */
    @Override
    void freeContents() {
        for (Table t = tableVolatile(); t != null; t = t.nextVolatile()) { // volatile: O3, O4; quiescent
            allocator.free(t.raw);
        }
    }

    @Override
    String describe() {
        return "size~" + Math.max(0, count.sum()) + ", capacity=" + tableVolatile().capacity + ", ";
    }

    // ---------------------------------------------------------------- lookups

    /** Test hook: the table new operations start in (valid while the caller holds a guard). */
    Table currentTable() {
        return tableVolatile(); // volatile: O4
    }

    /** Test hook: get() as a reader that loaded {@code t} earlier would run it (the caller holds a guard). */
    static long getFrom(Table t, long key, long absent) {
        return decode(storedValue(t, key, Hashing.mix(key)), absent);
    }

    /** The stored value of {@code key} from table {@code t} on (ABSENT if absent); the caller holds a guard. */
    private static long storedValue(Table t, long key, long h) {
        while (true) {
            long s = storedValueIn(t, key, h);
            if (s != MOVED) {
                return s;
            }
            t = t.nextVolatile(); // volatile: set before any MOVED or before the table filled for good (O3)
            if (t == null) {
                return ABSENT; // full and not resizing: absent
            }
        }
    }

    /** The stored value of {@code key} in {@code t} alone: ABSENT, a value, or MOVED (look on in `next`). */
    private static long storedValueIn(Table t, long key, long h) {
        long e = t.find(key, h);
        if (e == 0) {
            return ABSENT; // an empty key word: linearization point of "absent"
        }
        if (e == Table.FULL) {
            return MOVED; // full or frozen here: look in `next`, if any
        }
        return valueAcquire(e); // acquire: pairs with the value CASes (O2)
    }

    /**
     * The stored value of {@code key} for a reader that found it moved out of {@code t} (or {@code t} full):
     * copies one chunk of the resize it ran into (RS2), then reads on from the next table.
     */
    private long storedValueHelping(Guard g, Table t, long key, long h) {
        Table n = t.nextVolatile(); // volatile: set before any MOVED or before the table filled for good (O3)
        if (n == null) {
            return ABSENT; // full and not resizing: absent
        }
        try {
            helpCopy(g, t);
        } catch (OffHeapExhaustedException ex) {
            // a table further on could not be allocated: the chunk was given back for a writer to finish (and
            // to report); a reader does not fail for it
        }
        return storedValue(n, key, h);
    }

    /** Whether a table from {@code first} up to (excluding) {@code t} has an entry claimed for {@code k}. */
    private static boolean claimedEarlier(Table first, Table t, long k) {
        long h = Hashing.mix(k);
        for (Table u = first; u != t; u = u.nextVolatile()) { // volatile: O3
            long e = u.find(k, h);
            if (e != 0 && e != Table.FULL) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- updates

    /** Applies {@code mode}; returns the stored value it replaced or found (ABSENT: none / failed). */
    private long update(String op, long key, long s, int mode, long expected) {
        checkOpen(op);
        long h = Hashing.mix(key);
        boolean inserts = mode == PUT || mode == PUT_IF_ABSENT;
        try (Guard g = reclaimer.enter()) {
            Table t = tableVolatile(); // volatile: O4
            if (t.nextVolatile() != null) { // volatile: a resize is running; help it with one chunk (O3)
                helpCopy(g, t);
            }
            outer:
            while (true) {
                long e = inserts ? claim(g, t, key, h) : t.find(key, h);
                if (e == 0) {
                    return ABSENT; // not present, nothing to insert
                }
                if (e == Table.FULL) {
                    Table n = inserts ? ensureNext(g, t, true) : t.nextVolatile(); // volatile: O3
                    if (n == null) {
                        return ABSENT;
                    }
                    t = n;
                    continue;
                }
                while (true) {
                    long cur = valueVolatile(e); // volatile: the CAS below needs the latest value anyway (O2)
                    if (cur == MOVED) {
                        helpCopy(g, t);
                        t = t.nextVolatile(); // volatile: set before this MOVED (O3)
                        continue outer;
                    }
                    switch (mode) {
                        case PUT_IF_ABSENT -> {
                            if (cur != ABSENT) {
                                return cur;
                            }
                        }
                        case REPLACE, REMOVE -> {
                            if (cur == ABSENT) {
                                return ABSENT;
                            }
                        }
                        case REPLACE_IF_EQUAL, REMOVE_IF_EQUAL -> {
                            if (cur != expected) {
                                return ABSENT;
                            }
                        }
                        default -> { }
                    }
                    if (casValue(e, cur, s)) { // CAS: the linearization point of the update (O2)
                        if (cur == ABSENT && s != ABSENT) {
                            count.increment();
                        } else if (cur != ABSENT && s == ABSENT) {
                            count.decrement();
                        }
                        return cur;
                    }
                }
            }
        }
    }

    /**
     * The entry of {@code key} in {@code t}, claiming an empty one if needed, or {@link Table#FULL}. Starts a
     * resize when the claim crosses the load limit.
     */
    private long claim(Guard g, Table t, long key, long h) {
        long e = t.findOrClaim(key, h);
        if (e < 0 && e != Table.FULL) { // a new claim: e is -address
            e = -e;
            t.claimed.increment();
            long probes = t.index(e) - t.home(h); // distance from the key's home entry
            if (probes < 0) {
                probes += t.capacity; // the probe wrapped around
            }
            // sampled (1 in 32 claims, by low hash bits: the home entry comes from the high ones) or on a long probe
            if (((h & 31) == 0 || probes > 8) && t.claimed.sum() > claimLimit(t.capacity)) {
                if (ensureNext(g, t, false) != null) {
                    helpCopy(g, t); // the starter copies one chunk; later operations copy the rest (RS2)
                }
            }
        }
        return e;
    }

    /**
     * Installs (or returns) the table after {@code t}. When the allocator fails, throws if {@code needed},
     * else returns null (the resize is skipped for now).
     */
    private Table ensureNext(Guard g, Table t, boolean needed) {
        Table n = t.nextVolatile(); // volatile: pairs with casNext() below (O3)
        if (n != null) {
            return n;
        }
        long live = Math.max(0, count.sum());
        // grow when present keys pass the churn limit (5/8); below it, rehash at the same size: tombstones
        // are at least 1/8 of the table, so the next resize is at least capacity / 8 claims away
        long cap = live > churnLimit(t.capacity) ? t.capacity * 2 : t.capacity;
        cap = Math.min(Math.max(cap, minCapacity), MAX_CAPACITY);
        // a full table (`needed`) with few present keys is rehashed at the same size too: the sampled load check
        // in claim() lets small tables fill up before it fires
        Table fresh;
        try {
            fresh = newTable(cap);
        } catch (OffHeapExhaustedException ex) {
            if (needed) {
                throw ex;
            }
            return null;
        }
        if (!t.casNext(fresh)) { // CAS: publishes the zeroed table (O3)
            allocator.free(fresh.raw); // another thread installed one first; ours was never shared
        }
        return t.nextVolatile(); // volatile: whichever won (O3)
    }

    /** Present keys a table of {@code capacity} entries keeps without growing: 5/8 of its entries. */
    private static long churnLimit(long capacity) {
        return (capacity * 5) >>> 3; // no overflow: capacity <= 2^30
    }

    /** Claimed entries (present keys and tombstones) past which a table is resized: 3/4 of its entries. */
    private static long claimLimit(long capacity) {
        return capacity - (capacity >>> 2);
    }

    /** Copies one chunk of {@code t} into its next table; false when no chunk was left to claim. */
    private boolean helpCopy(Guard g, Table t) {
        long total = t.capacity + 1;
        long start;
        long end;
        long[] range = t.returned.poll(); // a range given back by a copier that failed (rare; usually null)
        if (range != null) {
            start = range[0];
            end = range[1];
        } else {
            if (t.cursorOpaque() >= total) { // opaque: a hint; the getAndAdd below decides (O5)
                return false;
            }
            start = t.getAndAddCursor(CHUNK); // volatile RMW: claims [start, start + CHUNK) (O5)
            if (start >= total) {
                return false;
            }
            end = Math.min(start + CHUNK, total);
        }
        Table n = t.nextVolatile(); // volatile: installed before any chunk is claimed (T4, O3)
        long i = start;
        try {
            for (; i < end; i++) {
                copyEntry(g, t, n, i);
            }
        } catch (RuntimeException | Error e) {
            // e.g. the allocator cannot supply a table further on: give the rest back so that the resize can
            // still finish (re-copying entry i is safe: its old value is not MOVED, so its copy is invisible).
            t.returned.add(new long[] {i, end});
            addDone(g, t, i - start);
            throw e;
        }
        addDone(g, t, end - start);
        return true;
    }

    private void addDone(Guard g, Table t, long entries) {
        if (t.getAndAddDone(entries) + entries == t.capacity + 1) { // volatile RMW: pairs with advance() (O5)
            advance(g);
        }
    }

    /** Moves entry {@code i} of {@code t} into {@code n}; only the owner of its chunk calls this. */
    private void copyEntry(Guard g, Table t, Table n, long i) {
        long e = t.entry(i);
        long key = 0;
        boolean forwarded = false;
        while (true) {
            long s = valueAcquire(e); // acquire: pairs with the value CASes; a live value implies its key (O2)
            if (s == ABSENT && !forwarded) {
                if (casValue(e, ABSENT, MOVED)) { // CAS: freezes an empty or removed entry (T2, O2)
                    return;
                }
                continue;
            }
            if (!forwarded && i != t.capacity) {
                key = keyAcquire(e); // acquire: claimed before the value was first set (O1, O2)
            }
            forward(g, n, key, Hashing.mix(key), s);
            forwarded = true;
            if (casValue(e, s, MOVED)) { // CAS: from now on the key's value lives in n (T3, O2)
                return;
            }
        }
    }

    /** Sets {@code key}'s stored value in table {@code t} (or the table it moved on to) to {@code s}. */
    private void forward(Guard g, Table t, long key, long h, long s) {
        while (true) {
            long e = claim(g, t, key, h);
            if (e == Table.FULL) {
                t = ensureNext(g, t, true);
                continue;
            }
            long cur = valueVolatile(e); // volatile: read for the CAS (O2)
            if (cur == MOVED) {
                t = t.nextVolatile(); // volatile: set before this MOVED (O3)
                continue;
            }
            if (casValue(e, cur, s)) { // CAS: races only with the copier of t moving this entry on (T3, O2)
                return;
            }
        }
    }

    /** Moves {@code table} past every fully copied table and retires each after a grace period. */
    private void advance(Guard g) {
        while (true) {
            Table h = tableVolatile(); // volatile: pairs with casTable() below (O4)
            Table n = h.nextVolatile(); // volatile: pairs with ensureNext() (O3)
            if (n == null || h.doneVolatile() != h.capacity + 1) { // volatile: O5
                return;
            }
            if (casTable(h, n)) { // CAS: new operations start in n; pairs with tableVolatile() (O4)
                getAndAddResizes(); // volatile RMW: a counter only
                long raw = h.raw;
                // after every guard that may have loaded h has closed (T4); counted in pendingBytes until then
                g.defer(() -> allocator.free(raw), allocator.blockSize(raw));
            }
        }
    }

    // ---------------------------------------------------------------- tables

    private Table newTable(long capacity) {
        long raw = allocator.allocateZeroed(LongOpenHashMapLayout.tableBytes(capacity));
        return new Table(raw, capacity);
    }

    /** One table: its off-heap entries and its resize state (on the heap; one object per resize). */
    static final class Table {
        /** find() result for "not in this table: continue in next, if any" (full or frozen table). */
        static final long FULL = -1;

        final long raw;
        final long base;
        final long capacity;
        final LongAdder claimed = new LongAdder();
        /** Chunk remainders given back by copiers that threw; taken before new chunks. */
        final ConcurrentLinkedQueue<long[]> returned = new ConcurrentLinkedQueue<>();
        private volatile Table next; // volatile: CASed once by ensureNext() (O3)
        private volatile long cursor; // volatile: getAndAdd by chunk claims (O5)
        private volatile long done; // volatile: getAndAdd by finished chunks (O5)

        Table(long raw, long capacity) {
            this.raw = raw;
            this.base = LongOpenHashMapLayout.entriesBase(raw);
            this.capacity = capacity;
        }

        /**
         * The home entry of a key of hash {@code h}: {@code floor(h * capacity / 2^64)} with {@code h} unsigned,
         * computed on its top 63 bits (a range reduction by multiply-high: uniform for any capacity).
         */
        long home(long h) {
            return Math.multiplyHigh(h >>> 1, capacity << 1); // both factors non-negative: capacity <= 2^30
        }

        /** The address of entry {@code i} ({@code 0 <= i <= capacity}). */
        long entry(long i) {
            return LongOpenHashMapLayout.entry(base, i);
        }

        /** The index of the entry at address {@code e}. */
        long index(long e) {
            return LongOpenHashMapLayout.index(base, e);
        }

        /**
         * The entry of {@code key}; 0 if absent (an empty, unfrozen key word ends the probe); or {@link #FULL}:
         * not in this table, look in {@code next} if there is one (the table is full, or frozen by a resize).
         */
        long find(long key, long h) {
            return probe(key, h, false);
        }

        /** The entry of {@code key} (negated if this call claimed it), or {@link #FULL} (as in find()). */
        long findOrClaim(long key, long h) {
            return probe(key, h, true);
        }

        private long probe(long key, long h, boolean claim) {
            if (key == 0) {
                return entry(capacity);
            }
            long i = home(h);
            for (long n = 0; n < capacity; n++) {
                long e = entry(i);
                long k = keyAcquire(e); // acquire: pairs with the claim CAS below (O1)
                if (k == 0) {
                    // acquire: pairs with the copier's freezing CAS (O2). Frozen: the table may already be
                    // replaced and the key inserted straight into `next`, so the caller must look there.
                    if (valueAcquire(e) == MOVED) {
                        return FULL;
                    }
                    if (!claim) {
                        return 0;
                    }
                    k = caeKey(e, key); // CAS: claims the entry (once, forever: T1, O1)
                    if (k == 0) {
                        return -e;
                    }
                }
                if (k == key) {
                    return e;
                }
                if (++i == capacity) {
                    i = 0; // wrap around
                }
            }
            return FULL;
        }

        // resize-state accessors: named field + mode, each with its pair

        Table nextVolatile() {
            return next; // volatile: pairs with casNext() (O3)
        }

        boolean casNext(Table fresh) {
            return NEXT.compareAndSet(this, (Table) null, fresh); // CAS: pairs with nextVolatile() (O3)
        }

        long cursorOpaque() {
            return (long) CURSOR.getOpaque(this); // opaque: a hint before getAndAddCursor() (O5)
        }

        long getAndAddCursor(long delta) {
            return (long) CURSOR.getAndAdd(this, delta); // volatile RMW: one owner per chunk (O5)
        }

        long getAndAddDone(long delta) {
            return (long) DONE.getAndAdd(this, delta); // volatile RMW: pairs with doneVolatile() (O5)
        }

        long doneVolatile() {
            return done; // volatile: pairs with getAndAddDone() (O5)
        }
    }

    // ---------------------------------------------------------------- accessors
    // Named field + mode in Memory's (and VarHandle's) vocabulary; each names its pair, call sites say why.

    private Table tableVolatile() {
        return table; // volatile: pairs with casTable()/setTableVolatile() (O4)
    }

    private void setTableVolatile(Table t) {
        TABLE.setVolatile(this, t); // volatile: the first table, before the map is shared (O4)
    }

    private boolean casTable(Table expected, Table t) {
        return TABLE.compareAndSet(this, expected, t); // CAS: pairs with tableVolatile() (O4)
    }

    private long resizesVolatile() {
        return resizes; // volatile: pairs with getAndAddResizes()
    }

    private void getAndAddResizes() {
        RESIZES.getAndAdd(this, 1L); // volatile RMW: a counter for diagnostics only
    }

    private static long keyAcquire(long entry) {
        return Memory.getLongAcquire(entry + KEY_OFFSET); // acquire: pairs with caeKey() (O1)
    }

    private static long caeKey(long entry, long key) {
        return Memory.compareAndExchangeLong(entry + KEY_OFFSET, 0L, key); // CAS: pairs with keyAcquire() (O1)
    }

    private static long valueAcquire(long entry) {
        return Memory.getLongAcquire(entry + VALUE_OFFSET); // acquire: pairs with casValue() (O2)
    }

    private static long valueVolatile(long entry) {
        return Memory.getLongVolatile(entry + VALUE_OFFSET); // volatile: pairs with casValue() (O2)
    }

    private static boolean casValue(long entry, long expected, long value) {
        return Memory.compareAndSetLong(entry + VALUE_OFFSET, expected, value); // CAS: pairs with O2's loads
    }

    // ---------------------------------------------------------------- value encoding

    private static boolean isReserved(long value) {
        return value == RESERVED_EMPTY || value == RESERVED_MOVED;
    }

    private static long decode(long stored, long absent) {
        return stored == ABSENT ? absent : stored ^ Long.MIN_VALUE;
    }

    private static long encode(long value) {
        if (isReserved(value)) {
            throw new IllegalArgumentException("LongOpenHashMap reserves the values Long.MIN_VALUE and"
                    + " Long.MIN_VALUE + 1 (its empty and moved marks), got " + value
                    + "; store them in a LongHashMap, or offset your values");
        }
        return value ^ Long.MIN_VALUE;
    }

    // VarHandle mechanics
    private static final VarHandle TABLE;
    private static final VarHandle RESIZES;
    private static final VarHandle NEXT;
    private static final VarHandle CURSOR;
    private static final VarHandle DONE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TABLE = l.findVarHandle(LongOpenHashMap.class, "table", Table.class);
            RESIZES = l.findVarHandle(LongOpenHashMap.class, "resizes", long.class);
            NEXT = l.findVarHandle(Table.class, "next", Table.class);
            CURSOR = l.findVarHandle(Table.class, "cursor", long.class);
            DONE = l.findVarHandle(Table.class, "done", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
