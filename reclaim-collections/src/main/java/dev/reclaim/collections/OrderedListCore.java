package dev.reclaim.collections;

import static dev.reclaim.collections.OrderedListLayout.DUMMY;
import static dev.reclaim.collections.OrderedListLayout.MARK;
import static dev.reclaim.collections.OrderedListLayout.META_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.NEXT_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.NODE_SIZE;
import static dev.reclaim.collections.OrderedListLayout.OKEY_OFFSET;
import static dev.reclaim.collections.OrderedListLayout.VALUE_OFFSET;

import dev.reclaim.Deleter;
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
     * Memory-order pairs. After construction every write of a next word is a CAS (volatile); every read of a
     *   next word in an operation is an acquire load (protectNext, nextAcquire).
     *   P1. Publication. A node's okey, value, meta and next are plain writes before the CAS that links it
     *       (casNext of pred.next in an insert, of c.next to r|MARK in a replacement, of pred.next in
     *       insertDummy). A thread reaches a node only through an acquire read of a next word that returned it,
     *       so its plain reads of okey/value/meta see them initialised, and they never change (I3).
     *   P2. Deletion. The marking CAS of c.next pairs with the acquire reads of c.next (protectNext in the
     *       traversal, nextAcquire in update/remove): a reader that saw the word unmarked read it before the
     *       deletion, and a marked word never changes again (I2).
     *   P3. Validation. The unlinking CAS of pred.next pairs with the acquire re-read nextAcquire(pred) that
     *       follows protectNext(curr): seeing pred.next == curr after next's protection was published shows
     *       curr was still linked then, hence next not yet retired (see find()).
     *   P4. Start nodes are reached without a next-word read, so their owner publishes them: the list's head
     *       sentinel by the release store setNextRelease() before the list is shared (HarrisMichaelList), a hash
     *       map bucket node by its READY state (a release store after the linking CAS, read with acquire
     *       before the node is used: LongHashMap's S2 and H3).
     *   Quiescent accesses (freeAll, under the lifecycle's L2) are plain.
     *
     * ABA. Every CAS compares a next word with a node that this thread protects (pred and curr are protected
     *   while the CAS runs), so that address cannot be freed and reused in between (I4 + the reclaimer contract).
     *
     * Garbage. Each deleted or replaced node is retired once it is unlinked, with its birth era (meta >>> 1).
     *   Per scheme: EBR holds back every node unlinked during the longest open guard; hazard pointers at most
     *   3 protected nodes per guard plus the retire batch per thread (HazardReclaimer.garbageBound()); robust:
     *   the birth era lets a stalled reader hold back only the nodes alive at its last read
     *   (RobustReclaimer.garbageBound(G, L)).
     *
     * Caller-built nodes (BytesHashMap's blobs: a node header followed by a payload, one block of any size).
     *   The caller allocates the node, writes its header with initNode() and its payload with plain stores,
     *   and hands it to insertNode (links it unless the okey is present), replaceNode or removeNode (act only
     *   if the present node of that okey is the address `expected`). A node that did not get linked was never
     *   published and the caller frees it; a linked one is retired by the core when it is unlinked (I4), with
     *   the deleter of variable-size nodes (the allocator, which looks the size up). locateInto() finds the
     *   node and re-protects it in a slot the traversals do not use (3): after find() has validated pred, it
     *   re-loads pred.next into that slot and accepts it only unmarked (pred linked at the load) and equal to
     *   the target, then reads the node's next word unmarked (present). With hazard pointers the protection
     *   was published before the re-load saw the node linked, so the node was not yet retired then (I4) and
     *   the scan keeps it. The node then stays protected while the same guard runs more traversals in slots
     *   0..2, and replaceNode/removeNode compare the found curr with `expected` by address: as the address
     *   cannot be freed and reused while protected, equal addresses mean the same node (the same version of
     *   the entry), and each CAS is then the one update() or remove() does on that node (same linearization
     *   points, P1-P3).
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

    /**
     * Returned by {@link LongHashMap#slotOkey(long)} for an address that is not a bucket node (okeys of bucket
     * nodes are even).
     */
    static final long NOT_A_SLOT = 1;

    private final SlabAllocator allocator;
    /**
     * What unlinked nodes are retired with: for fixed-size nodes a deleter that knows their size without a
     * lookup; for caller-built nodes of any size the allocator itself.
     */
    private final Deleter nodeDeleter;
    /** The hash map whose bucket nodes can be recognised by address, or null for a plain list. */
    private final LongHashMap buckets;
    /** Whether okeys are split-order hashes (map) or sign-flipped keys (list): how a key is decoded. */
    private final boolean hashed;
    /** Inserts minus removes after their linearization point; an estimate while operations run. */
    private final LongAdder size = new LongAdder();

    OrderedListCore(SlabAllocator allocator, LongHashMap buckets) {
        this(allocator, buckets, false);
    }

    /**
     * A core whose regular nodes are all {@link OrderedListLayout#NODE_SIZE} bytes, or with {@code builtNodes}
     * caller-built nodes of any size (see the notes), retired with the allocator as their deleter.
     */
    OrderedListCore(SlabAllocator allocator, LongHashMap buckets, boolean builtNodes) {
        this.allocator = allocator;
        this.nodeDeleter = builtNodes ? allocator : NodeDeleter.of(allocator, NODE_SIZE);
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

    private long keyOf(long okey) {
        return hashed ? Hashing.unmix(Long.reverse(okey)) : okey ^ Long.MIN_VALUE;
    }

    // ---------------------------------------------------------------- node fields
    // Named field + mode in Memory's vocabulary; each names the pair it belongs to, the call sites say why.

    static long protectNext(Guard g, int slot, long node) {
        return g.protect(slot, node + NEXT_OFFSET); // acquire (+ hazard): pairs with casNext (P1, P2)
    }

    static long nextAcquire(long node) {
        return Memory.getLongAcquire(node + NEXT_OFFSET); // acquire: pairs with casNext (P1, P2, P3)
    }

    private static boolean casNext(long node, long expected, long value) {
        return Memory.compareAndSetLong(node + NEXT_OFFSET, expected, value); // CAS: pairs with the acquire reads
    }

    static void setNextPlain(long node, long next) {
        Memory.putLong(node + NEXT_OFFSET, next); // plain: unpublished; the linking CAS publishes it (P1)
    }

    static void setNextRelease(long node, long next) {
        Memory.putLongRelease(node + NEXT_OFFSET, next); // release: a start node's link, pairs with P4
    }

    private static long nextPlain(long node) {
        return Memory.getLong(node + NEXT_OFFSET); // plain: quiescent callers only (freeAll)
    }

    private static long okeyPlain(long node) {
        return Memory.getLong(node + OKEY_OFFSET); // plain: immutable once published (P1, I3)
    }

    static void setOkeyPlain(long node, long okey) {
        Memory.putLong(node + OKEY_OFFSET, okey); // plain: unpublished; the linking CAS publishes it (P1)
    }

    static long valuePlain(long node) {
        return Memory.getLong(node + VALUE_OFFSET); // plain: immutable once published (P1, I3)
    }

    private static void setValuePlain(long node, long value) {
        Memory.putLong(node + VALUE_OFFSET, value); // plain: unpublished; the linking CAS publishes it (P1)
    }

    private static long metaPlain(long node) {
        return Memory.getLong(node + META_OFFSET); // plain: immutable once published (P1, I3)
    }

    static void setMetaPlain(long node, long meta) {
        Memory.putLong(node + META_OFFSET, meta); // plain: unpublished; the linking CAS publishes it (P1)
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

    /** Retires an unlinked node with its birth era (I4): only the thread whose CAS unlinked it calls this. */
    private void retire(Guard g, long node) {
        g.retire(node, metaPlain(node) >>> 1, nodeDeleter); // plain meta: immutable, node still protected (P1)
    }

    /**
     * Unlinks the marked node {@code curr} from {@code pred} (whose next word held it unmarked when validated)
     * and retires it; false if pred.next changed meanwhile (the caller restarts from its start node).
     */
    private boolean unlink(Guard g, long pred, long curr, long succ) {
        if (!casNext(pred, curr, succ)) { // CAS: unlink; pairs with the acquire reads of pred.next (P3)
            Thread.onSpinWait();
            return false;
        }
        retire(g, curr);
        return true;
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
            long curr = protectNext(g, sc, pred); // acquire: pairs with the CAS that linked curr (P1, P4)
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
                long next = protectNext(g, sn, curr); // acquire: pairs with the CASes of curr.next (P1, P2)
                if (nextAcquire(pred) != curr) { // acquire: curr still linked after next's protection (P3)
                    continue retry;
                }
                if ((next & MARK) != 0) {
                    long succ = next & ~MARK;
                    if (!unlink(g, pred, curr, succ)) {
                        continue retry;
                    }
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
     * As {@link #locate}, but the node is left protected in {@code slot} (one the traversals do not use: 3),
     * where it stays while later operations of the same guard traverse in slots 0..2 (see Caller-built nodes
     * in the notes). Linearization point: the read of the node's unmarked next word after the re-protection,
     * or for "absent" the re-load of pred.next that returned a greater node or 0.
     */
    long locateInto(Guard g, long start, long tk, int slot) {
        for (;;) {
            long pred = find(g, start, tk, false, false) & ~SLOT_MASK;
            long c = protectNext(g, slot, pred); // acquire (+ hazard in slot): pairs with the CAS linking c (P1, P3)
            if ((c & MARK) != 0) {
                continue; // pred was deleted meanwhile
            }
            int cmp = c == 0 ? 1 : compare(c, tk, false);
            if (cmp > 0) {
                return 0;
            }
            if (cmp == 0 && (nextAcquire(c) & MARK) == 0) { // acquire: c present; pairs with the marking CAS (P2)
                return c;
            }
            Thread.onSpinWait(); // a stale position, or c deleted meanwhile: look again
        }
    }

    /**
     * The first node after {@code start} (protected like {@link #locate}), or 0 if there is none; for a list
     * without bucket nodes: the smallest entry.
     */
    long first(Guard g, long start) {
        for (;;) {
            long pos = find(g, start, 0, true, false); // (0, dummy) is below every node
            long c = protectCurr(g, pos); // acquire: pairs with the linking CAS (P1)
            if ((c & MARK) == 0) {
                return c;
            }
        }
    }

    /** Re-protects curr from pred.next into the slot find() named: {@code pos} is find()'s result. */
    private static long protectCurr(Guard g, long pos) {
        return protectNext(g, (int) (pos & SLOT_MASK), pos & ~SLOT_MASK); // acquire: see the call sites
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
            long c = protectCurr(g, pos); // acquire: pairs with the CAS that linked c (P1)
            if ((c & MARK) != 0) {
                continue;
            }
            int cmp = c == 0 ? 1 : compare(c, tk, false);
            if (cmp < 0) {
                continue;
            }
            if (cmp == 0) {
                long old = valuePlain(c); // plain: immutable while c is protected (P1, I3)
                if (mode == PUT_IF_ABSENT || mode == ADD || (mode == REPLACE_IF_EQUAL && old != expected)) {
                    freeUnpublished(fresh);
                    return mode == PUT_IF_ABSENT ? old : 0;
                }
                long cn = nextAcquire(c); // acquire: pairs with the CASes of c.next (P2)
                if ((cn & MARK) != 0) {
                    continue; // c was deleted meanwhile
                }
                if (fresh == 0) {
                    fresh = newNode(g, tk, value);
                }
                if (swap(g, start, tk, pred, c, cn, fresh)) {
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
            if (link(pred, c, fresh, true)) {
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
            long c = protectCurr(g, pos); // acquire: pairs with the CAS that linked c (P1)
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
            long old = valuePlain(c); // plain: immutable while c is protected (P1, I3)
            if (mode == REMOVE_IF_EQUAL && old != expected) {
                return 0;
            }
            long cn = nextAcquire(c); // acquire: pairs with the CASes of c.next (P2)
            if ((cn & MARK) != 0) {
                continue;
            }
            if (delete(g, start, tk, pred, c, cn)) {
                return mode == REMOVE ? old : 1;
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Links the caller-built node {@code node} (header written by {@link #initNode}, never published) unless a
     * regular node with its okey is present. Linearization point: the linking CAS, or for "present" the re-load
     * of pred.next that returned the present node.
     *
     * @return true if linked (the core retires it once it is unlinked); false if the okey is present: the node
     *         was never published and the caller frees it
     */
    boolean insertNode(Guard g, long start, long node) {
        return linkInOrder(g, start, node, false);
    }

    /**
     * Replaces the present node {@code expected} (protected by the caller in a slot other than 0..2, e.g. by
     * {@link #locateInto}) by the caller-built {@code fresh} (same okey, header written by {@link #initNode},
     * never published), if {@code expected} is still the present node of its okey. Linearization point: the
     * CAS of expected.next to fresh | MARK, or for "not present" the re-load of pred.next that returned another
     * node or the read of expected.next marked.
     *
     * @return true if replaced (the core retires {@code expected}); false if {@code expected} was deleted or
     *         replaced meanwhile: {@code fresh} was never published and the caller frees it
     */
    boolean replaceNode(Guard g, long start, long expected, long fresh) {
        return changeNode(g, start, expected, fresh);
    }

    /**
     * Removes the present node {@code expected} (protected as for {@link #replaceNode}) if it is still the
     * present node of its okey. Linearization point: the marking CAS of expected.next, or for "not present" as
     * in {@link #replaceNode}.
     *
     * @return true if removed (the core retires it); false if it was deleted or replaced meanwhile
     */
    boolean removeNode(Guard g, long start, long expected) {
        return changeNode(g, start, expected, 0);
    }

    /** {@link #replaceNode} with {@code fresh != 0}, {@link #removeNode} with {@code fresh == 0}. */
    private boolean changeNode(Guard g, long start, long expected, long fresh) {
        long tk = okeyPlain(expected); // plain: immutable, expected protected by the caller (P1, I3)
        for (;;) {
            long pos = find(g, start, tk, false, false);
            long pred = pos & ~SLOT_MASK;
            long c = protectCurr(g, pos); // acquire: pairs with the CAS that linked c (P1)
            if ((c & MARK) != 0) {
                continue;
            }
            if (c != expected) {
                if (c != 0 && compare(c, tk, false) < 0) {
                    continue; // a stale position
                }
                return false; // pred (linked) is followed by another node: expected is no longer present
            }
            long cn = nextAcquire(c); // acquire: pairs with the CASes of c.next (P2)
            if ((cn & MARK) != 0) {
                return false; // expected was deleted or replaced
            }
            if (fresh != 0 ? swap(g, start, tk, pred, c, cn, fresh) : delete(g, start, tk, pred, c, cn)) {
                return true;
            }
            Thread.onSpinWait(); // c.next changed: a new successor, or c deleted; look again
        }
    }

    /**
     * Links {@code fresh} between {@code pred} and {@code c} (pred.next was c, unmarked, when validated), counting
     * it in the size if {@code counted} (regular nodes; bucket nodes are not counted).
     *
     * @return false if pred.next changed meanwhile (fresh stays unpublished)
     */
    private boolean link(long pred, long c, long fresh, boolean counted) {
        setNextPlain(fresh, c); // plain: published by the CAS below (P1)
        if (casNext(pred, c, fresh)) { // CAS: publishes fresh; pairs with acquire reads of pred.next (P1)
            if (counted) {
                size.increment();
            }
            return true;
        }
        return false;
    }

    /**
     * Replaces the present node {@code c} (after {@code pred}; c.next was {@code cn}, unmarked) by
     * {@code fresh} (I3), then unlinks and retires c.
     *
     * @return false if c.next changed meanwhile (fresh stays unpublished)
     */
    private boolean swap(Guard g, long start, long tk, long pred, long c, long cn, long fresh) {
        setNextPlain(fresh, cn); // plain: published by the CAS below (P1)
        if (!casNext(c, cn, fresh | MARK)) { // CAS: replaces c by fresh (I3), publishes fresh (P1, P2)
            return false;
        }
        unlinkMarked(g, start, tk, pred, c, fresh);
        return true;
    }

    /**
     * Deletes the present node {@code c} (after {@code pred}; c.next was {@code cn}, unmarked), then unlinks and
     * retires it.
     *
     * @return false if c.next changed meanwhile
     */
    private boolean delete(Guard g, long start, long tk, long pred, long c, long cn) {
        if (!casNext(c, cn, cn | MARK)) { // CAS: the linearization point (logical deletion, P2)
            return false;
        }
        size.decrement();
        unlinkMarked(g, start, tk, pred, c, cn);
        return true;
    }

    /** Unlinks the node {@code c} this thread marked (its successor {@code succ}) and retires it (I4). */
    private void unlinkMarked(Guard g, long start, long tk, long pred, long c, long succ) {
        if (casNext(pred, c, succ)) { // CAS: unlink c at once if pred is unchanged (P3)
            retire(g, c);
        } else {
            find(g, start, tk, false, false); // unlinks (and retires) c, or another thread did
        }
    }

    /**
     * Links the bucket node {@code dummy} (okey and meta already written, never published before) after
     * {@code start}. Called by exactly one thread per bucket node (the one that claimed it).
     */
    void insertDummy(Guard g, long start, long dummy) {
        linkInOrder(g, start, dummy, true);
    }

    /**
     * Links the unpublished {@code node} (okey and meta written by this thread) at its okey's place after
     * {@code start}: a regular node unless a regular node with its okey is present (then false), a bucket node
     * always (one claimant per bucket, so its okey is never present). Only regular nodes count in the size.
     */
    private boolean linkInOrder(Guard g, long start, long node, boolean dummy) {
        long tk = okeyPlain(node); // plain: written by this thread, unpublished
        for (;;) {
            long pos = find(g, start, tk, dummy, false);
            long pred = pos & ~SLOT_MASK;
            long c = protectCurr(g, pos); // acquire: pairs with the CAS that linked c (P1)
            if ((c & MARK) != 0) {
                continue;
            }
            int cmp = c == 0 ? 1 : compare(c, tk, dummy);
            if (cmp == 0 && !dummy) {
                return false;
            }
            if (cmp > 0 && link(pred, c, node, !dummy)) {
                return true;
            }
            Thread.onSpinWait(); // a stale position, or pred.next changed: look again
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
            long curr = protectNext(g, sc, pred); // acquire: pairs with the CAS that linked curr (P1, P4)
            while (curr != 0) {
                long next = protectNext(g, sn, curr); // acquire: pairs with the CASes of curr.next (P1, P2)
                if (nextAcquire(pred) != curr) { // acquire: validation as in search() (P3)
                    continue retry;
                }
                if ((next & MARK) != 0) {
                    if (!unlink(g, pred, curr, next & ~MARK)) {
                        continue retry;
                    }
                    curr = next & ~MARK;
                    int t = sc;
                    sc = sn;
                    sn = t;
                    continue;
                }
                long k = okeyPlain(curr); // plain: immutable, curr protected (P1)
                if (!isDummy(curr) && (!delivered || Long.compareUnsigned(k, bound) > 0)) {
                    delivered = true;
                    bound = k;
                    action.accept(nodes ? curr : keyOf(k), valuePlain(curr)); // plain: as for k
                }
                pred = curr;
                curr = next;
                int t = sp;
                sp = sc;
                sc = sn;
                sn = t;
            }
            return;
        }
    }

    private long newNode(Guard g, long tk, long value) {
        long n = allocator.allocate(NODE_SIZE); // may throw OffHeapExhaustedException: nothing changed yet
        initNode(g, n, tk, value);
        return n;
    }

    /**
     * Writes the header of the regular node {@code node} (unpublished): okey {@code tk}, {@code value}, and the
     * guard's birth era in meta.
     */
    static void initNode(Guard g, long node, long tk, long value) {
        setOkeyPlain(node, tk); // plain: unpublished; the caller's linking CAS publishes it (P1)
        setValuePlain(node, value); // plain: as above
        setMetaPlain(node, g.birthEra() << 1); // plain: as above
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
        long n = nextPlain(start) & ~MARK; // plain: quiescent
        while (n != 0) {
            long next = nextPlain(n) & ~MARK; // plain: quiescent
            if (!isDummy(n)) {
                allocator.free(n);
            }
            n = next;
        }
        size.reset();
    }
}
