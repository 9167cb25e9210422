package dev.reclaim.epoch;

import dev.reclaim.internal.FieldHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed-capacity batch of garbage: retired pointers with their deleters, or deferred actions (pointer 0),
 * run by {@link dev.reclaim.internal.Reclamation#runAll} once the bag's grace period ended.
 *
 * <p>A bag is owned by exactly one party at a time: a slot (filled by the slot's owner), the sealed stack
 * (after a Treiber push), the collector (after a take-all), or the pool of empty bags. Ownership moves with
 * a happens-before edge (slot state release/CAS, stack CAS/getAndSet, pool lock), so the arrays are plain.
 */
final class Bag {
    final long[] pointers;
    final Object[] actions;
    /** Entries used; written via SIZE (release) so that abandoned-guard recovery sees the entries. */
    int size;
    /** Sum of Deleter.sizeOf of the entries. Plain: owner only. */
    long bytes;
    /** Global epoch read after the last retire into this bag (set when sealed). Plain: published by push. */
    long sealEpoch;
    /** Link in the sealed stack or the pool. Plain: published by the CAS of the push / the pool lock. */
    Bag next;

    Bag(int capacity) {
        pointers = new long[capacity];
        actions = new Object[capacity];
    }

    boolean isFull() {
        return size == pointers.length;
    }

    /** Appends one entry; the caller owns the bag and has checked it is not full. */
    void add(long pointer, Object action, long sizeBytes) {
        int n = size;
        pointers[n] = pointer;
        actions[n] = action;
        bytes += sizeBytes;
        SIZE.setRelease(this, n + 1); // release: pairs with sizeAcquire() in abandoned-guard recovery
    }

    int sizeAcquire() {
        return (int) SIZE.getAcquire(this); // acquire: pairs with the release in add()
    }

    /** Empties the bag for reuse (drops references so the GC can take the deleters/actions). */
    void clear() {
        java.util.Arrays.fill(actions, 0, size, null);
        size = 0; // plain: the bag is owned exclusively by the recycler; the pool lock publishes it
        bytes = 0;
        sealEpoch = 0;
        next = null;
    }

    // VarHandle mechanics
    private static final VarHandle SIZE = FieldHandles.of(MethodHandles.lookup(), Bag.class, "size", int.class);
}
