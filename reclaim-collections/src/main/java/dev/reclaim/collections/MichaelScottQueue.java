package dev.reclaim.collections;

import static dev.reclaim.collections.MichaelScottQueueLayout.BIRTH_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.HEAD_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.NEXT_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.NODE_SIZE;
import static dev.reclaim.collections.MichaelScottQueueLayout.REQUIRED_ALIGNMENT;
import static dev.reclaim.collections.MichaelScottQueueLayout.ROOT_SIZE;
import static dev.reclaim.collections.MichaelScottQueueLayout.SEQ_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.TAIL_OFFSET;
import static dev.reclaim.collections.MichaelScottQueueLayout.VALUE_OFFSET;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.Objects;

/**
 * A lock-free unbounded FIFO queue of {@code long} values (the Michael-Scott queue) whose nodes live off-heap in
 * a {@link SlabAllocator} and are reclaimed through any {@link Reclaimer}.
 *
 * <p>{@link #offer(long)}, {@link #poll(long)} and {@link #peek(long)} are lock-free and allocate nothing on the
 * Java heap in steady state (nodes come from the allocator; guards are pooled by the reclaimer). Any number of
 * producer and consumer threads, platform or virtual, may call them concurrently; {@link #size()} and
 * {@link #isEmpty()} also read the queue inside a guard. Values offered by one thread
 * are polled in the order that thread offered them.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.HP.create();
 *      MichaelScottQueue queue = new MichaelScottQueue(reclaimer, allocator)) {
 *     queue.offer(1);
 *     queue.offer(2);
 *     long v = queue.poll(-1);        // 1; -1 would mean "empty"
 * }                                   // closes the queue, then the reclaimer, then the allocator
 * }</pre>
 *
 * <h2>Ownership and closing</h2>
 * The queue owns its nodes and its root block, not the reclaimer nor the allocator, which may be shared with
 * other structures. Close in this order: the queue (frees the nodes still in it and its root), then the
 * reclaimer (frees the nodes polled earlier whose reclamation is still pending), then the allocator.
 * {@link #close()} must not run concurrently with other operations on the queue; after it every method throws
 * {@link IllegalStateException}.
 *
 * <h2>Memory limits</h2>
 * {@link #offer(long)} allocates its node before it changes anything: when the allocator's capacity is reached
 * it throws the allocator's {@link dev.reclaim.memory.OffHeapExhaustedException} (whose message names the
 * capacity and the fix), the value is not enqueued, and every value already in the queue stays there. Polling
 * (and letting the reclaimer free the polled nodes) makes room again.
 *
 * <h2>Contention</h2>
 * An offer or poll whose compare-and-set fails closes its guard and backs off before it retries
 * ({@link Backoff}; by default {@link Backoff#standard()}; choose another with
 * {@link #MichaelScottQueue(Reclaimer, SlabAllocator, Backoff)}), so a thread that waits its turn does not hold
 * back reclamation meanwhile.
 *
 * <h2>Garbage</h2>
 * A polled node is retired to the reclaimer (with the birth era stamped at its offer) and freed when the scheme
 * allows: see the implementation notes for the bound per scheme.
 */
public final class MichaelScottQueue extends OffHeapCollection {

    /*
     * Implementation notes
     *
     * Structure. An off-heap singly linked list from head to tail; layout and diagram in MichaelScottQueueLayout.
     * The node at head is a dummy: the queue's values are in the nodes after it. Offer links a node behind the
     * last node (the one whose next is 0) and then swings tail to it; poll swings head from the dummy to its
     * successor, which becomes the new dummy, and retires the old dummy. A node's value, birth era and seq are
     * written once, before the node is published; its next goes 0 -> successor once, by CAS, and never changes
     * again. seq is the predecessor's seq + 1 (written in the offer loop for the t it is about to link behind),
     * so seq increases by one along the list.
     *
     * Invariants.
     *   I1. head and tail are never 0; following next from head reaches tail and then the last node (next == 0);
     *       tail is the last node or its predecessor (tail lags by at most one node).
     *   I2. tail is never behind head: poll() never moves head past the node tail points to (it helps tail
     *       forward first, step P-5 below). So every node from head on, tail included, is live.
     *   I3. A node leaves the list only by the CAS of poll() that moves head past it; the thread whose CAS
     *       succeeded retires it exactly once. A retired node has next != 0, so offer's CAS on next of a node
     *       can only succeed on the last node, which is live (I1).
     *   I4. A retired node is freed only once no guard that could have protected it is open (the Reclaimer
     *       contract): with hazard pointers, only once no slot holds it.
     *
     * offer(v). loop { enter guard g; on the first pass allocate n, n.value = v, n.next = 0 (plain);
     *          n.birth = g.birthEra() (plain);
     *          loop { t = g.protect(0, &tail); next = t.next (acquire);
     *                 if next != 0: CAS tail t -> next (help a lagging tail); continue in g
     *                 n.seq = t.seq + 1 (plain);
     *                 if CAS t.next 0 -> n: CAS tail t -> n (may fail: someone helped); return
     *                 else: leave the inner loop }
     *          close g; back off }.
     *   offer(guard, v) and poll(guard, empty) run the same attempts (linkAttempt, unlinkHead) under the
     *   caller's open guard and back off with it open; the guard must be of this queue's reclaimer, or it would
     *   protect nothing here (checkGuard). A caller's guard may already protect other nodes in slots 0 and 1:
     *   each attempt protects afresh before it dereferences anything.
     *   Linearization point: the successful CAS of t.next. protect() validates that t was tail after its hazard
     *   was visible, so t was not yet retired then (I2: tail is live) and stays allocated while protected (I4).
     *   next needs no protection: offer never dereferences it, and t.next never changes once non-zero, so the
     *   helping CAS installs t's true successor. n is private to the offering thread until that CAS, so it
     *   needs no guard between attempts; its birth is stamped again in each attempt's guard (any era read
     *   before the publishing CAS is a safe birth, and the latest is the tightest).
     *
     * poll(). loop { enter guard g; loop {
     *   P-1 h = g.protect(0, &head)                         hazard on the dummy, validated against head
     *   P-2 next = g.protect(1, &h.next)                    hazard on the first value node
     *   P-3 if head != h: leave the inner loop              re-validate: while head was still h, next had not
     *                                                       been dequeued, so its hazard was published in time
     *   P-4 if next == 0: return empty                      (linearization point of an empty poll: P-2's load)
     *   P-5 t = tail; if t == h: CAS tail t -> next; retry  tail lags behind the first value: help in g, keep I2
     *   P-6 if CAS head h -> next: retire(h, h.birth); v = next.value (plain); return v (linearization point)
     *       else leave the inner loop. next is the new dummy: another poll may unlink and retire it at once,
     *       but slot 1 (or the pin) still protects it until g closes, and its value never changes (M1)
     *   } close g; back off }. peek() is P-1..P-4 followed by reading next.value; isEmpty() is P-1..P-4.
     *   Nothing read in one guard is used in the next: h and next are read afresh (P-1, P-2) after a back-off.
     *   Why P-3 matters under hazard pointers: between P-1 and P-2 other threads may poll h and next, retire both
     *   and have a scan miss our hazard for next (published only at P-2). If head is still h after P-2 published
     *   it, next was not yet past head, so it was not retired before the hazard became visible.
     *
     * Memory-order pairs.
     *   M1. offer's plain writes of n.value / n.next / n.birth / n.seq happen-before its CAS of t.next (program order,
     *       the CAS is a volatile write). poll/peek read next through protect(1, &h.next), an acquire load of that
     *       word, so they see n's fields initialised. Pair: CAS t.next in offer() -> protect(1) in poll()/peek().
     *   M2. tail and head change only by volatile CAS; offer's protect(0, &tail) and poll's protect(0, &head) are
     *       acquire loads, the tail read at P-5 and the head re-validation at P-3 are acquire loads; each pairs
     *       with the CASes of those words in offer()/poll(). offer's acquire load of t.next pairs with the CAS of
     *       t.next by another offer (to learn the successor it helps tail to).
     *   M3. The constructor's release stores of head and tail publish the dummy before the queue is shared.
     *   M4. The closed flag is OffHeapCollection's (L1: a CAS in close() picks the one closer that frees the
     *       nodes; L2: a volatile read on entry to every operation). Operations are not safe against a
     *       concurrent close(), which is documented misuse.
     *
     * Contention. One attempt per guard: a failed CAS of t.next in offer() or of head in poll(), or a poll()
     *   whose re-validation P-3 failed, closes its guard and then backs off (Backoff, its state a local int)
     *   before the next attempt enters a new one. So a pause that ends in Thread.yield(), or a preemption while
     *   backing off, holds back no reclamation (EBR's epoch, the robust scheme's era reservation, a hazard).
     *   Helping CASes of tail and their retries stay inside the attempt's guard and do not back off: they make
     *   progress for someone.
     *
     * ABA. Every CAS compares a pointer the thread holds protected (t in offer, h in poll): the address cannot be
     *   freed and reused while protected (I4), so an equal value at the CAS means the same node. The words
     *   compared (head, tail, t.next) therefore never pass through an unrelated incarnation of the same address.
     *
     * Garbage bound (retired but not yet freed nodes, 32 bytes each).
     *   - LEAK: unbounded, every polled node is leaked (the benchmark baseline).
     *   - EBR: everything polled by all threads during the longest open guard of the reclaimer plus the
     *     scheme's batching; a stalled guard anywhere on the reclaimer holds back every poll's node.
     *   - Hazard pointers: each guard protects at most two nodes here (slots 0 and 1), so at most
     *     2 * (threads with an open guard) + (retire batch threshold per thread) nodes.
     *   - Interval-based (robust): nodes carry their birth era, so a stalled reader holds back only the nodes
     *     whose [birth, retire] interval overlaps its reservation: the nodes in the queue at its last read and
     *     polled after it. In a FIFO those are exactly the next nodes polled, so every guard that stalls -- a
     *     parked reader, or a poller descheduled in mid-operation -- keeps what is polled during its pause, up
     *     to the queue's length: RobustReclaimer.garbageBound(G, L) with G the threads (plus parked readers)
     *     and L the queue's most nodes; see MichaelScottQueueRobustBoundTest.
     *
     * Size. size() = tail.seq - head.seq, both nodes protected (slots 0 and 1) so their immutable seq words can
     *   be read: no counter is updated on the hot path (a shared counter would cost offer and poll one atomic
     *   each). head is read before tail and tail never falls behind head, so the difference is >= 0; it is
     *   exact when no operation is in progress (every completed offer has swung tail, or seen it helped) and
     *   otherwise lags by at most the offers and polls in flight, plus one for a lagging tail.
     *
     * References. M. M. Michael, M. L. Scott, "Simple, Fast, and Practical Non-Blocking and Blocking Concurrent
     *   Queue Algorithms", PODC 1996. M. M. Michael, "Hazard Pointers: Safe Memory Reclamation for Lock-Free
     *   Objects", IEEE TPDS 2004 (the queue with two hazard pointers and the head re-validation).
     */

    /** Address of the root block. */
    private final long root;
    /** {@code root + HEAD_OFFSET}, cached for the hot paths. */
    private final long headAddress;
    /** {@code root + TAIL_OFFSET}, cached for the hot paths. */
    private final long tailAddress;
    /** What unlinkHead returns when another poll moved head first: never a node address (16-byte aligned). */
    private static final long LOST = 1;
    /** What an offer or poll does after a failed CAS. */
    private final Backoff backoff;
    /** What poll retires nodes with: frees them to the allocator, knows their size without a lookup. */
    private final Deleter nodeDeleter;

    /**
     * Creates an empty queue with the default {@link Backoff#standard()}. It allocates its root block and a dummy
     * node from {@code allocator} at once.
     *
     * @param reclaimer the reclaimer that decides when polled nodes are freed; any scheme; not owned
     * @param allocator where nodes (and the root) are allocated; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is already closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator cannot hold the root and the dummy
     *                                                      (nothing stays allocated)
     */
    public MichaelScottQueue(Reclaimer reclaimer, SlabAllocator allocator) {
        this(reclaimer, allocator, Backoff.standard());
    }

    /**
     * Creates an empty queue with the given back-off. It allocates its root block and a dummy node from
     * {@code allocator} at once.
     *
     * @param reclaimer the reclaimer that decides when polled nodes are freed; any scheme; not owned
     * @param allocator where nodes (and the root) are allocated; not owned
     * @param backoff   what an offer or poll does after a failed compare-and-set; {@link Backoff#none()} retries
     *                  at once
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is already closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator cannot hold the root and the dummy
     *                                                      (nothing stays allocated)
     */
    public MichaelScottQueue(Reclaimer reclaimer, SlabAllocator allocator, Backoff backoff) {
        super(reclaimer, allocator, "queue");
        this.backoff = Objects.requireNonNull(backoff, "backoff must not be null; pass e.g. Backoff.none()");
        this.nodeDeleter = NodeDeleter.handedOff(allocator, NODE_SIZE); // nodes cross threads: see NodeDeleter
        long r = MichaelScottQueueLayout.checkAligned(allocator.allocate(ROOT_SIZE), "root");
        long dummy;
        try {
            dummy = MichaelScottQueueLayout.checkAligned(allocator.allocate(NODE_SIZE), "node");
        } catch (RuntimeException e) {
            allocator.free(r);
            throw e;
        }
        setNextPlain(dummy, 0L); // plain: published by the release stores below (M3)
        setValuePlain(dummy, 0L); // plain: never read (the dummy's value is not in the queue)
        setBirthPlain(dummy, 0L); // plain: 0 is always a safe birth era (Guard.retire(long, long, Deleter))
        setSeqPlain(dummy, 0L); // plain: published by the release stores below (M3)
        this.root = r;
        this.headAddress = r + HEAD_OFFSET;
        this.tailAddress = r + TAIL_OFFSET;
        setTailRelease(dummy); // release: publishes the dummy; pairs with protect() of tail in offer() (M3)
        setHeadRelease(dummy); // release: publishes the dummy; pairs with protect() of head in poll() (M3)
    }

    // ---------------------------------------------------------------- operations

    /**
     * Appends {@code value} at the tail of the queue. Lock-free; allocates one node from the allocator and nothing
     * on the Java heap.
     *
     * @param value any value
     * @throws IllegalStateException if the queue or its reclaimer is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator's capacity is reached: the value is
     *                                                      not enqueued and the queue is unchanged
     */
    public void offer(long value) {
        checkOpen("offer()");
        long node = 0L;
        int backoffState = backoff.start();
        for (;;) {
            // One link attempt per guard: a thread that lost the CAS of t.next backs off with no guard open.
            // enterProtecting: under hazard pointers the claim publishes the tail's hazard, so protectTail loads.
            try (Guard g = reclaimer.enterProtecting(0, tailAddress)) {
                if (node == 0L) { // first attempt: allocated inside a guard, so a closed reclaimer leaks nothing
                    node = newNode(value); // may throw: nothing has changed yet
                }
                if (linkAttempt(g, node)) {
                    return;
                }
            }
            backoffState = backoff.pause(backoffState);
        }
    }

    /**
     * Appends {@code value} at the tail of the queue under the caller's open guard: {@link #offer(long)} without
     * entering and closing a guard of its own, for a thread that runs a batch of operations under one guard
     * (see {@link #poll(Guard, long)}). A failed compare-and-set backs off with the guard open. Lock-free;
     * allocates one node from the allocator and nothing on the Java heap.
     *
     * @param guard an open guard of this queue's {@link #reclaimer()}
     * @param value any value
     * @throws NullPointerException     if {@code guard} is null
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the queue is closed or the guard is closed
     * @throws dev.reclaim.memory.OffHeapExhaustedException if the allocator's capacity is reached: the value is
     *                                                      not enqueued and the queue is unchanged
     */
    public void offer(Guard guard, long value) {
        checkOpen("offer(Guard, long)");
        checkGuard(guard, "offer(Guard, long)");
        long node = newNode(value); // may throw: nothing has changed yet
        int backoffState = backoff.start();
        while (!linkAttempt(guard, node)) {
            backoffState = backoff.pause(backoffState);
        }
    }

    /** A new unlinked node holding {@code value}: private to the caller until linkAttempt's CAS publishes it. */
    private long newNode(long value) {
        long node = allocator.allocate(NODE_SIZE);
        assert (node & (REQUIRED_ALIGNMENT - 1)) == 0 : "allocator returned a misaligned node 0x"
                + Long.toHexString(node);
        setValuePlain(node, value); // plain: published by the CAS of t.next in linkAttempt (M1)
        setNextPlain(node, 0L); // plain: as above
        return node;
    }

    /**
     * One attempt to link {@code node} behind the last node under {@code g}, helping a lagging tail on the way:
     * whether it was linked (false: another offer linked first; the caller backs off and retries).
     */
    private boolean linkAttempt(Guard g, long node) {
        setBirthPlain(node, g.birthEra()); // plain: published by the CAS of t.next; this attempt's era (see notes)
        for (;;) {
            long t = protectTail(g, 0); // acquire + hazard: pairs with the CASes of tail (M2)
            long next = nextAcquire(t); // acquire: pairs with the CAS of t.next by another offer() (M2)
            if (next != 0) {
                casTail(t, next); // CAS (volatile): help a lagging tail; pairs with protect(0) of tail (M2)
                continue;
            }
            // plain: t.seq was written before t was published (M1), and t is protected
            setSeqPlain(node, seqPlain(t) + 1); // plain: published by the CAS of t.next below (M1)
            if (casNext(t, 0L, node)) { // CAS (volatile): links node; pairs with protect(1) in poll() (M1)
                casTail(t, node); // CAS (volatile): may fail if another thread helped; pairs with protect(0)
                return true;
            }
            return false; // lost t.next to another offer
        }
    }

    /**
     * Removes and returns the value at the head of the queue, or returns {@code emptyValue} if the queue is empty.
     * Lock-free; allocates nothing on the Java heap in steady state. The old dummy node is retired to the
     * reclaimer.
     *
     * <p>Because {@code emptyValue} is an ordinary {@code long}, pick one that is never offered.
     *
     * @param emptyValue what to return when the queue is empty
     * @return the oldest value, or {@code emptyValue}
     * @throws IllegalStateException if the queue or its reclaimer is closed
     */
    public long poll(long emptyValue) {
        checkOpen("poll()");
        int backoffState = backoff.start();
        for (;;) {
            // One attempt per guard: a thread that lost head backs off with no guard open.
            // enterProtecting: under hazard pointers the claim publishes the head's hazard, so protectHead loads.
            try (Guard g = reclaimer.enterProtecting(0, headAddress)) {
                long n = unlinkHead(g);
                if (n != LOST) {
                    return n == 0 ? emptyValue : valuePlain(n); // plain: as in unlinkHead; g protects n (slot 1)
                }
            }
            backoffState = backoff.pause(backoffState);
        }
    }

    /**
     * Removes and returns the value at the head of the queue under the caller's open guard, or returns
     * {@code emptyValue} if the queue is empty: {@link #poll(long)} without entering and closing a guard of its
     * own. A thread that runs many operations in a row can hold one guard over a batch of them:
     * <pre>{@code
     * try (Guard g = queue.reclaimer().enter()) {
     *     for (int i = 0; i < 64; i++) {
     *         queue.offer(g, i);
     *         sum += queue.poll(g, -1);
     *     }
     * }
     * }</pre>
     * While the guard is open the nodes this call retires stay allocated: under EBR an open guard holds back the
     * reclamation of everything retired since it was entered, by any thread, so keep batches short. A failed
     * compare-and-set backs off with the guard open. Lock-free; allocates nothing on the Java heap in steady state.
     *
     * @param guard      an open guard of this queue's {@link #reclaimer()}
     * @param emptyValue what to return when the queue is empty
     * @return the oldest value, or {@code emptyValue}
     * @throws NullPointerException     if {@code guard} is null
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the queue is closed or the guard is closed
     */
    public long poll(Guard guard, long emptyValue) {
        checkOpen("poll(Guard, long)");
        checkGuard(guard, "poll(Guard, long)");
        int backoffState = backoff.start();
        for (;;) {
            long n = unlinkHead(guard);
            if (n != LOST) {
                return n == 0 ? emptyValue : valuePlain(n); // plain: as in unlinkHead; the guard protects n
            }
            backoffState = backoff.pause(backoffState);
        }
    }

    /**
     * One attempt to move head past the dummy under {@code g}: returns the node that becomes the new dummy
     * (its value is the result; it stays protected by {@code g}'s slot 1 until {@code g} closes or protects
     * again), 0 if the queue was empty, or {@link #LOST} if another poll moved head first.
     */
    private long unlinkHead(Guard g) {
        for (;;) {
            long h = protectHead(g, 0); // P-1 acquire + hazard: pairs with the CAS of head (M2)
            long next = protectNext(g, 1, h); // P-2 acquire + hazard: pairs with CAS t.next (M1)
            if (h != headAcquire()) { // P-3 acquire: pairs with the CAS of head; re-validates next's hazard
                return LOST; // head moved: another poll won
            }
            if (next == 0) {
                return 0; // P-4
            }
            long t = tailAcquire(); // P-5 acquire: pairs with the CASes of tail (M2)
            if (t == h) {
                casTail(t, next); // CAS (volatile): help tail past the dummy before head moves (I2)
                continue;
            }
            if (casHead(h, next)) { // CAS (volatile): linearization point; pairs with protect(0) of head (M2)
                long birth = birthPlain(h); // plain: written before h was published (M1); h still protected
                g.retire(h, birth, nodeDeleter);
                return next; // P-6: its value, initialised before the CAS that linked it (M1), is read by the caller
            }
            return LOST; // lost head to another poll
        }
    }

    /**
     * Returns the value at the head of the queue without removing it, or {@code emptyValue} if the queue is
     * empty. Lock-free; allocates nothing on the Java heap.
     *
     * @param emptyValue what to return when the queue is empty
     * @return the oldest value, or {@code emptyValue}
     * @throws IllegalStateException if the queue or its reclaimer is closed
     */
    public long peek(long emptyValue) {
        checkOpen("peek()");
        try (Guard g = reclaimer.enter()) {
            long next = firstProtected(g);
            // plain: next's fields were initialised before the CAS that linked it (M1); next is protected
            return next == 0 ? emptyValue : valuePlain(next);
        }
    }

    /**
     * Whether the queue is empty at the moment of the call (concurrent operations may change it at once).
     *
     * @return {@code true} if no value was in the queue when it was looked at
     * @throws IllegalStateException if the queue or its reclaimer is closed
     */
    public boolean isEmpty() {
        checkOpen("isEmpty()");
        try (Guard g = reclaimer.enter()) {
            return firstProtected(g) == 0;
        }
    }

    /**
     * An estimate of the number of values in the queue: exact when no operation is in progress, otherwise it may
     * lag behind concurrent offers and polls. Never negative. Lock-free and O(1): it reads the sequence numbers
     * of the head and tail nodes inside a guard, so it costs no counter update on the hot paths.
     *
     * @return the estimated size
     * @throws IllegalStateException if the queue or its reclaimer is closed
     */
    public long size() {
        checkOpen("size()");
        try (Guard g = reclaimer.enter()) {
            long h = protectHead(g, 0); // acquire + hazard: pairs with the CAS of head (M2)
            long t = protectTail(g, 1); // acquire + hazard: pairs with the CASes of tail (M2)
            // plain: seq is written before its node is published (M1); both nodes are protected
            return Math.max(0L, seqPlain(t) - seqPlain(h));
        }
    }

    /**
     * Frees every node still in the queue (the dummy included) and the root block (see {@link #close()}).
     * Nodes polled earlier are the reclaimer's; it may already be closed.
     */
    @Override
    void freeContents() {
        // Quiescent: no other thread operates on the queue (L2), so nodes can be freed directly.
        long node = headVolatile(); // volatile: pairs with the last CAS of head by any thread (M2)
        while (node != 0) {
            long next = nextVolatile(node); // volatile: pairs with the CAS that linked next (M1); quiescent
            allocator.free(node);
            node = next;
        }
        allocator.free(root);
    }

    /** Test seam: the root block's address (head at {@code + HEAD_OFFSET}, tail at {@code + TAIL_OFFSET}). */
    long rootAddress() {
        return root;
    }

    @Override
    String describe() {
        return "";
    }

    /**
     * What an offer or poll does after a failed compare-and-set.
     *
     * @return the back-off given at construction
     */
    public Backoff backoff() {
        return backoff;
    }

    /**
     * Steps P-1..P-4 of poll(): the first value node, protected in slot 1 and validated, or 0 when empty.
     */
    private long firstProtected(Guard g) {
        for (;;) {
            long h = protectHead(g, 0); // acquire + hazard: pairs with the CAS of head (M2)
            long next = protectNext(g, 1, h); // acquire + hazard: pairs with the CAS of t.next (M1)
            if (h == headAcquire()) { // acquire: pairs with the CAS of head; re-validates next's hazard (P-3)
                return next;
            }
            Thread.onSpinWait();
        }
    }

    // ---------------------------------------------------------------- off-heap accessors
    // Named field + mode in Memory's vocabulary; each names the pair it belongs to, the call sites say why.

    private long protectHead(Guard g, int slot) {
        return g.protect(slot, headAddress); // acquire (+ hazard): pairs with casHead/setHeadRelease (M2, M3)
    }

    private long headAcquire() {
        return Memory.getLongAcquire(headAddress); // acquire: pairs with casHead (M2)
    }

    private long headVolatile() {
        return Memory.getLongVolatile(headAddress); // volatile: pairs with casHead (M2)
    }

    private void setHeadRelease(long node) {
        Memory.putLongRelease(headAddress, node); // release: pairs with protectHead() (M3)
    }

    private boolean casHead(long expected, long node) {
        return Memory.compareAndSetLong(headAddress, expected, node); // CAS: pairs with protectHead/headAcquire (M2)
    }

    private long protectTail(Guard g, int slot) {
        return g.protect(slot, tailAddress); // acquire (+ hazard): pairs with casTail/setTailRelease (M2, M3)
    }

    private long tailAcquire() {
        return Memory.getLongAcquire(tailAddress); // acquire: pairs with casTail (M2)
    }

    private void setTailRelease(long node) {
        Memory.putLongRelease(tailAddress, node); // release: pairs with protectTail() (M3)
    }

    private boolean casTail(long expected, long node) {
        return Memory.compareAndSetLong(tailAddress, expected, node); // CAS: pairs with protectTail/tailAcquire (M2)
    }

    private static long protectNext(Guard g, int slot, long node) {
        return g.protect(slot, node + NEXT_OFFSET); // acquire (+ hazard): pairs with casNext in offer() (M1)
    }

    private static long nextAcquire(long node) {
        return Memory.getLongAcquire(node + NEXT_OFFSET); // acquire: pairs with casNext (M1, M2)
    }

    private static long nextVolatile(long node) {
        return Memory.getLongVolatile(node + NEXT_OFFSET); // volatile: pairs with casNext (M1)
    }

    private static void setNextPlain(long node, long next) {
        Memory.putLong(node + NEXT_OFFSET, next); // plain: unpublished; casNext/setTailRelease publish it (M1, M3)
    }

    private static boolean casNext(long node, long expected, long next) {
        return Memory.compareAndSetLong(node + NEXT_OFFSET, expected, next); // CAS: pairs with protectNext (M1)
    }

    private static long valuePlain(long node) {
        return Memory.getLong(node + VALUE_OFFSET); // plain: immutable once published (M1)
    }

    private static void setValuePlain(long node, long value) {
        Memory.putLong(node + VALUE_OFFSET, value); // plain: unpublished; casNext publishes it (M1)
    }

    private static long seqPlain(long node) {
        return Memory.getLong(node + SEQ_OFFSET); // plain: immutable once published (M1)
    }

    private static void setSeqPlain(long node, long seq) {
        Memory.putLong(node + SEQ_OFFSET, seq); // plain: unpublished; casNext publishes it (M1)
    }

    private static long birthPlain(long node) {
        return Memory.getLong(node + BIRTH_OFFSET); // plain: immutable once published (M1)
    }

    private static void setBirthPlain(long node, long era) {
        Memory.putLong(node + BIRTH_OFFSET, era); // plain: unpublished; casNext publishes it (M1)
    }
}
