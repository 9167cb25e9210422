package dev.reclaim.hazard;

import dev.reclaim.Guard;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/** Left padding: keeps the hot fields of a slot off the cache lines of whatever the heap put before it. */
abstract class HazardSlotPadLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The fields of a hazard slot. Written by the slot's current owner (the thread using the open guard, or a
 * stealer holding it LOCKED) and read by scanners.
 */
abstract class HazardSlotFields extends HazardSlotPadLeft {
    /**
     * {@code (generation << 2) | kind}, kind {@link HazardSlot#KIND_FREE}, {@link HazardSlot#KIND_OPEN} or
     * {@link HazardSlot#KIND_LOCKED}. The generation grows on every enter and repin, so an open value is never
     * seen twice: deferred actions snapshot it. Accessed via STATE only.
     */
    volatile long state;
    /** The pooled guard while the slot is free, null while it is open. */
    HazardGuard freeGuard;
    /** Weak handle on the slot's guard, replaced only when an abandoned guard is recovered (under the lock). */
    WeakReference<HazardGuard> guardRef;
    /** The thread that last entered through this slot, written only when it changes: diagnostics only. */
    Thread holder;
    /** {@link Thread#threadId()} of the thread that opened the current guard, 0 while free. Plain (as EBR). */
    long holderId;
    /** Retired pointers and deferred actions of this slot. Owner only. */
    final RetiredList list = new RetiredList();
    /** Entries retired through this slot since creation; also the sequence number of the last one. Via RETIRED. */
    long retired;
    /** Bytes retired through this slot (Deleter.sizeOf). Via RETIRED_BYTES. */
    long retiredBytes;
    /**
     * Sequence number of the oldest entry still in the list, {@code Long.MAX_VALUE} when empty: synchronize()
     * waits until it passes its target. Via OLDEST_PENDING.
     */
    volatile long oldestPending = Long.MAX_VALUE;
    /** 1 when a synchronize() asks the owner to scan when its guard closes. Via SCAN_REQUEST. */
    volatile int scanRequest;
}

/** Right padding. */
abstract class HazardSlotPadRight extends HazardSlotFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One guard slot of a {@link HazardReclaimer}: its state, its {@link Guard#PROTECT_SLOTS} hazard words (off-heap
 * pointers, tag bits masked) and as many object hazards, and its retired list. Padded by class hierarchy; the
 * hazard arrays are padded inside (the used cells sit 128 bytes from either end) so that two slots' hazards
 * never share a cache line even when the arrays are allocated next to each other.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxOpaque()}, {@code xxxAcquire()},
 * {@code xxxVolatile()}, {@code setXxxRelease()}, {@code setXxxVolatile()}, {@code casXxx()} name the
 * VarHandle mode they use.
 */
final class HazardSlot extends HazardSlotPadRight {
    static final long KIND_FREE = 0;
    static final long KIND_OPEN = 1;
    static final long KIND_LOCKED = 2;
    private static final long KIND_MASK = 3;

    /** First used cell of {@link #hazards}: 16 longs = 128 bytes of padding before and after. */
    private static final int HZ_BASE = 16;
    /** First used cell of {@link #refs}: 32 references >= 128 bytes of padding before and after. */
    private static final int REF_BASE = 32;

    final int index;
    /** Hazard words at {@code HZ_BASE + i}; accessed via HAZARDS only. */
    private final long[] hazards = new long[2 * HZ_BASE + Guard.PROTECT_SLOTS];
    /** Object hazards at {@code REF_BASE + i}; accessed via REFS only. */
    private final Object[] refs = new Object[2 * REF_BASE + Guard.PROTECT_SLOTS];

    HazardSlot(int index, HazardReclaimer owner) {
        this.index = index;
        HazardGuard g = new HazardGuard(owner, this);
        this.freeGuard = g;
        this.guardRef = new WeakReference<>(g);
    }

    // ---------------------------------------------------------------- state encoding

    static boolean isFree(long state) {
        return (state & KIND_MASK) == KIND_FREE;
    }

    static boolean isOpen(long state) {
        return (state & KIND_MASK) == KIND_OPEN;
    }

    /** The open state of the next generation after {@code state}. */
    static long nextOpen(long state) {
        return ((state & ~KIND_MASK) + 4) | KIND_OPEN;
    }

    static long lockedOf(long freeState) {
        return freeState | KIND_LOCKED;
    }

    static long freeOf(long state) {
        return state & ~KIND_MASK;
    }

    // ---------------------------------------------------------------- state

    long state() {
        return (long) STATE.get(this); // plain: the owner reading the value it wrote itself
    }

    long stateOpaque() {
        return (long) STATE.getOpaque(this); // opaque: a hint for probing only; the CAS validates it
    }

    long stateVolatile() {
        return (long) STATE.getVolatile(this); // volatile: pairs (SC order) with the claim CAS / repin store
    }

    boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update); // volatile CAS: pairs with setStateRelease of the releaser
    }

    void setStateRelease(long value) {
        STATE.setRelease(this, value); // release: pairs with the next claimer's CAS and scanners' volatile reads
    }

    void setStateVolatile(long value) {
        STATE.setVolatile(this, value); // volatile: repin; pairs with defer()'s volatile snapshot reads
    }

    // ---------------------------------------------------------------- hazards

    long hazard(int i) {
        return (long) HAZARDS.get(hazards, HZ_BASE + i); // plain: the owner reading its own publication
    }

    long hazardVolatile(int i) {
        return (long) HAZARDS.getVolatile(hazards, HZ_BASE + i); // volatile: scan; pairs with setHazardVolatile
    }

    void setHazardVolatile(int i, long value) {
        // volatile ("light" side): StoreLoad before protect's re-read; pairs with the scanner's fence + hazardVolatile
        HAZARDS.setVolatile(hazards, HZ_BASE + i, value);
    }

    void setHazardRelease(int i, long value) {
        HAZARDS.setRelease(hazards, HZ_BASE + i, value); // release: our reads of the node precede the clear; pairs with hazardVolatile
    }

    Object ref(int i) {
        return REFS.get(refs, REF_BASE + i); // plain: the owner reading its own publication
    }

    Object refVolatile(int i) {
        return REFS.getVolatile(refs, REF_BASE + i); // volatile: diagnostics/scans; pairs with setRefVolatile
    }

    void setRefVolatile(int i, Object value) {
        REFS.setVolatile(refs, REF_BASE + i, value); // volatile: StoreLoad before protect's re-read (as hazards)
    }

    void setRefRelease(int i, Object value) {
        REFS.setRelease(refs, REF_BASE + i, value); // release: our reads of the object precede the clear
    }

    /** Clears every hazard this slot publishes (owner only); skips cells already clear. */
    void clearHazards() {
        for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
            if (hazard(i) != 0) {
                setHazardRelease(i, 0);
            }
            if (ref(i) != null) {
                setRefRelease(i, null);
            }
        }
    }

    // ---------------------------------------------------------------- counters

    long retiredOpaque() {
        return (long) RETIRED.getOpaque(this); // opaque: stats sums and synchronize targets; owner writes
    }

    void setRetiredOpaque(long value) {
        RETIRED.setOpaque(this, value); // opaque: read untorn by retiredOpaque
    }

    long retiredBytesOpaque() {
        return (long) RETIRED_BYTES.getOpaque(this); // opaque: stats sum; owner writes
    }

    void setRetiredBytesOpaque(long value) {
        RETIRED_BYTES.setOpaque(this, value); // opaque: read untorn by retiredBytesOpaque
    }

    long oldestPendingAcquire() {
        return (long) OLDEST_PENDING.getAcquire(this); // acquire: pairs with setOldestPendingRelease after the deleters ran
    }

    void setOldestPendingRelease(long seq) {
        OLDEST_PENDING.setRelease(this, seq); // release: deleters (and appends) before it; pairs with oldestPendingAcquire
    }

    int scanRequestOpaque() {
        return (int) SCAN_REQUEST.getOpaque(this); // opaque: the closer's cheap check; eventually sees the request
    }

    void setScanRequestVolatile(int value) {
        SCAN_REQUEST.setVolatile(this, value); // volatile: the request; read by the owner's scanRequestOpaque
    }

    void setScanRequestRelease(int value) {
        SCAN_REQUEST.setRelease(this, value); // release: the answer; the requester re-checks oldestPendingAcquire
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle RETIRED;
    private static final VarHandle RETIRED_BYTES;
    private static final VarHandle OLDEST_PENDING;
    private static final VarHandle SCAN_REQUEST;
    private static final VarHandle HAZARDS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle REFS = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(HazardSlotFields.class, "state", long.class);
            RETIRED = l.findVarHandle(HazardSlotFields.class, "retired", long.class);
            RETIRED_BYTES = l.findVarHandle(HazardSlotFields.class, "retiredBytes", long.class);
            OLDEST_PENDING = l.findVarHandle(HazardSlotFields.class, "oldestPending", long.class);
            SCAN_REQUEST = l.findVarHandle(HazardSlotFields.class, "scanRequest", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
