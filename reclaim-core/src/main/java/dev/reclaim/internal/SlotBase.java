package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;

/** Left padding: keeps the hot fields of a slot off the cache lines of whatever the heap put before it. */
abstract class SlotBasePadLeft {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/**
 * The fields every slot of a {@link SlotTable} has. Written by the slot's current owner (the thread using the
 * open guard, or a stealer holding it LOCKED) and read by scanners.
 */
abstract class SlotBaseFields extends SlotBasePadLeft {
    /**
     * {@code (generation << 2) | kind}, kind {@link SlotBase#KIND_FREE}, {@link SlotBase#KIND_OPEN} or
     * {@link SlotBase#KIND_LOCKED}. The generation grows on every enter and repin, so an open value is never
     * seen twice: deferred actions snapshot it. Accessed via STATE only.
     */
    volatile long state;
    /** The pooled guard while the slot is free, null while it is open. */
    SlotGuard freeGuard;
    /** Weak handle on the slot's guard, replaced only when an abandoned guard is recovered (under the lock). */
    WeakReference<SlotGuard> guardRef;
    /** The thread that last entered through this slot, written only when it changes: diagnostics only. */
    Thread holder;
    /**
     * {@link Thread#threadId()} of the thread that opened the current guard, 0 while free (a primitive: no GC
     * barrier). Cleared by close before the release store, so a thread that finds its own id in an open slot
     * really holds it (the self-checks of synchronize and close). Plain.
     */
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
abstract class SlotBasePadRight extends SlotBaseFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One guard slot of a {@link SlotTable}: its state, its pooled guard, its holder (diagnostics) and its retired
 * list. Schemes subclass it with their per-slot payload (hazard words, era reservations). Padded by class
 * hierarchy; a subclass's own fields follow the right padding and are separated from the next slot's hot
 * fields by that slot's left padding.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxOpaque()}, {@code xxxAcquire()},
 * {@code xxxVolatile()}, {@code setXxxRelease()}, {@code setXxxVolatile()}, {@code casXxx()} name the
 * VarHandle mode they use.
 */
public abstract class SlotBase extends SlotBasePadRight {
    /** Kind of a slot nobody holds: {@code enter()} may claim it. */
    public static final long KIND_FREE = 0;
    /** Kind of a slot whose guard is open. */
    public static final long KIND_OPEN = 1;
    /** Kind of a slot held by a stealer (flush, synchronize, close, recovery), not by a reader. */
    public static final long KIND_LOCKED = 2;
    private static final long KIND_MASK = 3;

    /** This slot's index in the table (stable: slots never move). */
    public final int index;

    /**
     * Creates a slot; the table gives it its pooled guard afterwards.
     *
     * @param index its index in the table
     */
    protected SlotBase(int index) {
        this.index = index;
    }

    // ---------------------------------------------------------------- state encoding

    /**
     * Whether a state value is free.
     *
     * @param state a state value
     * @return whether its kind is FREE
     */
    public static boolean isFree(long state) {
        return (state & KIND_MASK) == KIND_FREE;
    }

    /**
     * Whether a state value is open (a guard holds the slot).
     *
     * @param state a state value
     * @return whether its kind is OPEN
     */
    public static boolean isOpen(long state) {
        return (state & KIND_MASK) == KIND_OPEN;
    }

    /**
     * The open state of the next generation after {@code state}.
     *
     * @param state a state value
     * @return the next open state
     */
    public static long nextOpen(long state) {
        return ((state & ~KIND_MASK) + 4) | KIND_OPEN;
    }

    static long lockedOf(long freeState) {
        return freeState | KIND_LOCKED;
    }

    static long freeOf(long state) {
        return state & ~KIND_MASK;
    }

    /**
     * The thread that last entered through this slot (racy, diagnostics only).
     *
     * @return the thread, or null before the first enter
     */
    public final Thread holder() {
        return holder; // plain: racy diagnostics read
    }

    // ---------------------------------------------------------------- state

    /**
     * The state as its owner sees it.
     *
     * @return the state (plain read: the owner reading the value it wrote itself)
     */
    public final long state() {
        return (long) STATE.get(this); // plain: the owner reading the value it wrote itself
    }

    final long stateOpaque() {
        return (long) STATE.getOpaque(this); // opaque: a hint for probing only; the CAS validates it
    }

    /**
     * The state for scanners.
     *
     * @return the state (volatile read: SC with the claim CAS and repin store)
     */
    public final long stateVolatile() {
        return (long) STATE.getVolatile(this); // volatile: pairs (SC order) with the claim CAS / repin store
    }

    final boolean casState(long expect, long update) {
        return STATE.compareAndSet(this, expect, update); // volatile CAS: pairs with setStateRelease of the releaser
    }

    final void setStateRelease(long value) {
        STATE.setRelease(this, value); // release: pairs with the next claimer's CAS and scanners' volatile reads
    }

    /**
     * Moves the open slot to a new generation (repin): ends the grace periods of deferred actions that wait
     * for this guard. Owner only.
     */
    public final void repinGeneration() {
        STATE.setVolatile(this, nextOpen(state())); // volatile: pairs with defer()'s volatile snapshot reads
    }

    // ---------------------------------------------------------------- counters

    final long retiredOpaque() {
        return (long) RETIRED.getOpaque(this); // opaque: stats sums and synchronize targets; owner writes
    }

    final void setRetiredOpaque(long value) {
        RETIRED.setOpaque(this, value); // opaque: read untorn by retiredOpaque
    }

    final long retiredBytesOpaque() {
        return (long) RETIRED_BYTES.getOpaque(this); // opaque: stats sum; owner writes
    }

    final void setRetiredBytesOpaque(long value) {
        RETIRED_BYTES.setOpaque(this, value); // opaque: read untorn by retiredBytesOpaque
    }

    final long oldestPendingAcquire() {
        return (long) OLDEST_PENDING.getAcquire(this); // acquire: pairs with setOldestPendingRelease after the deleters ran
    }

    final void setOldestPendingRelease(long seq) {
        OLDEST_PENDING.setRelease(this, seq); // release: deleters (and appends) before it; pairs with oldestPendingAcquire
    }

    final int scanRequestOpaque() {
        return (int) SCAN_REQUEST.getOpaque(this); // opaque: the closer's cheap check; eventually sees the request
    }

    final void setScanRequestVolatile(int value) {
        SCAN_REQUEST.setVolatile(this, value); // volatile: the request; read by the owner's scanRequestOpaque
    }

    final void setScanRequestRelease(int value) {
        SCAN_REQUEST.setRelease(this, value); // release: the answer; the requester re-checks oldestPendingAcquire
    }

    // VarHandle mechanics
    private static final VarHandle STATE;
    private static final VarHandle RETIRED;
    private static final VarHandle RETIRED_BYTES;
    private static final VarHandle OLDEST_PENDING;
    private static final VarHandle SCAN_REQUEST;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(SlotBaseFields.class, "state", long.class);
            RETIRED = l.findVarHandle(SlotBaseFields.class, "retired", long.class);
            RETIRED_BYTES = l.findVarHandle(SlotBaseFields.class, "retiredBytes", long.class);
            OLDEST_PENDING = l.findVarHandle(SlotBaseFields.class, "oldestPending", long.class);
            SCAN_REQUEST = l.findVarHandle(SlotBaseFields.class, "scanRequest", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
