package dev.reclaim.epoch;

import dev.reclaim.internal.FieldHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding of {@link GarbageState}. */
abstract class GarbageStatePadLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The written-often fields of {@link GarbageState}, between paddings. */
abstract class GarbageStateFields extends GarbageStatePadLeft {
    /** Head of the sealed-bag Treiber stack. Via SEALED. */
    volatile Bag sealed;
    /** 1 while a collector runs. Via COLLECTING. */
    volatile int collecting;
    /** 1 while a thread uses the empty-bag pool. Via POOL_LOCK. */
    volatile int poolLock;
    /** Plain: guarded by poolLock. */
    Bag poolHead;
    /** Plain: guarded by poolLock. */
    int poolSize;
    /**
     * The global epoch the last collection read, -1 before the first. Plain: read and written only by the
     * holder of the collector flag (its CAS acquire and release store order the accesses).
     */
    long collectedEpoch = -1;
    /**
     * The bag a sweep merges idle slots' partial bags into; null between sweeps (each sweep seals what it
     * merged). Plain: owned by the holder of the collector flag.
     */
    Bag staging;
    /**
     * Where the last blocked advance attempt stopped: the low 40 bits of the epoch it scanned at, and the index
     * of the slot that blocked it (low 24 bits). Via ADVANCE_CURSOR.
     */
    long advanceCursor = -1;
}

/**
 * The shared garbage of an {@link EpochReclaimer}: the stack of sealed bags, the collector flag and the pool of
 * empty bags (the reclamation counters are the table's {@link dev.reclaim.internal.Reclamation}). Kept in its
 * own padded object because these fields are written on every sealed bag, while the table's own fields are
 * read by every enter().
 *
 * <p>The sealed stack is an intrusive Treiber stack with only two operations, push (CAS on the head) and
 * take-all (getAndSet(null)), so it has no ABA problem. The pool is a plain stack behind a try-lock that spins
 * a few dozen times: a thread that still finds it locked (its holder was preempted) allocates or drops a bag
 * instead of waiting, so nobody ever blocks on it.
 */
final class GarbageState extends GarbageStateFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    /** Pushes the chain {@code first .. last} (linked through {@link Bag#next}) onto the sealed stack. */
    void pushSealed(Bag first, Bag last) {
        while (true) {
            Bag head = sealedVolatile();
            last.next = head; // plain: published by the CAS below
            if (casSealed(head, first)) {
                return;
            }
        }
    }

    /** Takes every sealed bag at once. */
    Bag takeAllSealed() {
        return (Bag) SEALED.getAndSet(this, (Bag) null); // volatile RMW: pairs with the CAS in pushSealed
    }

    Bag sealedVolatile() {
        return (Bag) SEALED.getVolatile(this); // volatile: pairs with the CAS in pushSealed / takeAllSealed
    }

    private boolean casSealed(Bag expect, Bag update) {
        return SEALED.compareAndSet(this, expect, update); // CAS: publishes the chain; pairs with takeAllSealed
    }

    long advanceCursorAcquire() {
        return (long) ADVANCE_CURSOR.getAcquire(this); // acquire: the writer's slot reads happen-before our CAS
    }

    void setAdvanceCursorRelease(long cursor) {
        ADVANCE_CURSOR.setRelease(this, cursor); // release: our slot reads before it; pairs with advanceCursorAcquire
    }

    boolean tryLockCollector() {
        return COLLECTING.compareAndSet(this, 0, 1); // CAS: acquire; pairs with unlockCollector's release
    }

    void unlockCollector() {
        COLLECTING.setRelease(this, 0); // release: pairs with the next tryLockCollector's CAS
    }

    /** Spins before a pool try-lock gives up: its holder does a handful of plain stores. */
    private static final int POOL_LOCK_SPINS = 64;

    /**
     * Takes the pool lock, spinning at most {@link #POOL_LOCK_SPINS} times: a holder preempted inside the lock
     * makes the caller fall back (allocate or drop a bag) instead of waiting, so the pool never blocks.
     */
    private boolean tryLockPool() {
        for (int i = 0; i < POOL_LOCK_SPINS; i++) {
            if ((int) POOL_LOCK.getOpaque(this) == 0 // opaque: test before test-and-set; no ordering needed
                    && POOL_LOCK.compareAndSet(this, 0, 1)) { // CAS: acquire; pairs with the release in the callers
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    /** An empty bag from the pool, or a new one when the pool is empty or stays busy. */
    Bag takeEmptyBag(int capacity) {
        if (tryLockPool()) {
            Bag b = poolHead;
            if (b != null) {
                poolHead = b.next;
                poolSize--;
                b.next = null;
            }
            POOL_LOCK.setRelease(this, 0); // release: pairs with the next CAS in tryLockPool()
            if (b != null) {
                return b;
            }
        }
        dev.reclaim.internal.GrowthFault.beforeAllocation();
        return new Bag(capacity);
    }

    /** Returns a reclaimed bag to the pool unless the pool is full or stays busy (then the GC takes it). */
    void recycle(Bag b, int maxPooled) {
        b.clear();
        if (tryLockPool()) {
            if (poolSize < maxPooled) {
                b.next = poolHead;
                poolHead = b;
                poolSize++;
            }
            POOL_LOCK.setRelease(this, 0); // release: pairs with the next CAS in tryLockPool()
        }
    }

    // VarHandle mechanics
    private static final MethodHandles.Lookup L = MethodHandles.lookup();
    private static final VarHandle SEALED = FieldHandles.of(L, GarbageStateFields.class, "sealed", Bag.class);
    private static final VarHandle COLLECTING = FieldHandles.of(L, GarbageStateFields.class, "collecting", int.class);
    private static final VarHandle POOL_LOCK = FieldHandles.of(L, GarbageStateFields.class, "poolLock", int.class);
    private static final VarHandle ADVANCE_CURSOR =
            FieldHandles.of(L, GarbageStateFields.class, "advanceCursor", long.class);
}
