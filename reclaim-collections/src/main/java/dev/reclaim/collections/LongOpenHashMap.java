package dev.reclaim.collections;

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
 *       a workload that keeps inserting new keys and removing old ones resizes (at the same size) from time
 *       to time. Each resize copies the whole table; the thread that starts it copies most of it, so that
 *       operation takes time proportional to the table (other threads help in chunks and never wait).</li>
 *   <li>Memory is 16 bytes per slot with between 2 and 8 slots per present key (about 32 to 128 bytes per
 *       entry), allocated as one block per table.</li>
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
public final class LongOpenHashMap implements LongLongMap {

    /*
     * Implementation notes
     *
     * Table. One allocation of (capacity + 1) 16-byte entries {key, stored value}, 64-byte aligned, so four
     * entries share a cache line. Entry `capacity` is the home of key 0 (0 is the empty-key mark of the other
     * entries). Linear probing from mix(key) & mask. Stored value s = v ^ Long.MIN_VALUE, so zeroed memory is
     * ABSENT (s = 0, user value Long.MIN_VALUE) and MOVED is s = 1 (user value Long.MIN_VALUE + 1): the two
     * reserved values.
     *
     * Invariants. A key word goes 0 -> k once (CAS) and never changes again in this table, so a key occupies
     * at most one entry per table and probing stops at the first 0 key. A value word holds ABSENT (never set,
     * or removed: a tombstone), a live value, or MOVED (final: the key's current value lives in `next`).
     *
     * Linearization points. get: the acquire load of the value word (live or ABSENT); or, at the first empty
     * key word of the probe, the load of that entry's value word finding it not frozen (ABSENT): the key is
     * in none of the entries before it (claimed by other keys forever); it has not claimed this one with a
     * value; the table is not yet replaced (replacing needs every entry frozen), so no operation has inserted
     * the key straight into `next`; and it cannot have reached `next` through a full table. An empty entry
     * that IS frozen sends the probe on to `next`. Updates: their successful value CAS; a failed conditional
     * update: the value load that decided it.
     *
     * Resize (cooperative, no thread waits). A writer that claims an entry past the load limit (claimed
     * entries > capacity / 2), or finds the table full, installs `next` (CAS; a loser frees its block). Then
     * threads claim chunks of CHUNK entries from `cursor` (getAndAdd); the owner of a chunk is the only thread
     * copying its entries, one at a time:
     *   - ABSENT (empty or tombstone): CAS ABSENT -> MOVED; the key is absent from now on in every table.
     *   - live s: forward(next, key, s) claims the key's entry in `next` and CASes its value to s; then CAS
     *     s -> MOVED in the old entry. If that CAS fails (a writer changed s), forward the new value (ABSENT
     *     included) and retry. Until the old entry says MOVED every operation on that key uses the old entry,
     *     so the forwarded copy is invisible and its only writer is the copier; a `next` that is itself being
     *     copied forwards onward the same way (a MOVED value in `next` sends forward() one table further).
     * Writers seeing MOVED, or a full table, continue in `next` after copying one chunk themselves; readers
     * just follow. The thread that brings `done` to capacity + 1 advances `table` past every fully copied
     * table (CAS) and retires each through guard.defer(free): a reader that loaded it had its guard open
     * before the CAS. A copier that stalls delays only the end of the resize and the freeing of the old table;
     * one that throws (the allocator failed further on) gives the rest of its chunk back to `returned`.
     *
     * Memory-order pairs. key word: CAS (claim) -> acquire load in probes. value word: CAS -> acquire load;
     * the key is claimed (CAS) before its value is first set, so a live value implies a visible key.
     * `next`: CAS in ensureNext() -> volatile reads; it happens before any MOVED in that table, so a reader
     * that saw MOVED (acquire) sees `next`. `table`: CAS in advance() -> volatile read per operation.
     * cursor/done: getAndAdd (volatile). closed: CAS in close() -> volatile read in checkOpen().
     *
     * Garbage: only whole tables, one per completed resize, freed after a grace period of the reclaimer.
     *
     * References. C. Click, "A Lock-Free Wait-Free Hash Table" (2007; the key-claim/value-CAS split and
     * cooperative copy with a frozen-value mark); M. Herlihy, N. Shavit, "The Art of Multiprocessor
     * Programming", ch. 13 (open addressing).
     */

    /** The value that marks an empty entry; it cannot be stored. */
    public static final long RESERVED_EMPTY = Long.MIN_VALUE;
    /** The value that marks a moved entry during a resize; it cannot be stored. */
    public static final long RESERVED_MOVED = Long.MIN_VALUE + 1;

    /** Bytes per entry: key word then value word. */
    static final int ENTRY = 16;
    private static final int VALUE_OFFSET = 8;
    /** Stored value of an empty or removed entry (zeroed memory). */
    private static final long ABSENT = 0;
    /** Stored value of an entry whose key now lives in the next table. */
    private static final long MOVED = 1;
    /** Entries copied per chunk claim. */
    static final int CHUNK = 1024;
    /** Smallest table. */
    static final long MIN_CAPACITY = 16;
    /** Largest table: 2^30 entries (16 GiB). */
    static final long MAX_CAPACITY = 1L << 30;

    // update modes
    private static final int PUT = 0;
    private static final int PUT_IF_ABSENT = 1;
    private static final int REPLACE = 2;
    private static final int REPLACE_IF_EQUAL = 3;
    private static final int REMOVE = 4;
    private static final int REMOVE_IF_EQUAL = 5;

    private final Reclaimer reclaimer;
    private final SlabAllocator allocator;
    private final long minCapacity;
    /** Present keys (an estimate while operations run). */
    private final LongAdder count = new LongAdder();
    private volatile Table table; // volatile: read per operation, CASed by advance()
    private volatile long resizes; // volatile: getAndAdd by advance(); diagnostics and tests
    private volatile boolean closed; // volatile: read by every operation, CASed by close()

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
     * Creates an empty map whose first table holds {@code expectedSize} keys at half load (it grows beyond).
     *
     * @param reclaimer    frees replaced tables; any scheme; not owned
     * @param allocator    where the tables live; not owned
     * @param expectedSize a hint, at least 0
     * @throws NullPointerException      if an argument is null
     * @throws IllegalArgumentException  if {@code expectedSize} is negative
     * @throws IllegalStateException     if the reclaimer is closed
     * @throws OffHeapExhaustedException if the first table does not fit in the allocator
     */
    public LongOpenHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize) {
        this(reclaimer, allocator, expectedSize, MIN_CAPACITY);
    }

    /** Tests: {@code smallest} (a power of two >= 2) replaces MIN_CAPACITY, so that tiny maps resize often. */
    LongOpenHashMap(Reclaimer reclaimer, SlabAllocator allocator, long expectedSize, long smallest) {
        this.reclaimer = Objects.requireNonNull(reclaimer,
                "reclaimer must not be null; pass e.g. Scheme.EBR.create()");
        this.allocator = Objects.requireNonNull(allocator,
                "allocator must not be null; pass e.g. SlabAllocator.create()");
        if (expectedSize < 0) {
            throw new IllegalArgumentException("expectedSize must be >= 0, got " + expectedSize);
        }
        if (reclaimer.isClosed()) {
            throw new IllegalStateException("reclaimer '" + reclaimer.name()
                    + "' is closed; create the map with an open reclaimer");
        }
        if (smallest < 2 || Long.bitCount(smallest) != 1) {
            throw new IllegalArgumentException("smallest capacity must be a power of two >= 2, got " + smallest);
        }
        this.minCapacity = capacityFor(expectedSize * 2, smallest);
        TABLE.setVolatile(this, newTable(minCapacity)); // volatile: the first table, before the map is shared
    }

    // ---------------------------------------------------------------- operations

    /**
     * The value mapped to {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key is not present
     * @return the value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    @Override
    public long get(long key, long absent) {
        checkOpen("get()");
        try (Guard g = reclaimer.enter()) {
            return decode(storedValue(table, key, OrderedListCore.mix(key)), absent); // volatile table: pairs with advance()
        }
    }

    /**
     * Whether {@code key} is present.
     *
     * @param key the key
     * @return {@code true} if present at the linearization point
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    @Override
    public boolean containsKey(long key) {
        checkOpen("containsKey()");
        try (Guard g = reclaimer.enter()) {
            return storedValue(table, key, OrderedListCore.mix(key)) != ABSENT; // volatile table: as in get()
        }
    }

    /**
     * Maps {@code key} to {@code value}, inserting or replacing.
     *
     * @param key    the key
     * @param value  the value; not {@link #RESERVED_EMPTY} or {@link #RESERVED_MOVED}
     * @param absent returned when the key was not present
     * @return the previous value, or {@code absent}
     * @throws IllegalArgumentException  if {@code value} is reserved
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if a larger table is needed and does not fit (the map is unchanged)
     */
    @Override
    public long put(long key, long value, long absent) {
        return decode(update("put()", key, encode(value), PUT, 0), absent);
    }

    /**
     * Maps {@code key} to {@code value} only if the key is not present.
     *
     * @param key    the key
     * @param value  the value; not {@link #RESERVED_EMPTY} or {@link #RESERVED_MOVED}
     * @param absent returned when the key was not present (and the value was inserted)
     * @return the present value (nothing changed), or {@code absent} (inserted)
     * @throws IllegalArgumentException  if {@code value} is reserved
     * @throws IllegalStateException     if the map or its reclaimer is closed
     * @throws OffHeapExhaustedException if a larger table is needed and does not fit (the map is unchanged)
     */
    @Override
    public long putIfAbsent(long key, long value, long absent) {
        return decode(update("putIfAbsent()", key, encode(value), PUT_IF_ABSENT, 0), absent);
    }

    /**
     * Replaces the value of {@code key} only if it is present.
     *
     * @param key    the key
     * @param value  the new value; not {@link #RESERVED_EMPTY} or {@link #RESERVED_MOVED}
     * @param absent returned when the key was not present (nothing changed)
     * @return the previous value, or {@code absent}
     * @throws IllegalArgumentException if {@code value} is reserved
     * @throws IllegalStateException    if the map or its reclaimer is closed
     */
    @Override
    public long replaceIfPresent(long key, long value, long absent) {
        return decode(update("replaceIfPresent()", key, encode(value), REPLACE, 0), absent);
    }

    /**
     * Replaces the value of {@code key} only if it is present and equal to {@code expected}: a
     * compare-and-set on the entry, the building block of compute-style updates.
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @param value    the new value; not {@link #RESERVED_EMPTY} or {@link #RESERVED_MOVED}
     * @return {@code true} if replaced
     * @throws IllegalArgumentException if {@code value} is reserved
     * @throws IllegalStateException    if the map or its reclaimer is closed
     */
    @Override
    public boolean replace(long key, long expected, long value) {
        long s = encode(value);
        if (isReserved(expected)) {
            checkOpen("replace()");
            return false; // a reserved value is never stored
        }
        return update("replace()", key, s, REPLACE_IF_EQUAL, expected ^ Long.MIN_VALUE) != ABSENT;
    }

    /**
     * Removes {@code key}.
     *
     * @param key    the key
     * @param absent returned when the key was not present
     * @return the removed value, or {@code absent}
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    @Override
    public long remove(long key, long absent) {
        return decode(update("remove()", key, ABSENT, REMOVE, 0), absent);
    }

    /**
     * Removes {@code key} only if it is mapped to {@code expected}.
     *
     * @param key      the key
     * @param expected the value the entry must have
     * @return {@code true} if removed
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    @Override
    public boolean removeIfEquals(long key, long expected) {
        if (isReserved(expected)) {
            checkOpen("removeIfEquals()");
            return false; // a reserved value is never stored
        }
        return update("removeIfEquals()", key, ABSENT, REMOVE_IF_EQUAL, expected ^ Long.MIN_VALUE) != ABSENT;
    }

    /**
     * Calls {@code action} for every entry, in table order; weakly consistent like
     * {@code ConcurrentHashMap}'s iteration: each key at most once, every entry present for the whole call is
     * seen, concurrent insertions and removals may or may not be, and the table may be resized meanwhile.
     * Allocates nothing per entry. The call holds one guard throughout (with EBR it holds back reclamation
     * for its duration); {@code action} may read and update the map.
     *
     * @param action what to do with each entry
     * @throws NullPointerException  if {@code action} is null
     * @throws IllegalStateException if the map or its reclaimer is closed
     */
    @Override
    public void forEach(LongLongConsumer action) {
        Objects.requireNonNull(action, "action must not be null");
        checkOpen("forEach()");
        try (Guard g = reclaimer.enter()) {
            Table first = table; // volatile: pairs with advance(); the guard keeps it and its successors
            for (Table t = first; t != null; t = t.next) { // volatile next: pairs with ensureNext()
                for (long i = 0; i <= t.capacity; i++) {
                    long e = t.base + i * ENTRY;
                    long k = i == t.capacity ? 0 : keyAcquire(e); // acquire: pairs with the claim CAS
                    if (i != t.capacity && k == 0) {
                        continue;
                    }
                    if (t != first && claimedEarlier(first, t, k)) {
                        continue; // reported (or found absent) through the older table's entry
                    }
                    long s = valueAcquire(e); // acquire: pairs with the value CASes
                    if (s == MOVED) {
                        s = storedValue(t.next, k, OrderedListCore.mix(k)); // volatile next: set before MOVED
                    }
                    if (s != ABSENT) {
                        action.accept(k, s ^ Long.MIN_VALUE);
                    }
                }
            }
        }
    }

    /**
     * An estimate of the number of entries: exact when no operation is in progress. Never negative.
     *
     * @return the estimated size
     * @throws IllegalStateException if the map is closed
     */
    @Override
    public long size() {
        checkOpen("size()");
        return Math.max(0, count.sum());
    }

    /**
     * Whether the {@linkplain #size() size estimate} is 0.
     *
     * @return {@code true} if no entry is counted
     * @throws IllegalStateException if the map is closed
     */
    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The number of entries of the current table (a power of two), for diagnostics.
     *
     * @return the capacity of the table new operations start in
     */
    public long capacity() {
        return table.capacity; // volatile: pairs with advance()
    }

    /**
     * How many resizes have completed (tables replaced), for diagnostics.
     *
     * @return the number of completed resizes
     */
    public long resizeCount() {
        return resizes; // volatile: pairs with the getAndAdd in advance()
    }

    /**
     * The reclaimer that frees this map's replaced tables.
     *
     * @return the reclaimer given at construction
     */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    /**
     * The allocator this map's tables live in.
     *
     * @return the allocator given at construction
     */
    public SlabAllocator allocator() {
        return allocator;
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees the current table (and any table a resize in progress was filling). Tables replaced by finished
     * resizes are freed by the reclaimer (close it after the map). Must not run concurrently with other
     * operations; the allocator must be open.
     *
     * @throws IllegalStateException if the map is already closed
     */
    @Override
    public void close() {
        if (!CLOSED.compareAndSet(this, false, true)) { // CAS: exactly one closer; pairs with checkOpen()
            throw new IllegalStateException("LongOpenHashMap is already closed; close it exactly once"
                    + " (try-with-resources does it for you)");
        }
        for (Table t = table; t != null; t = t.next) { // volatile: quiescent by contract; pairs with the CASes
            allocator.free(t.raw);
        }
    }

    @Override
    public String toString() {
        return closed ? "LongOpenHashMap[closed]"
                : "LongOpenHashMap[size~" + Math.max(0, count.sum()) + ", capacity=" + table.capacity
                + ", reclaimer=" + reclaimer.name() + "]";
    }

    // ---------------------------------------------------------------- lookups

    /** Test hook: the table new operations start in (valid while the caller holds a guard). */
    Table currentTable() {
        return table; // volatile: pairs with advance()
    }

    /** Test hook: get() as a reader that loaded {@code t} earlier would run it (the caller holds a guard). */
    static long getFrom(Table t, long key, long absent) {
        return decode(storedValue(t, key, OrderedListCore.mix(key)), absent);
    }

    /** The stored value of {@code key} from table {@code t} on (ABSENT if absent); the caller holds a guard. */
    private static long storedValue(Table t, long key, long h) {
        while (true) {
            long e = t.find(key, h);
            if (e == 0) {
                return ABSENT; // an empty key word: linearization point of "absent"
            }
            if (e != Table.FULL) {
                long s = valueAcquire(e); // acquire: pairs with the value CASes
                if (s != MOVED) {
                    return s;
                }
            }
            t = t.next; // volatile: set before any MOVED or before the table filled for good
            if (t == null) {
                return ABSENT; // full and not resizing: absent
            }
        }
    }

    /** Whether a table from {@code first} up to (excluding) {@code t} has an entry claimed for {@code k}. */
    private static boolean claimedEarlier(Table first, Table t, long k) {
        long h = OrderedListCore.mix(k);
        for (Table u = first; u != t; u = u.next) { // volatile next: pairs with ensureNext()
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
        long h = OrderedListCore.mix(key);
        boolean inserts = mode == PUT || mode == PUT_IF_ABSENT;
        try (Guard g = reclaimer.enter()) {
            Table t = table; // volatile: pairs with advance()
            if (t.next != null) { // volatile: a resize is running; help it with one chunk
                helpCopy(g, t);
            }
            outer:
            while (true) {
                long e = inserts ? claim(g, t, key, h) : t.find(key, h);
                if (e == 0) {
                    return ABSENT; // not present, nothing to insert
                }
                if (e == Table.FULL) {
                    Table n = inserts ? ensureNext(g, t, true) : t.next; // volatile next
                    if (n == null) {
                        return ABSENT;
                    }
                    t = n;
                    continue;
                }
                while (true) {
                    long cur = valueVolatile(e); // volatile: the CAS below needs the latest value anyway
                    if (cur == MOVED) {
                        helpCopy(g, t);
                        t = t.next; // volatile: set before this MOVED
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
                    if (casValue(e, cur, s)) { // CAS: the linearization point of the update
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
            long probes = ((e - t.base) / ENTRY - h) & t.mask; // distance from the key's home entry
            if (((h >>> 59) == 0 || probes > 8) && t.claimed.sum() > t.capacity >>> 1) {
                Table n = ensureNext(g, t, false);
                if (n != null) {
                    while (helpCopy(g, t)) {
                        // the starter copies until no chunk is left
                    }
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
        Table n = t.next; // volatile: pairs with the CAS below
        if (n != null) {
            return n;
        }
        long live = Math.max(0, count.sum());
        long cap = live * 4 >= t.capacity ? t.capacity * 2 : t.capacity; // grow, or shed tombstones
        cap = Math.min(Math.max(cap, minCapacity), MAX_CAPACITY);
        if (cap == t.capacity && needed && t.claimed.sum() >= t.capacity) {
            cap = Math.min(cap * 2, MAX_CAPACITY);
        }
        Table fresh;
        try {
            fresh = newTable(cap);
        } catch (OffHeapExhaustedException ex) {
            if (needed) {
                throw ex;
            }
            return null;
        }
        if (!NEXT.compareAndSet(t, null, fresh)) { // CAS: publishes the zeroed table; pairs with next reads
            allocator.free(fresh.raw); // another thread installed one first; ours was never shared
        }
        return t.next; // volatile: whichever won
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
            if (t.cursorOpaque() >= total) { // opaque: a hint; the getAndAdd below decides
                return false;
            }
            start = (long) CURSOR.getAndAdd(t, (long) CHUNK); // volatile RMW: claims [start, start + CHUNK)
            if (start >= total) {
                return false;
            }
            end = Math.min(start + CHUNK, total);
        }
        Table n = t.next; // volatile: installed before any chunk is claimed
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
        if ((long) DONE.getAndAdd(t, entries) + entries == t.capacity + 1) { // volatile RMW: pairs with advance()
            advance(g);
        }
    }

    /** Moves entry {@code i} of {@code t} into {@code n}; only the owner of its chunk calls this. */
    private void copyEntry(Guard g, Table t, Table n, long i) {
        long e = t.base + i * ENTRY;
        long key = 0;
        boolean forwarded = false;
        while (true) {
            long s = valueAcquire(e); // acquire: pairs with the value CASes (a live value implies its key)
            if (s == ABSENT && !forwarded) {
                if (casValue(e, ABSENT, MOVED)) { // CAS: freezes an empty or removed entry
                    return;
                }
                continue;
            }
            if (!forwarded && i != t.capacity) {
                key = keyAcquire(e); // acquire: claimed before the value was first set
            }
            forward(g, n, key, OrderedListCore.mix(key), s);
            forwarded = true;
            if (casValue(e, s, MOVED)) { // CAS: from now on the key's value lives in n
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
            long cur = valueVolatile(e); // volatile: read for the CAS
            if (cur == MOVED) {
                t = t.next; // volatile: set before this MOVED
                continue;
            }
            if (casValue(e, cur, s)) { // CAS: races only with the copier of t moving this entry on
                return;
            }
        }
    }

    /** Moves {@code table} past every fully copied table and retires each after a grace period. */
    private void advance(Guard g) {
        while (true) {
            Table h = table; // volatile: pairs with the CAS below
            Table n = h.next; // volatile: pairs with ensureNext()
            if (n == null || h.doneVolatile() != h.capacity + 1) {
                return;
            }
            if (TABLE.compareAndSet(this, h, n)) { // CAS: new operations start in n; pairs with the table reads
                RESIZES.getAndAdd(this, 1L); // volatile RMW: a counter only
                long raw = h.raw;
                g.defer(() -> allocator.free(raw)); // after every guard that may have loaded h has closed
            }
        }
    }

    // ---------------------------------------------------------------- tables

    private Table newTable(long capacity) {
        long raw = allocator.allocateZeroed((capacity + 1) * ENTRY + 64); // + 64: room to align to a line
        return new Table(raw, capacity);
    }

    private static long capacityFor(long slots, long smallest) {
        long c = Math.max(smallest, Math.min(slots, MAX_CAPACITY));
        return Long.highestOneBit(c - 1) << 1;
    }

    /** One table: its off-heap entries and its resize state (on the heap; one object per resize). */
    static final class Table {
        /** find() result for "not in this table: continue in next, if any" (full or frozen table). */
        static final long FULL = -1;

        final long raw;
        final long base;
        final long capacity;
        final long mask;
        final LongAdder claimed = new LongAdder();
        /** Chunk remainders given back by copiers that threw; taken before new chunks. */
        final ConcurrentLinkedQueue<long[]> returned = new ConcurrentLinkedQueue<>();
        volatile Table next; // volatile: CASed once by ensureNext(); read by operations that saw MOVED or FULL
        volatile long cursor; // volatile: getAndAdd by chunk claims
        volatile long done; // volatile: getAndAdd by finished chunks

        Table(long raw, long capacity) {
            this.raw = raw;
            this.base = (raw + 63) & ~63L;
            this.capacity = capacity;
            this.mask = capacity - 1;
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
                return base + capacity * ENTRY;
            }
            long i = h & mask;
            for (long n = 0; n < capacity; n++) {
                long e = base + i * ENTRY;
                long k = keyAcquire(e); // acquire: pairs with the claim CAS below
                if (k == 0) {
                    // acquire: pairs with the copier's freezing CAS. Frozen: the table may already be
                    // replaced and the key inserted straight into `next`, so the caller must look there.
                    if (valueAcquire(e) == MOVED) {
                        return FULL;
                    }
                    if (!claim) {
                        return 0;
                    }
                    k = Memory.compareAndExchangeLong(e, 0, key); // CAS: claims the entry (once, forever)
                    if (k == 0) {
                        return -e;
                    }
                }
                if (k == key) {
                    return e;
                }
                i = (i + 1) & mask;
            }
            return FULL;
        }

        long cursorOpaque() {
            return (long) CURSOR.getOpaque(this); // opaque: a hint before the getAndAdd
        }

        long doneVolatile() {
            return done; // volatile: pairs with the getAndAdd in helpCopy()
        }
    }

    // ---------------------------------------------------------------- entry accessors

    private static long keyAcquire(long entry) {
        return Memory.getLongAcquire(entry); // acquire: pairs with the claim CAS
    }

    private static long valueAcquire(long entry) {
        return Memory.getLongAcquire(entry + VALUE_OFFSET); // acquire: pairs with the value CASes
    }

    private static long valueVolatile(long entry) {
        return Memory.getLongVolatile(entry + VALUE_OFFSET); // volatile: pairs with the value CASes
    }

    private static boolean casValue(long entry, long expected, long value) {
        return Memory.compareAndSetLong(entry + VALUE_OFFSET, expected, value); // CAS: see the callers
    }

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

    private void checkOpen(String op) {
        if (closed) { // volatile read: pairs with the CAS in close()
            throw new IllegalStateException("LongOpenHashMap is closed; call " + op
                    + " before close(), or create a new map");
        }
    }

    // VarHandle mechanics
    private static final VarHandle CLOSED;
    private static final VarHandle TABLE;
    private static final VarHandle RESIZES;
    private static final VarHandle NEXT;
    private static final VarHandle CURSOR;
    private static final VarHandle DONE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLOSED = l.findVarHandle(LongOpenHashMap.class, "closed", boolean.class);
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
