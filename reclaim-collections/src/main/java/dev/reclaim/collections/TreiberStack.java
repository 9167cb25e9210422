package dev.reclaim.collections;

import static dev.reclaim.collections.TreiberStackLayout.BIRTH_OFFSET;
import static dev.reclaim.collections.TreiberStackLayout.ERA_HINT_OFFSET;
import static dev.reclaim.collections.TreiberStackLayout.HEAD_OFFSET;
import static dev.reclaim.collections.TreiberStackLayout.NEXT_OFFSET;
import static dev.reclaim.collections.TreiberStackLayout.NODE_SIZE;
import static dev.reclaim.collections.TreiberStackLayout.REQUIRED_ALIGNMENT;
import static dev.reclaim.collections.TreiberStackLayout.ROOT_SIZE;
import static dev.reclaim.collections.TreiberStackLayout.VALUE_OFFSET;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lock-free LIFO stack of {@code long} values (Treiber's stack) whose nodes live off-heap in a
 * {@link SlabAllocator} and are reclaimed through any {@link Reclaimer}.
 *
 * <p>{@link #push(long)} and {@link #pop(long)} are lock-free and allocate nothing on the Java heap in steady
 * state (nodes come from the allocator; guards are pooled by the reclaimer). Any number of threads, platform
 * or virtual, may call them concurrently.
 *
 * <pre>{@code
 * try (SlabAllocator allocator = SlabAllocator.create();
 *      Reclaimer reclaimer = Scheme.EBR.create();
 *      TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
 *     stack.push(42);
 *     long v = stack.pop(-1);         // 42; -1 would mean "empty"
 * }                                   // closes the stack, then the reclaimer, then the allocator
 * }</pre>
 *
 * <h2>Ownership and closing</h2>
 * The stack owns its nodes and its root block, not the reclaimer nor the allocator, which may be shared with
 * other structures. Close in this order: the stack (frees the nodes still on it and its root), then the
 * reclaimer (frees the nodes popped earlier whose reclamation is still pending), then the allocator.
 * {@link #close()} must not run concurrently with other operations on the stack; after it every method
 * throws {@link IllegalStateException}.
 *
 * <h2>Contention and size</h2>
 * A push or pop whose compare-and-set of the head fails backs off before it retries ({@link Backoff}; by
 * default {@link Backoff#standard()}), so that threads fighting over the head take turns instead of keeping
 * its cache line bouncing. The stack does not count its values unless asked to: counting costs every push and
 * pop an update of a shared counter. {@link #size()} needs a counting stack:
 * <pre>{@code
 * TreiberStack stack = TreiberStack.builder(reclaimer, allocator)
 *         .backoff(Backoff.none())        // e.g. a stack only one thread uses
 *         .countSize(true)                // size() works, at ~2 ns per push and per pop
 *         .build();
 * }</pre>
 *
 * <h2>Batches under one guard</h2>
 * {@link #pop(long)} enters and closes a guard of the stack's reclaimer on every call. {@link #pop(Guard, long)}
 * runs under a guard the caller holds, so a thread doing many operations in a row pays the guard once per batch.
 * When two threads fight over the head this matters more than the guard's own cost: the work between one
 * thread's push and its next pop decides how often the head's cache line moves to the other core (see
 * docs/performance.md, the Treiber stack).
 *
 * <h2>Garbage</h2>
 * A popped node is retired to the reclaimer and freed when the scheme allows: see the implementation notes
 * for the bound per scheme.
 */
public final class TreiberStack extends OffHeapCollection {

    /*
     * Implementation notes
     *
     * Structure. An off-heap singly linked list; the root block holds `head`, the address of the top node (0
     * when empty). Layout and diagram: TreiberStackLayout. A node's `next` and `value` are written exactly
     * once, by the pushing thread, before the node is published; they are immutable while the node is
     * reachable from head or protected by a guard. So is `birth`, the reclaimer's Guard.birthEra() read before
     * the node is published (0 for schemes without eras), which pop passes back to retire: with the robust
     * (interval-based) scheme this is what bounds the garbage a stalled reader holds back.
     *
     * Invariants.
     *   I1. head is 0 or the address of a live node; following `next` from head visits live nodes and ends at 0.
     *   I2. Every write to head is a sequentially consistent CAS. A node enters the list only through the CAS
     *       of push() and leaves it only through the CAS of pop(); after leaving it is never linked again, and
     *       it is retired exactly once, by the thread whose CAS unlinked it.
     *   I3. A retired node is freed only once no guard that could have protected it is open (the Reclaimer
     *       contract), so a node protected by an open guard keeps its address and its contents.
     *
     * push(v). allocate node n; write n.value (plain); n.birth = the root's era hint (opaque); loop { h = head
     *   (opaque); write n.next = h (plain); CAS head h -> n }. Push does not dereference h, so it needs no
     *   guard and is immune to ABA on h: if head reads h again at the CAS, then n.next == h is exactly the
     *   current top, whatever h was in between.
     *   Linearization point: the successful CAS.
     *
     * pop(). loop { enter guard g; h = g.protect(0, &head) (acquire); if h == 0: return empty;
     *   next = h.next (plain); if CAS head h -> next fails: close g, back off, retry }; g.retire(h, h.birth,
     *   nodeDeleter); e = g.birthEra(); if e != era hint: era hint = e (opaque); v = h.value (plain: h is
     *   retired but g still protects it, I3); close g. pop(guard) runs the same attempt (unlinkTop) under the
     *   caller's open guard, backing off with it open; the guard must be of this stack's reclaimer, or it would
     *   protect nothing here (checkGuard).
     *
     * Birth eras without a guard in push. IBR needs each node's birth era to be no later than the era of any
     * reader that loads it; any era value read before the publishing CAS qualifies, also one another thread
     * read earlier (eras only grow). So pops, which hold a guard anyway, keep the latest era they saw in the
     * root's era hint (written only when it changes: once per era, on its own cache line), and push stamps
     * the hint (opaque read: a value, no ordering needed) instead of entering a guard of its own. A stale
     * hint only makes the node look older: it is kept a little longer by a stalled reader, never freed early.
     * Schemes without eras return 0 from birthEra(), so the hint stays 0 and the word is ignored by retire.
     *   Linearization point: the successful CAS, or for an empty stack the protect() load that returned 0.
     *
     * Memory-order pairs.
     *   P1. push's plain writes of n.next / n.value happen-before its CAS of head (program order, and the CAS
     *       is a volatile write). Every later write of head is also a volatile CAS that reads the previous
     *       value (I2), so the CASes on head form one chain in the synchronization order, each synchronizing
     *       with the next. Hence the initialisation of every node that was ever linked happens-before every
     *       later write to head, and the acquire load in protect() that reads any such write sees n.next and
     *       n.value initialised: the plain reads in pop() after protect() are ordered and race-free (the
     *       fields are immutable after publication, I1). Pair: CAS in push()/pop() -> acquire in protect().
     *   P2. The initial opaque read of head in push() needs no ordering: its value is only stored into n.next
     *       and validated by the CAS, never dereferenced.
     *   P3. isEmpty() reads head volatile so that it is ordered with the CASes of push()/pop().
     *   P4. The closed flag is OffHeapCollection's (L1: a CAS in close() picks the one closer that frees the
     *       nodes; L2: a volatile read on entry to every operation). Operations are not made safe against a
     *       concurrent close(), which is documented misuse.
     *
     * ABA. pop()'s CAS head h -> next is only wrong if, between reading next = h.next and the CAS, h left the
     *   list and an incarnation of the same address came back on top with a different next. Leaving the list
     *   means being popped and retired (I2); the same address can come back only after the allocator reuses
     *   it, i.e. after the node was freed; and it cannot be freed while our guard protects it (I3). For EBR
     *   the whole open guard prevents the free. For hazard pointers protect() publishes h and re-reads head
     *   until they agree, so a concurrent scan either sees the hazard or h was already unlinked when we
     *   validated, in which case the validation fails and we retry. So while g is open, head == h implies
     *   h is still the node we read next from, and h.next is still the node below it: no ABA.
     *
     * Garbage bound (retired but not yet freed nodes, 16 bytes each plus the allocator's overhead).
     *   - LEAK: unbounded, every popped node is leaked (the benchmark baseline).
     *   - EBR: bounded by what all threads pop during the longest open guard of the reclaimer plus the
     *     scheme's batching; a stalled guard anywhere on the reclaimer holds back every pop's node.
     *   - Hazard pointers: each guard protects at most one node here (slot 0): HazardReclaimer.garbageBound().
     *   - Robust (2GE-IBR): nodes carry their birth era, so a stalled reader holds back only the nodes that
     *     were on the stack (or pushed in the same era) when it last read: RobustReclaimer.garbageBound(G, L)
     *     with G the guards open at once (a descheduled worker is a stalled reader too) and L the stack's most
     *     nodes meanwhile. LIFO order keeps the real figure far below: the nodes under the top at a stall are
     *     rarely popped soon. Without the birth word it would be EBR's unbounded backlog.
     *
     * Contention. A failed CAS of head backs off (Backoff: spin-wait hints doubling up to a bound, then
     *   yields) before the next attempt; the back-off state is a local int, so nothing is allocated. The
     *   success path is unchanged: one CAS and no back-off call.
     *
     * Size. Only a counting stack (countSize(true)) keeps a LongAdder of pushes minus pops, updated after
     *   their CAS; it is an estimate (clamped at 0) and its cells are created on first contention, never in
     *   steady state. Without it size() fails rather than guess: a walk of the list is not safe under every
     *   scheme (with hazard pointers a popped node's successor may be freed before the walker protects it).
     *
     * References. R. K. Treiber, "Systems Programming: Coping with Parallelism", IBM RJ 5118, 1986.
     *   M. M. Michael, "Hazard Pointers: Safe Memory Reclamation for Lock-Free Objects", IEEE TPDS 2004
     *   (the stack example). K. Fraser, "Practical lock-freedom", 2004 (epoch-based reclamation).
     */

    /** What {@link #unlinkTop} returns when its CAS lost: never a node address (nodes are 16-byte aligned). */
    private static final long LOST = 1;

    /** Address of the root block; the head pointer is at {@code root + HEAD_OFFSET}. */
    private final long root;
    /** {@code root + HEAD_OFFSET}, cached for the hot paths. */
    private final long headAddress;
    /** Counts pushes minus pops; null unless the stack was built with {@code countSize(true)}. */
    private final LongAdder size;
    /** What a push or pop does after a failed CAS of head. */
    private final Backoff backoff;
    /** {@code root + ERA_HINT_OFFSET}: the latest birth era a pop saw; push stamps it into new nodes. */
    private final long eraHintAddress;
    /** What pop retires nodes with: frees them to the allocator, knows their size without a lookup. */
    private final Deleter nodeDeleter;

    /**
     * Creates an empty stack with the default {@link Backoff#standard()} that does not count its values
     * ({@link #size()} throws; use {@link #builder(Reclaimer, SlabAllocator)} for a counting stack). It allocates
     * its root block from {@code allocator} at once.
     *
     * @param reclaimer the reclaimer that decides when popped nodes are freed; any scheme; not owned
     * @param allocator where nodes (and the root) are allocated; not owned
     * @throws NullPointerException  if an argument is null
     * @throws IllegalStateException if the reclaimer is already closed
     */
    public TreiberStack(Reclaimer reclaimer, SlabAllocator allocator) {
        this(reclaimer, allocator, Backoff.standard(), false);
    }

    private TreiberStack(Reclaimer reclaimer, SlabAllocator allocator, Backoff backoff, boolean countSize) {
        super(reclaimer, allocator, "stack");
        this.backoff = Objects.requireNonNull(backoff, "backoff must not be null; pass e.g. Backoff.none()");
        this.size = countSize ? new LongAdder() : null;
        this.nodeDeleter = NodeDeleter.of(allocator, NODE_SIZE);
        long r = TreiberStackLayout.checkAligned(allocator.allocate(ROOT_SIZE), "root");
        this.root = r;
        this.headAddress = r + HEAD_OFFSET;
        this.eraHintAddress = r + ERA_HINT_OFFSET;
        long era;
        try (Guard g = reclaimer.enter()) {
            era = g.birthEra(); // 0 for schemes without eras
        }
        setEraHintOpaque(era); // opaque: published with the stack itself (safe publication of the object)
        setHeadRelease(0L); // release: the empty head is set before the stack is shared; pairs with protect()
    }

    // ---------------------------------------------------------------- operations

    /**
     * Pushes {@code value} on top of the stack. Lock-free; allocates one node from the allocator and nothing on
     * the Java heap.
     *
     * @param value any value
     * @throws IllegalStateException if the stack is closed
     * @throws RuntimeException      what the allocator throws when off-heap memory is exhausted
     */
    public void push(long value) {
        checkOpen("push()");
        long node = allocator.allocate(NODE_SIZE);
        assert (node & (REQUIRED_ALIGNMENT - 1)) == 0 : "allocator returned a misaligned node 0x"
                + Long.toHexString(node);
        setValuePlain(node, value); // plain: published by the CAS below (pairs with protect() in pop())
        // opaque read: an era some pop read earlier, so never later than any reader's era (see notes); plain
        // write of the node: published by the CAS below (pairs with protect() in pop())
        setBirthPlain(node, eraHintOpaque());
        long h = headOpaque();
        int backoffState = backoff.start();
        for (;;) {
            setNextPlain(node, h); // plain: published by the CAS below (pairs with protect() in pop())
            long witness = caeHead(h, node); // CAS (volatile): publishes node; pairs with protect() in pop() (P1)
            if (witness == h) {
                break;
            }
            backoffState = backoff.pause(backoffState);
            h = headOpaque(); // opaque: as above (P2); re-read after the pause, the witness is stale by now
        }
        if (size != null) {
            size.increment();
        }
    }

    /**
     * Removes and returns the top value, or returns {@code emptyValue} if the stack is empty. Lock-free;
     * allocates nothing on the Java heap in steady state. The removed node is retired to the reclaimer.
     *
     * <p>Because {@code emptyValue} is an ordinary {@code long}, pick one that is never pushed (or check
     * {@link #isEmpty()} only if no other thread pops concurrently).
     *
     * @param emptyValue what to return when the stack is empty
     * @return the value removed from the top, or {@code emptyValue}
     * @throws IllegalStateException if the stack or its reclaimer is closed
     */
    public long pop(long emptyValue) {
        checkOpen("pop()");
        int backoffState = backoff.start();
        for (;;) {
            // One attempt per guard: a thread that lost the CAS backs off with no guard open, so a pause that
            // ends in Thread.yield() (or a preemption while backing off) never holds back reclamation.
            // enterProtecting: under hazard pointers the claim publishes the head's hazard, so protectHead loads
            try (Guard g = reclaimer.enterProtecting(0, headAddress)) {
                long h = unlinkTop(g);
                if (h != LOST) {
                    return h == 0 ? emptyValue : valuePlain(h); // plain: as in unlinkTop; g still protects h (I3)
                }
            }
            backoffState = backoff.pause(backoffState);
        }
    }

    /**
     * Removes and returns the top value under the caller's open guard, or returns {@code emptyValue} if the stack
     * is empty: {@link #pop(long)} without entering and closing a guard of its own. A thread that pops (or pushes
     * and pops) many times in a row can hold one guard over a batch of operations and pay the guard's entry once
     * per batch instead of once per pop:
     * <pre>{@code
     * try (Guard g = stack.reclaimer().enter()) {
     *     for (int i = 0; i < 64; i++) {
     *         stack.push(i);
     *         sum += stack.pop(g, -1);
     *     }
     * }
     * }</pre>
     * While the guard is open it protects everything it protected before, and the nodes this call removes stay
     * allocated until it closes: under EBR an open guard holds back the reclamation of everything retired since
     * it was entered, by any thread, so keep batches short (microseconds, not a blocking call). A failed
     * compare-and-set backs off with the guard open. Lock-free; allocates nothing on the Java heap in steady
     * state.
     *
     * @param guard      an open guard of this stack's {@link #reclaimer()}
     * @param emptyValue what to return when the stack is empty
     * @return the value removed from the top, or {@code emptyValue}
     * @throws NullPointerException     if {@code guard} is null
     * @throws IllegalArgumentException if the guard belongs to another reclaimer
     * @throws IllegalStateException    if the stack is closed or the guard is closed
     */
    public long pop(Guard guard, long emptyValue) {
        checkOpen("pop(Guard, long)");
        checkGuard(guard, "pop(Guard, long)");
        int backoffState = backoff.start();
        for (;;) {
            long h = unlinkTop(guard);
            if (h != LOST) {
                return h == 0 ? emptyValue : valuePlain(h); // plain: as in unlinkTop; the guard protects h (I3)
            }
            backoffState = backoff.pause(backoffState);
        }
    }

    /**
     * One attempt to unlink the top node under {@code g}: returns the node, retired and still protected by
     * {@code g} (its value may be read until {@code g} closes), 0 if the stack was empty, or {@link #LOST} if
     * another thread changed the head between the read and the CAS.
     */
    private long unlinkTop(Guard g) {
        long h = protectHead(g); // acquire: pairs with the CAS of head in push()/pop() (P1)
        if (h == 0) {
            return 0;
        }
        long next = nextPlain(h); // plain: initialised before the CAS that published h (P1); h protected
        if (!casHead(h, next)) { // CAS (volatile): unlinks h; pairs with protect() of later pops (P1)
            return LOST;
        }
        g.retire(h, birthPlain(h), nodeDeleter); // plain: as for next; freed only once g and its peers close
        long era = g.birthEra();
        if (era != eraHintOpaque()) { // opaque: a value only; written once per era
            setEraHintOpaque(era); // opaque: read by push(); any era value is a safe birth
        }
        if (size != null) {
            size.decrement();
        }
        return h;
    }

    /**
     * Whether the stack is empty at the moment of the call (concurrent operations may change it at once).
     *
     * @return {@code true} if no value was on the stack when the head was read
     * @throws IllegalStateException if the stack is closed
     */
    public boolean isEmpty() {
        checkOpen("isEmpty()");
        return headVolatile() == 0;
    }

    /**
     * An estimate of the number of values on the stack: exact when no operation is in progress, otherwise it
     * may lag behind concurrent pushes and pops. Never negative. Only a stack built with
     * {@link Builder#countSize(boolean) countSize(true)} counts its values.
     *
     * @return the estimated size
     * @throws IllegalStateException if the stack is closed, or does not count its values
     */
    public long size() {
        checkOpen("size()");
        if (size == null) {
            throw new IllegalStateException("this TreiberStack does not count its values; build it with"
                    + " TreiberStack.builder(reclaimer, allocator).countSize(true).build() to call size(),"
                    + " or use isEmpty()");
        }
        return Math.max(0L, size.sum());
    }

    /**
     * Whether this stack counts its values ({@link #size()} works).
     *
     * @return {@code true} if built with {@link Builder#countSize(boolean) countSize(true)}
     */
    public boolean countsSize() {
        return size != null;
    }

    /**
     * What a push or pop does after a failed compare-and-set of the head.
     *
     * @return the back-off given at construction
     */
    public Backoff backoff() {
        return backoff;
    }

    /**
     * A builder for a stack with a chosen {@link Backoff} or size counting.
     *
     * @param reclaimer the reclaimer that decides when popped nodes are freed; any scheme; not owned
     * @param allocator where nodes (and the root) are allocated; not owned
     * @return a builder with the defaults of {@link #TreiberStack(Reclaimer, SlabAllocator)}
     * @throws NullPointerException if an argument is null
     */
    public static Builder builder(Reclaimer reclaimer, SlabAllocator allocator) {
        return new Builder(Objects.requireNonNull(reclaimer, "reclaimer must not be null; pass e.g."
                + " Scheme.EBR.create()"), Objects.requireNonNull(allocator, "allocator must not be null; pass"
                + " e.g. SlabAllocator.create()"));
    }

    /** Chooses a {@link TreiberStack}'s back-off and size counting; {@link #build()} creates it. */
    public static final class Builder {
        private final Reclaimer reclaimer;
        private final SlabAllocator allocator;
        private Backoff backoff = Backoff.standard();
        private boolean countSize;

        private Builder(Reclaimer reclaimer, SlabAllocator allocator) {
            this.reclaimer = reclaimer;
            this.allocator = allocator;
        }

        /**
         * What a push or pop does after a failed compare-and-set of the head (default
         * {@link Backoff#standard()}).
         *
         * @param backoff the back-off; {@link Backoff#none()} retries at once
         * @return this builder
         * @throws NullPointerException if {@code backoff} is null
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff must not be null; pass e.g. Backoff.none()");
            return this;
        }

        /**
         * Whether the stack counts its values so that {@link TreiberStack#size()} works (default
         * {@code false}). Counting costs every push and every pop an update of a shared striped counter.
         *
         * @param countSize {@code true} to count
         * @return this builder
         */
        public Builder countSize(boolean countSize) {
            this.countSize = countSize;
            return this;
        }

        /**
         * Creates the stack; it allocates its root block at once.
         *
         * @return a new empty stack
         * @throws IllegalStateException if the reclaimer is already closed
         */
        public TreiberStack build() {
            return new TreiberStack(reclaimer, allocator, backoff, countSize);
        }
    }

    /**
     * Frees every node still on the stack and the root block (see {@link #close()}). Nodes popped earlier are
     * the reclaimer's; it may already be closed.
     */
    @Override
    void freeContents() {
        // Quiescent: no other thread operates on the stack (L2), so nodes can be freed directly.
        long node = headVolatile(); // volatile: pairs with the last CAS of head by any thread (P1)
        while (node != 0) {
            long next = nextPlain(node); // plain: initialised before publication (P1); quiescent
            allocator.free(node);
            node = next;
        }
        if (size != null) {
            size.reset();
        }
        allocator.free(root);
    }

    /** Test seam: the root block's address (the head is at {@code + HEAD_OFFSET}). */
    long rootAddress() {
        return root;
    }

    @Override
    String describe() {
        return size == null ? "" : "size~" + Math.max(0L, size.sum()) + ", ";
    }

    // ---------------------------------------------------------------- off-heap accessors
    // Named field + mode in Memory's vocabulary; each names the pair it belongs to, the call sites say why.

    private long eraHintOpaque() {
        return Memory.getLongOpaque(eraHintAddress); // opaque: a value only, no pair (birth eras in the notes)
    }

    private void setEraHintOpaque(long era) {
        Memory.putLongOpaque(eraHintAddress, era); // opaque: read by eraHintOpaque(); no ordering needed
    }

    private long protectHead(Guard g) {
        return g.protect(0, headAddress); // acquire (+ hazard in slot 0): pairs with casHead/caeHead (P1)
    }

    private long headOpaque() {
        return Memory.getLongOpaque(headAddress); // opaque: only fed to caeHead, never dereferenced (P2)
    }

    private long headVolatile() {
        return Memory.getLongVolatile(headAddress); // volatile: pairs with casHead/caeHead (P1, P3)
    }

    private void setHeadRelease(long node) {
        Memory.putLongRelease(headAddress, node); // release: pairs with protectHead() (P1)
    }

    private boolean casHead(long expected, long node) {
        return Memory.compareAndSetLong(headAddress, expected, node); // CAS: pairs with protectHead() (P1)
    }

    private long caeHead(long expected, long node) {
        return Memory.compareAndExchangeLong(headAddress, expected, node); // CAS: pairs with protectHead() (P1)
    }

    private static long nextPlain(long node) {
        return Memory.getLong(node + NEXT_OFFSET); // plain: immutable once published (P1, I1)
    }

    private static void setNextPlain(long node, long next) {
        Memory.putLong(node + NEXT_OFFSET, next); // plain: unpublished; the CAS of head publishes it (P1)
    }

    private static long valuePlain(long node) {
        return Memory.getLong(node + VALUE_OFFSET); // plain: immutable once published (P1)
    }

    private static void setValuePlain(long node, long value) {
        Memory.putLong(node + VALUE_OFFSET, value); // plain: unpublished; the CAS of head publishes it (P1)
    }

    private static long birthPlain(long node) {
        return Memory.getLong(node + BIRTH_OFFSET); // plain: immutable once published (P1)
    }

    private static void setBirthPlain(long node, long era) {
        Memory.putLong(node + BIRTH_OFFSET, era); // plain: unpublished; the CAS of head publishes it (P1)
    }
}
