package dev.reclaim.bench.suite;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code jdk-atomicref-stack} baseline: a Treiber stack of heap nodes whose popped nodes the garbage
 * collector reclaims (no ABA problem, no reclamation scheme).
 */
public final class AtomicRefStack {

    /** Creates an empty stack. */
    public AtomicRefStack() {
    }

    /* Implementation notes
     * Invariant: head is the top node or null; a node's fields are final, so a node reached through head is
     * fully initialised (the CAS publishing it is a volatile write, the get() that finds it a volatile read).
     * Linearization: push at its successful CAS, pop at its successful CAS (or at the get() that saw null).
     * Garbage bound: none needed; the GC frees unreachable nodes, so ABA cannot happen.
     */

    private record Node(long value, Node next) {
    }

    private final AtomicReference<Node> head = new AtomicReference<>();

    /**
     * Pushes a value.
     *
     * @param value the value
     */
    public void push(long value) {
        Node h = head.get(); // volatile: pairs with the CAS below of other threads
        for (;;) {
            Node n = new Node(value, h);
            Node w = head.compareAndExchange(h, n); // CAS (volatile): publishes n; pairs with get() in pop()
            if (w == h) {
                return;
            }
            h = w;
            Thread.onSpinWait();
        }
    }

    /**
     * Pops the top value.
     *
     * @param empty returned when the stack is empty
     * @return the value, or {@code empty}
     */
    public long pop(long empty) {
        for (;;) {
            Node h = head.get(); // volatile: pairs with the CAS in push()/pop()
            if (h == null) {
                return empty;
            }
            if (head.compareAndSet(h, h.next())) { // CAS (volatile): unlinks h; pairs with get() above
                return h.value();
            }
            Thread.onSpinWait();
        }
    }
}
