package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An intrusive, unbounded multi-producer single-consumer queue of {@link CollectorNode} nodes: the transport
 * from the realtime threads to the collector. {@link #offer} may be called by any thread; {@link #poll},
 * {@link #isDrained} and {@link #countConsumerSide} only by the consumer (the holder of the collector's
 * consumer flag).
 */
final class MpscLinkedQueue {

    /* Implementation notes
     *
     * Algorithm: Vyukov's intrusive MPSC queue with a stub node. Producers link through the node's own `next`
     * field, so offer() allocates nothing and never fails.
     *
     * offer(n)  1. n.next = null (plain; n is private to the producer)
     *           2. prev = getAndSet(tail, n)       -- linearization point; wait-free (one XCHG)
     *           3. prev.next = n (release)         -- links n for the consumer
     * poll()    follows head.next with acquire loads. Between steps 2 and 3 of some producer the list is
     *           momentarily split ("gap"): the consumer sees head.next == null while tail != head, returns
     *           null and retries on a later pass. The consumer never waits for a producer; a producer
     *           preempted inside the gap delays only the nodes behind it, by one preemption.
     * The last real node is returned only once a successor exists; when head is the last node, the consumer
     * re-offers the stub behind it to create one.
     *
     * Invariants: head is the stub or the oldest node not yet returned; every node reachable from head
     * through `next` was offered and not returned; tail is the last node offered.
     * Memory order: the XCHG orders producers among themselves and publishes step 1; the release store of
     * step 3 pairs with the consumer's nextAcquire(), which makes every write the producer did before
     * offer() (the node's payload, droppedAt) visible to the consumer.
     * ABA: nodes are offered once and never reused, except the stub, which only the consumer re-offers
     * while it is not in the list.
     * Reference: D. Vyukov, "Intrusive MPSC node-based queue" (1024cores.net).
     */

    private final CollectorNode stub = new Stub();
    /** Producers' end; accessed through tailVolatile()/getAndSetTail(). */
    private CollectorNode tail = stub;
    /** Consumer's end; plain, consumer only (the consumer flag's CAS/release hands it between threads). */
    private CollectorNode head = stub;

    /** Appends {@code n}. Wait-free: one exchange and one release store; no allocation. */
    void offer(CollectorNode n) {
        n.setNextPlain(null);
        CollectorNode prev = getAndSetTail(n);
        prev.setNextRelease(n);
    }

    /**
     * Removes the oldest node whose successor is linked, or returns null when the queue is empty or a
     * producer is inside its gap. Consumer only.
     */
    CollectorNode poll() {
        CollectorNode h = head;
        CollectorNode next = h.nextAcquire();
        if (h == stub) {
            if (next == null) {
                return null;
            }
            head = next;
            h = next;
            next = next.nextAcquire();
        }
        if (next != null) {
            head = next;
            return h;
        }
        if (h != tailVolatile()) {
            return null; // a producer exchanged tail but has not linked yet: retry on a later pass
        }
        offer(stub);
        next = h.nextAcquire();
        if (next != null) {
            head = next;
            return h;
        }
        return null; // another producer slipped in before the stub: its link is pending
    }

    /** True when every offered node has been returned (no gap pending). Consumer only. */
    boolean isDrained() {
        return head == stub && stub.nextAcquire() == null && tailVolatile() == stub;
    }

    /** Nodes currently linked from head (a gap hides the rest). Consumer only; O(n). */
    long countConsumerSide() {
        long n = 0;
        for (CollectorNode p = head; p != null; p = p.nextAcquire()) {
            if (p != stub) {
                n++;
            }
        }
        return n;
    }

    private CollectorNode tailVolatile() {
        return (CollectorNode) TAIL.getVolatile(this); // volatile: pairs with the exchange in offer()
    }

    private CollectorNode getAndSetTail(CollectorNode n) {
        return (CollectorNode) TAIL.getAndSet(this, n); // seq-cst exchange: pairs with other offers and tailVolatile()
    }

    /** The stub: a node that is never destroyed. */
    private static final class Stub extends CollectorNode {
        @Override
        protected void destroy() {
            throw new AssertionError("the queue stub is never destroyed");
        }
    }

    // VarHandle mechanics
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(MpscLinkedQueue.class, "tail", CollectorNode.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
