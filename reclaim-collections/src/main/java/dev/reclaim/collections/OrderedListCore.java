package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.DUMMY;
import static dev.reclaim.collections.OrderedListLayout.MARK;
import static dev.reclaim.collections.OrderedListLayout.META_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.NEXT_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.NODE_SIZE;
import static dev.reclaim.collections.OrderedListLayout.OKEY_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.VALUE_OFFSET;

import dev.reclaim.Guard;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.concurrent.atomic.LongAdder;

/**
 * The lock-free ordered linked list (Harris's logical deletion, Michael's hazard-pointer-safe traversal) that
 * {@link HarrisMichaelList} uses directly and {@link LongHashMap} uses as its one split-ordered list. Every
 * operation runs inside a guard the caller opened and starts at a node the caller names ({@code start}: the
 * list's head sentinel, or a hash map bucket node), which must never be deleted while the structure is open.
 * Not thread-confined: one instance per structure, shared by all threads.
 */
final class OrderedListCore {

    /*
     * Implementation notes
     *
     * Nodes (OrderedListLayout): next | okey | value | meta, 32 bytes. Ordering is by okey compared unsigned,
     * ties broken by "bucket (dummy) node before regular node" (only the hash map has dummies; a regular node
     * and a dummy can share an okey there). A regular okey appears at most once among unmarked nodes.
     *
     * Invariants.
     *   I1. Following next from a start node visits nodes in non-decreasing (okey, regular) order and ends at 0;
     *       unmarked regular okeys are strictly increasing.
     *   I2. A node is logically deleted when its next word is marked (bit 0). A marked word never changes again.
     *       Only marked nodes are unlinked, so every unmarked node is reachable from the head (Harris).
     *   I3. A node's okey, value and meta are written before the CAS that publishes it and never change while it
     *       can be reached or is protected. An update of a present key therefore does not write the value: it
     *       publishes a replacement node r with r.next = c.next by the single CAS c.next: n -> r | MARK, which
     *       deletes c and makes r present at the same instant (r is reachable only through c until c is
     *       unlinked, and every traversal unlinks marked nodes before passing them).
     *   I4. A node is retired exactly once, by the thread whose CAS pred.next: c -> succ unlinked it; after that
     *       it is unreachable from every start node (pred was unmarked, hence linked, at the CAS; nodes are only
     *       ever linked when new). Start nodes are never marked, unlinked or retired.
     *
     * find(start, target) (Michael 2002, with the Guard API). Three protection slots rotate among pred, curr
     *   and next. curr = protect(pred.next); loop { next = protect(curr.next); re-check pred.next == curr
     *   (unmarked); if next is marked: CAS pred.next curr -> next, retire curr (or restart on failure);
     *   else if curr >= target: return (pred, curr); else advance }. Why it is safe with hazard pointers:
     *   protect(curr.next) publishes next and re-reads curr.next; the following re-check that pred.next still
     *   holds curr unmarked shows that pred was linked (I2) and curr still linked after the publication, so
     *   next, which can only be unlinked after curr is (a marked curr.next is frozen, I2), was not yet retired
     *   when the hazard became visible. Nodes are never dereferenced before that validation; a failed
     *   validation restarts from the start node. With EBR the guard alone keeps every node alive and protect
     *   is an acquire load.
     *   find returns pred | slotOfCurr (pred is 16-byte aligned). Writers re-protect curr into that slot from
     *   pred.next and re-validate (unmarked, curr >= target), restarting otherwise; this keeps one traversal
     *   loop for every operation without allocating a result object. Lookups (locate) use the same loop
     *   returning the node itself, with no re-protect.
     *
     * Linearization points. get/contains (locate, which returns the node itself instead of pred): the read of
     *   the found node's next word, unmarked, validated by pred.next == node afterwards; for "absent", the load
     *   of pred.next (unmarked, so pred was linked) that returned a greater node or 0. insert: the CAS of
     *   pred.next; update of a present key: the CAS c.next n -> r|MARK (I3); remove: the CAS that marks c.next.
     *   The unlink CASes are not linearization points (they only clean up).
     *
     * Memory-order pairs. Every write of a next word is a CAS (volatile), and node fields are initialised with
     *   plain writes before the CAS that publishes the node. Every read of a next word is an acquire load
     *   (protect or getLongAcquire) that pairs with that CAS, so the plain reads of okey/value/meta after it see
     *   the initialised fields. The hash map's bucket state word: written release after the bucket node is
     *   linked, read acquire before the node is used as a start node (pairs in LongHashMap).
     *
     * ABA. Every CAS compares a next word with a node that this thread protects (pred and curr are protected
     *   while the CAS runs), so that address cannot be freed and reused in between (I4 + the reclaimer contract).
     *
     * Garbage. Each deleted or replaced node is retired once it is unlinked, with its birth era (meta >>> 1).
     *   Per scheme: EBR holds back every node unlinked during the longest open guard; hazard pointers at most
     *   3 protected nodes per guard plus the retire batch per thread.
     *
     * References. T. Harris, "A Pragmatic Implementation of Non-Blocking Linked-Lists", DISC 2001.
     *   M. M. Michael, "High Performance Dynamic Lock-Free Hash Tables and List-Based Sets", SPAA 2002.
     *   O. Shalev, N. Shavit, "Split-Ordered Lists: Lock-Free Extensible Hash Tables", JACM 2006.
     */

    /** Low bits of find()'s result holding the slot of curr. */
    private static final long SLOT_MASK = 3;

    /** update() mode: insert or replace. */
    static final int PUT = 0;
    /** update() mode: insert only. */
    static final int PUT_IF_ABSENT = 1;
    /** update() mode: replace only. */
    static final int REPLACE = 2;
    /** update() mode: replace only if the current value equals {@code expected}; returns 1 on success, 0 if not. */
    static final int REPLACE_IF_EQUAL = 3;

    /** update() mode: insert only; returns 1 if inserted, 0 if the key was present. */
    static final int ADD = 4;

    /** remove() mode: unconditional. */
    static final int REMOVE = 0;
    /** remove() mode: only if the value equals {@code expected}; returns 1 on success, 0 if not. */
    static final int REMOVE_IF_EQUAL = 1;
    /** remove() mode: unconditional; returns 1 if removed, 0 if absent. */
    static final int DELETE = 2;

    /** Returned by {@link LongHashMap#slotOkey(long)} for an address that is not a bucket node (okeys of bucket
     *  nodes are even). */
    static final long NOT_A_SLOT = 1;

    private final SlabAllocator allocator;
    /** The hash map whose bucket nodes can be recognised by address, or null for a plain list. */
    private final LongHashMap buckets;
    /** Whether okeys are split-order hashes (map) or sign-flipped keys (list): how a key is decoded. */
    private final boolean hashed;
    /** Inserts minus removes after their linearization point; an estimate while operations run. */
    private final LongAdder size = new LongAdder();

    OrderedListCore(SlabAllocator allocator, LongHashMap buckets) {
        this.allocator = allocator;
        this.buckets = buckets;
        this.hashed = buckets != null;
    }

    SlabAllocator allocator() {
        return allocator;
    }

    long size() {
        return Math.max(0L, size.sum());
    }

    // ---------------------------------------------------------------- keys

    /** The list's okey: flipping the sign bit makes unsigned order equal signed order. */
    static long listOkey(long key) {
        return key ^ Long.MIN_VALUE;
    }

    /**
     * The map's 64-bit hash: MurmurHash3's fmix64 finaliser, a bijection on 64 bits, so a regular node's okey
     * ({@code Long.reverse(hash)}) identifies its key and the node needs no key word.
     */
    static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The inverse of {@link #mix(long)}. */
    static long unmix(long hash) {
        long h = hash;
        h ^= h >>> 33;
        h *= INV_C2;
        h ^= h >>> 33;
        h *= INV_C1;
        h ^= h >>> 33;
        return h;
    }

    private static final long INV_C1 = inverse(0xff51afd7ed558ccdL);
    private static final long INV_C2 = inverse(0xc4ceb9fe1a85ec53L);

    /** Multiplicative inverse of an odd number modulo 2^64 (Newton iteration). */
    private static long inverse(long odd) {
        long x = odd; // correct to 3 bits for odd numbers
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    private long keyOf(long okey) {
        return hashed ? unmix(Long.reverse(okey)) : okey ^ Long.MIN_VALUE;
    }

    // ---------------------------------------------------------------- node fields

    static long nextAcquire(long node) {
        return Memory.getLongAcquire(node + NEXT_OFFSET); // acquire: pairs with the CAS that wrote it
    }

    private static boolean casNext(long node, long expected, long value) {
        return Memory.compareAndSetLong(node + NEXT_OFFSET, expected, value); // CAS: pairs with acquire reads of next
    }

    static void setNextPlain(long node, long next) {
        Memory.putLong(node + NEXT_OFFSET, next); // plain: node not yet published; the publishing CAS orders it
    }

    static long nextPlain(long node) {
        return Memory.getLong(node + NEXT_OFFSET); // plain: quiescent callers only (close)
    }

    static long okeyPlain(long node) {
        return Memory.getLong(node + OKEY_OFFSET); // plain: written before publication (I3)
    }

    static void setOkeyPlain(long node, long okey) {
        Memory.putLong(node + OKEY_OFFSET, okey); // plain: before publication
    }

    static long valuePlain(long node) {
        return Memory.getLong(node + VALUE_OFFSET); // plain: written before publication, immutable (I3)
    }

    private static void setValuePlain(long node, long value) {
        Memory.putLong(node + VALUE_OFFSET, value); // plain: before publication
    }

    static long metaPlain(long node) {
        return Memory.getLong(node + META_OFFSET); // plain: written before publication (I3)
    }

    static void setMetaPlain(long node, long meta) {
        Memory.putLong(node + META_OFFSET, meta); // plain: before publication
    }

    private static boolean isDummy(long node) {
        return (metaPlain(node) & DUMMY) != 0;
    }

    /**
     * Compares node {@code n} (protected, validated) with the target (tk, td): dummy before regular on ties. A
     * hash map bucket node is recognised by its address and compared without touching its memory (one cache
     * miss fewer for every lookup that ends at the next bucket).
     */
    private int compare(long n, long tk, boolean td) {
        if (buckets != null) {
            long dk = buckets.slotOkey(n);
            if (dk != NOT_A_SLOT) {
                return compareSlot(dk, tk, td);
            }
        }
        return compareRegular(n, tk, td);
    }

    /** Compares a bucket node with okey {@code dk} (known from its address) with the target. */
    private static int compareSlot(long dk, long tk, boolean td) {
        return dk != tk ? Long.compareUnsigned(dk, tk) : (td ? 0 : -1);
    }

    /** Compares node {@code n}, read from memory, with the target. */
    private static int compareRegular(long n, long tk, boolean td) {
        long k = okeyPlain(n);
        if (k != tk) {
            return Long.compareUnsigned(k, tk);
        }
        boolean nd = isDummy(n);
        return nd == td ? 0 : (nd ? -1 : 1);
    }

    private void retire(Guard g, long node) {
        g.retire(node, metaPlain(node) >>> 1, allocator);
    }

    // ---------------------------------------------------------------- traversal

    /**
     * Finds the first node {@code >= (tk, td)} (or {@code > } when {@code strict}) after {@code start},
     * unlinking and retiring the marked nodes it meets.
     *
     * @return {@code pred | slot}: pred is the last node before it (unmarked and linked when validated; the
     *         start node at least), protected; slot is the protection slot the caller must re-protect curr into
     */
    private long find(Guard g, long start, long tk, boolean td, boolean strict) {
        return search(g, start, tk, td, strict, false);
    }

    /**
     * The traversal behind {@link #find} and {@link #locate}: with {@code node == false} it returns
     * {@code pred | slot} as find() documents; with {@code node == true} it returns the node equal to the
     * target, validated present (its next word was read unmarked while pred still linked it), or 0.
     */
    private long search(Guard g, long start, long tk, boolean td, boolean strict, boolean node) {
        retry:
        for (;;) {
            int sp = 0;
            int sc = 1;
            int sn = 2;
            long pred = start;
            long curr = g.protect(sc, pred + NEXT_OFFSET); // acquire: pairs with the CAS that linked curr
            for (;;) {
                if (curr == 0) {
                    return node ? 0 : pred | sc;
                }
                long dk = buckets == null ? NOT_A_SLOT : buckets.slotOkey(curr);
                if (dk != NOT_A_SLOT) {
                    // A bucket node is never marked nor freed: compare it first, by address, and stop there
                    // without reading its memory when it is past the target (never equal to a regular target).
                    int cmp = compareSlot(dk, tk, td);
                    if (cmp > 0 || (cmp == 0 && !strict)) {
                        return node ? (cmp == 0 ? curr : 0) : pred | sc;
                    }
                }
                long next = g.protect(sn, curr + NEXT_OFFSET); // acquire: pairs with the CAS that wrote curr.next
                if (nextAcquire(pred) != curr) { // acquire: validates curr was still linked after protecting next
                    continue retry;
                }
                if ((next & MARK) != 0) {
                    long succ = next & ~MARK;
                    if (!casNext(pred, curr, succ)) { // CAS: unlink; pairs with acquire reads of pred.next
                        Thread.onSpinWait();
                        continue retry;
                    }
                    retire(g, curr);
                    curr = succ;
                    int t = sc;
                    sc = sn;
                    sn = t;
                    continue;
                }
                int cmp = dk != NOT_A_SLOT ? compareSlot(dk, tk, td) : compareRegular(curr, tk, td);
                if (cmp > 0 || (cmp == 0 && !strict)) {
                    // curr was unmarked when its next was read and pred still linked it afterwards: present then
                    return node ? (cmp == 0 ? curr : 0) : pred | sc;
                }
                pred = curr;
                curr = next;
                int t = sp;
                sp = sc;
                sc = sn;
                sn = t;
            }
        }
    }

    /**
     * The regular node with okey {@code tk}, or 0. The node stays protected until the guard closes or the
     * caller runs another operation with the same guard. Linearization point: the read of the found node's
     * unmarked next word, or for "absent" the read of pred.next that returned a greater node or 0.
     */
    long locate(Guard g, long start, long tk) {
        return search(g, start, tk, false, false, true);
    }

    /**
     * The first node after {@code start} (protected like {@link #locate}), or 0 if there is none; for a list
     * without bucket nodes: the smallest entry.
     */
    long first(Guard g, long start) {
        for (;;) {
            long pos = find(g, start, 0, true, false); // (0, dummy) is below every node
            long pred = pos & ~SLOT_MASK;
            long c = g.protect((int) (pos & SLOT_MASK), pred + NEXT_OFFSET); // acquire: pairs with the linking CAS
            if ((c & MARK) == 0) {
                return c;
            }
        }
    }

    /**
     * Inserts, replaces or conditionally replaces the regular entry {@code tk}.
     *
     * @return the previous value, or {@code absent} if there was none; for {@link #REPLACE_IF_EQUAL} 1 if
     *         replaced, 0 if not
     * @throws dev.reclaim.memory.OffHeapExhaustedException if a node is needed and the allocator is full; the
     *         structure is unchanged then
     */
    long update(Guard g, long start, long tk, long value, int mode, long expected, long absent) {
        long fresh = 0;
        for (;;) {
            long pos = find(g, start, tk, false, false);
            long pred = pos & ~SLOT_MASK;
            int cs = (int) (pos & SLOT_MASK);
            long c = g.protect(cs, pred + NEXT_OFFSET); // acquire: pairs with the CAS that linked c
            if ((c & MARK) != 0) {
                continue;
            }
            int cmp = c == 0 ? 1 : compare(c, tk, false);
            if (cmp < 0) {
                continue;
            }
            if (cmp == 0) {
                long old = valuePlain(c); // plain: immutable while c is protected (I3)
                if (mode == PUT_IF_ABSENT || mode == ADD || (mode == REPLACE_IF_EQUAL && old != expected)) {
                    freeUnpublished(fresh);
                    return mode == PUT_IF_ABSENT ? old : 0;
                }
                long cn = nextAcquire(c); // acquire: pairs with the CAS that wrote c.next
                if ((cn & MARK) != 0) {
                    continue; // c was deleted meanwhile
                }
                if (fresh == 0) {
                    fresh = newNode(g, tk, value);
                }
                setNextPlain(fresh, cn);
                if (casNext(c, cn, fresh | MARK)) { // CAS: replaces c by fresh (I3); publishes fresh
                    if (casNext(pred, c, fresh)) { // CAS: unlink c at once if pred is unchanged
                        retire(g, c);
                    } else {
                        find(g, start, tk, false, false); // unlinks (and retires) c, or someone else did
                    }
                    return mode == REPLACE_IF_EQUAL ? 1 : old;
                }
                Thread.onSpinWait();
                continue;
            }
            if (mode == REPLACE || mode == REPLACE_IF_EQUAL) {
                freeUnpublished(fresh);
                return mode == REPLACE_IF_EQUAL ? 0 : absent;
            }
            if (fresh == 0) {
                fresh = newNode(g, tk, value);
            }
            setNextPlain(fresh, c);
            if (casNext(pred, c, fresh)) { // CAS: publishes fresh; pairs with acquire reads of pred.next
                size.increment();
                return mode == ADD ? 1 : absent;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Removes the regular entry {@code tk} (if its value equals {@code expected}, for {@link #REMOVE_IF_EQUAL}).
     *
     * @return the removed value or {@code absent}; for {@link #REMOVE_IF_EQUAL} and {@link #DELETE} 1 if
     *         removed, 0 if not
     */
    long remove(Guard g, long start, long tk, int mode, long expected, long absent) {
        long fail = mode == REMOVE ? absent : 0;
        for (;;) {
            long pos = find(g, start, tk, false, false);
            long pred = pos & ~SLOT_MASK;
            long c = g.protect((int) (pos & SLOT_MASK), pred + NEXT_OFFSET); // acquire: pairs with the linking CAS
            if ((c & MARK) != 0) {
                continue;
            }
            int cmp = c == 0 ? 1 : compare(c, tk, false);
            if (cmp < 0) {
                continue;
            }
            if (cmp > 0) {
                return fail;
            }
            long old = valuePlain(c); // plain: immutable while c is protected (I3)
            if (mode == REMOVE_IF_EQUAL && old != expected) {
                return 0;
            }
            long cn = nextAcquire(c); // acquire: pairs with the CAS that wrote c.next
            if ((cn & MARK) != 0) {
                continue;
            }
            if (casNext(c, cn, cn | MARK)) { // CAS: the linearization point (logical deletion)
                size.decrement();
                if (casNext(pred, c, cn)) { // CAS: physical unlink
                    retire(g, c);
                } else {
                    find(g, start, tk, false, false); // unlinks c unless another thread already did
                }
                return mode == REMOVE ? old : 1;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Links the bucket node {@code dummy} (okey and meta already written, never published before) after
     * {@code start}. Called by exactly one thread per bucket node (the one that claimed it).
     */
    void insertDummy(Guard g, long start, long dummy) {
        long tk = okeyPlain(dummy);
        for (;;) {
            long pos = find(g, start, tk, true, false);
            long pred = pos & ~SLOT_MASK;
            long c = g.protect((int) (pos & SLOT_MASK), pred + NEXT_OFFSET); // acquire: pairs with the linking CAS
            if ((c & MARK) != 0) {
                continue;
            }
            if (c != 0 && compare(c, tk, true) <= 0) {
                continue; // stale position (equal is impossible: one claimant per bucket)
            }
            setNextPlain(dummy, c);
            if (casNext(pred, c, dummy)) { // CAS: publishes the bucket node; pairs with acquire reads of next
                return;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Calls {@code action} for each regular entry after {@code start}, in okey order, each at most once; entries
     * present for the whole call are seen, concurrent changes may or may not be (weakly consistent). Restarts
     * after a failed validation skip what was already delivered.
     */
    void forEach(Guard g, long start, LongLongConsumer action) {
        forEach(g, start, action, false);
    }

    /**
     * As {@link #forEach(Guard, long, LongLongConsumer)}; with {@code nodes} the action receives the node's
     * address (protected and validated present while the action runs) instead of its key.
     */
    void forEach(Guard g, long start, LongLongConsumer action, boolean nodes) {
        boolean delivered = false;
        long bound = 0;
        retry:
        for (;;) {
            int sp = 0;
            int sc = 1;
            int sn = 2;
            long pred = start;
            long curr = g.protect(sc, pred + NEXT_OFFSET); // acquire: pairs with the CAS that linked curr
            for (;;) {
                if (curr == 0) {
                    return;
                }
                long next = g.protect(sn, curr + NEXT_OFFSET); // acquire: pairs with the CAS that wrote curr.next
                if (nextAcquire(pred) != curr) { // acquire: validation as in find()
                    continue retry;
                }
                if ((next & MARK) != 0) {
                    long succ = next & ~MARK;
                    if (!casNext(pred, curr, succ)) { // CAS: unlink, as in find()
                        continue retry;
                    }
                    retire(g, curr);
                    curr = succ;
                    int t = sc;
                    sc = sn;
                    sn = t;
                    continue;
                }
                long k = okeyPlain(curr);
                if (!isDummy(curr) && (!delivered || Long.compareUnsigned(k, bound) > 0)) {
                    delivered = true;
                    bound = k;
                    action.accept(nodes ? curr : keyOf(k), valuePlain(curr));
                }
                pred = curr;
                curr = next;
                int t = sp;
                sp = sc;
                sc = sn;
                sn = t;
            }
        }
    }

    /** The key of regular node {@code node}. */
    long keyOfNode(long node) {
        return keyOf(okeyPlain(node));
    }

    private long newNode(Guard g, long tk, long value) {
        long n = allocator.allocate(NODE_SIZE); // may throw OffHeapExhaustedException: nothing changed yet
        setOkeyPlain(n, tk);
        setValuePlain(n, value);
        setMetaPlain(n, g.birthEra() << 1);
        return n;
    }

    private void freeUnpublished(long node) {
        if (node != 0) {
            allocator.free(node); // never published: no reader can have seen it
        }
    }

    /**
     * Frees every regular node reachable from {@code start} (marked ones too: reachable nodes were never
     * retired, I4). Quiescent callers only.
     */
    void freeAll(long start) {
        long n = nextPlain(start) & ~MARK;
        while (n != 0) {
            long next = nextPlain(n) & ~MARK;
            if (!isDummy(n)) {
                allocator.free(n);
            }
            n = next;
        }
        size.reset();
    }
}
