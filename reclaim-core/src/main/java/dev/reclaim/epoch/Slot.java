package dev.reclaim.epoch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/** Left padding: keeps the hot fields of a slot off the cache lines of whatever the heap put before it. */
abstract class SlotPadLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The hot fields of a guard slot. Everything here is written by the slot's current owner (the thread using
 * the pinned guard, or a stealer holding it {@link Slot#LOCKED}) and read by scanners.
 */
abstract class SlotFields extends SlotPadLeft {
    /** {@link Slot#FREE}, {@link Slot#LOCKED}, or a pin {@code (epoch << 1) | 1}. Accessed via STATE only. */
    volatile long state;
    /** The pooled guard while the slot is free, null while it is pinned (see EpochReclaimer notes). */
    EpochGuard freeGuard;
    /** Weak handle on the slot's guard, replaced only when an abandoned guard is recovered (under the lock). */
    WeakReference<EpochGuard> guardRef;
    /**
     * The thread that last entered through this slot, written only when it changes (a reference store costs a
     * GC write barrier): diagnostics only, may be stale for a moment after another thread claims the slot.
     */
    Thread holder;
    /**
     * {@link Thread#threadId()} of the thread that entered the current pin, 0 while free (a primitive store:
     * no GC barrier). Cleared by close before the release store, so a thread that finds its own id in a
     * pinned slot really holds it: synchronize()'s and flush()'s self-checks. Plain: see EpochReclaimer notes.
     */
    long holderId;
    /** Garbage retired through this slot and not yet sealed; null until the first retire. */
    Bag bag;
    /** Pins of this slot since creation; accessed via PIN_SEQ (opaque) so scanners read it untorn. */
    long pinSeq;
    /** Pins left until this slot's owner tries to advance the epoch. Plain: owner only. */
    int advanceCountdown;
    /** Pointers/actions retired through this slot; accessed via RETIRED (opaque), summed by stats(). */
    long retired;
    /** Bytes retired through this slot as reported by Deleter.sizeOf; via RETIRED_BYTES (opaque). */
    long retiredBytes;
    /**
     * 1 when a synchronize() asks the slot's owner to seal its bag (the guard's close() does it, so that a
     * thread re-entering at once cannot starve synchronize). Cleared by an owner after sealing. Via SEAL_REQUEST.
     */
    volatile int sealRequest;
    /** pinSeq of the pin a slow-guard JFR event was last emitted for (once per pin). Plain: scanners only. */
    long slowReportedSeq = -1;
}

/** Right padding. */
abstract class SlotPadRight extends SlotFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One guard slot of an {@link EpochReclaimer}: the state of one open guard (its pin) and its garbage bag.
 * Padded against false sharing by class hierarchy (the JVM lays out superclass fields first), never by
 * trusting field order within a class.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxOpaque()}, {@code xxxVolatile()},
 * {@code setXxxRelease()}, {@code casXxx()} name the VarHandle mode they use.
 */
final class Slot extends SlotPadRight {
    /** Free: may be claimed by enter() (CAS FREE -> pin) or by a stealer (CAS FREE -> LOCKED). */
    static final long FREE = 0;
    /** Held by a stealer (flush, synchronize, close, abandoned-guard recovery), not a reader. */
    static final long LOCKED = 2;

    final int index;

    Slot(int index, EpochReclaimer owner, int advanceEvery) {
        this.index = index;
        EpochGuard g = new EpochGuard(owner, this);
        this.freeGuard = g;
        this.guardRef = new WeakReference<>(g);
        this.advanceCountdown = advanceEvery;
    }

    static boolean isPinned(long state) {
        return (state & 1) != 0;
    }

    static long pinOf(long epoch) {
        return (epoch << 1) | 1;
    }

    static long epochOf(long pinnedState) {
        return pinnedState >>> 1;
    }

    long stateOpaque() {
        return (long) STATE.getOpaque(this); // opaque: a hint for probing only; the CAS below validates it
    }

    long stateVolatile() {
        return (long) STATE.getVolatile(this); // volatile: pairs (SC order) with the pin CAS / repin store
    }

    boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update); // volatile CAS: pairs with setStateRelease in close
    }

    void setStateRelease(long value) {
        STATE.setRelease(this, value); // release: pairs with the claimer's CAS and scanners' volatile reads
    }

    void setStateVolatile(long value) {
        STATE.setVolatile(this, value); // volatile: repin; pairs with the advancer's volatile scan read
    }

    long pinSeqOpaque() {
        return (long) PIN_SEQ.getOpaque(this); // opaque: diagnostics; written by the owner in claim
    }

    void setPinSeqOpaque(long value) {
        PIN_SEQ.setOpaque(this, value); // opaque: read untorn by scanners' pinSeqOpaque
    }

    long retiredOpaque() {
        return (long) RETIRED.getOpaque(this); // opaque: stats sum; written by the owner in retire
    }

    void setRetiredOpaque(long value) {
        RETIRED.setOpaque(this, value); // opaque: read untorn by retiredOpaque in stats
    }

    long retiredBytesOpaque() {
        return (long) RETIRED_BYTES.getOpaque(this); // opaque: stats sum; written by the owner in retire
    }

    void setRetiredBytesOpaque(long value) {
        RETIRED_BYTES.setOpaque(this, value); // opaque: read untorn by retiredBytesOpaque in stats
    }

    int sealRequestOpaque() {
        return (int) SEAL_REQUEST.getOpaque(this); // opaque: close()'s cheap check; eventually sees the request
    }

    int sealRequestAcquire() {
        return (int) SEAL_REQUEST.getAcquire(this); // acquire: pairs with setSealRequestRelease(0) by the owner
    }

    void setSealRequestVolatile(int value) {
        SEAL_REQUEST.setVolatile(this, value); // volatile: the request; read by the owner's sealRequestOpaque
    }

    void setSealRequestRelease(int value) {
        SEAL_REQUEST.setRelease(this, value); // release: publishes the sealed bag's push; pairs with sealRequestAcquire
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle SEAL_REQUEST;
    private static final VarHandle PIN_SEQ;
    private static final VarHandle RETIRED;
    private static final VarHandle RETIRED_BYTES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(SlotFields.class, "state", long.class);
            SEAL_REQUEST = l.findVarHandle(SlotFields.class, "sealRequest", int.class);
            PIN_SEQ = l.findVarHandle(SlotFields.class, "pinSeq", long.class);
            RETIRED = l.findVarHandle(SlotFields.class, "retired", long.class);
            RETIRED_BYTES = l.findVarHandle(SlotFields.class, "retiredBytes", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
