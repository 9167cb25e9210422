package dev.reclaim.realtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-capacity multi-producer single-consumer ring of {@link CollectorNode} references: the primary channel
 * of a collector built with {@link RealtimeCollector.Builder#capacity(int)}. {@link #offer} never waits: when
 * the ring is full it returns {@code false} and the caller chains the node onto the overflow queue through the
 * node's own link.
 */
final class BoundedRing {

    /* Implementation notes
     *
     * offer(n)  1. r = getAndAdd(reserved, 1); if r >= capacity: getAndAdd(reserved, -1), return false
     *           2. t = getAndAdd(tail, 1)                    -- claims index t
     *           3. slots[t & mask] = n (release)              -- linearization point of a successful offer
     *           Wait-free: three atomic instructions, no loop, no allocation.
     * poll()    consumer: n = slots[head & mask] (acquire); null means empty or a producer between steps 2
     *           and 3 (retry on a later pass); else slot = null (plain), head++, getAndAdd(reserved, -1).
     *
     * Why slot t is free at step 3: successful reservations outstanding never exceed capacity (each success
     * saw fewer than capacity; failures undo theirs). Every index in [releasedHead, t] belongs to a distinct
     * outstanding reservation, so t - releasedHead < capacity and index t - capacity was already released. The
     * consumer nulls a slot before its getAndAdd(reserved, -1); the producer's getAndAdd(reserved, +1) reads
     * that value or a later one in the counter's modification order, so the null store happens-before the
     * producer's store into the same slot.
     * A failed reservation may make a concurrent offer fail spuriously (the ring looked full for an instant):
     * that node overflows, which is correct, only slower for the collector.
     * Garbage bound: capacity references in the ring; overflow is unbounded (one link per node, preallocated).
     * Not padded: tail/reserved are written by every producer anyway, head only by the consumer.
     */

    private final CollectorNode[] slots;
    private final int mask;
    private final int capacity;
    /** Reservations outstanding; accessed through getAndAddReserved(). */
    private int reserved;
    /** Next index to claim; accessed through getAndAddTail()/tailVolatile(). */
    private long tail;
    /** Next index to consume; plain, consumer only. */
    private long head;

    BoundedRing(int capacity) {
        int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
        if (capacity == 1) {
            size = 1;
        }
        this.slots = new CollectorNode[size];
        this.mask = size - 1;
        this.capacity = capacity;
    }

    int capacity() {
        return capacity;
    }

    /** Offers {@code n}; false when the ring is full (the node was not stored). Wait-free. */
    boolean offer(CollectorNode n) {
        if (getAndAddReserved(1) >= capacity) {
            getAndAddReserved(-1);
            return false;
        }
        long t = getAndAddTail(1);
        SLOTS.setRelease(slots, (int) (t & mask), n); // release: pairs with the acquire load in poll()
        return true;
    }

    /** The oldest stored node, or null if empty or the next slot is claimed but not yet written. Consumer only. */
    CollectorNode poll() {
        int i = (int) (head & mask);
        CollectorNode n = (CollectorNode) SLOTS.getAcquire(slots, i); // acquire: pairs with setRelease in offer()
        if (n == null) {
            return null;
        }
        SLOTS.set(slots, i, (CollectorNode) null); // plain: ordered before the next producer's store by the reservation RMW below
        head++;
        getAndAddReserved(-1);
        return n;
    }

    /** True when every claimed index has been consumed. Consumer only. */
    boolean isDrained() {
        return tailVolatile() == head;
    }

    /** Nodes claimed and not yet consumed (some may be mid-write). Consumer only. */
    long countConsumerSide() {
        return tailVolatile() - head;
    }

    private int getAndAddReserved(int delta) {
        return (int) RESERVED.getAndAdd(this, delta); // seq-cst RMW: pairs with the other offers' and polls' RMWs (see notes)
    }

    private long getAndAddTail(long delta) {
        return (long) TAIL.getAndAdd(this, delta); // seq-cst RMW: pairs with other offers and tailVolatile()
    }

    private long tailVolatile() {
        return (long) TAIL.getVolatile(this); // volatile: pairs with getAndAddTail()
    }

    // VarHandle mechanics
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(CollectorNode[].class);
    private static final VarHandle RESERVED;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RESERVED = l.findVarHandle(BoundedRing.class, "reserved", int.class);
            TAIL = l.findVarHandle(BoundedRing.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
