package dev.reclaim.arc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding: keeps the slot's hot words off the cache lines of whatever the heap put before it. */
abstract class DebtSlotPadLeft extends ArcGuard<Object> {
    /**
     * Fills the 4-byte gap after the object header: without it HotSpot's field layout puts the slot's boolean
     * guard flags there, outside the padding, next to the neighbouring slot's words.
     */
    int headerGap;
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The two words of a debt slot. */
abstract class DebtSlotFields extends DebtSlotPadLeft {
    /**
     * A lane slot's debt: null = free; a {@link Counted} = its owner owes a reference to that block (the lane
     * protocol: writers hold, never pay, so the word never holds anything else). Unused in pool slots. Via DEBT.
     */
    volatile Object debt;
    /**
     * A pool slot's debt word, a primitive (no GC barrier on its atomics): {@link DebtSlot#FREE};
     * a block's {@link Counted#stamp() stamp} (positive) = claimed by a reader that owes a reference to that block;
     * {@link DebtSlot#PAID} = claimed, the owner holds one full count on its guard's block (a writer paid the debt,
     * or handed the count over); {@link DebtSlot#CLAIMED} = claimed without a debt (helping path, between its
     * steps); {@link DebtSlot#REMOVED} = cut off the pool by a shrink, never claimed again. Unused in lane slots.
     * Via POOL_DEBT.
     */
    volatile long poolDebt;
    /**
     * The helping word: null = idle; a {@link DebtSlot.Request} = the owner is loading from that request's swap
     * and asks writers for help; a {@link Counted} (possibly a sentinel) = a writer's hand-over. Via CONTROL.
     */
    volatile Object control;
    /*
     * The open guard's state, written by the slot's owner only (plain): published to the next owner by the
     * release that frees the slot and that owner's claim CAS. Kept inside the padding, so that two readers'
     * guards never share a cache line.
     */
    /**
     * The open guard's kind, one of {@link DebtSlot#GUARD_CLOSED}, {@link DebtSlot#GUARD_LANE},
     * {@link DebtSlot#GUARD_LANE_PROJECTED}, {@link DebtSlot#GUARD_POOL}, {@link DebtSlot#GUARD_POOL_PROJECTED},
     * {@link DebtSlot#GUARD_EMPTY}: one word, so that {@code get()} and {@code close()} decide with a single load.
     */
    int guardMode;
    /**
     * A pool guard's block (a lane guard's block is its debt). Left in place at close, so that the next load of
     * the same block stores no reference; cleared from a free slot by the scan of the writer that removes that
     * block, or at close when the debt was paid. Written by the slot's owner (or a writer that claimed the slot
     * to clear it) only.
     */
    Counted<?> guardBlock;
    /** What a projected guard's get() returns. */
    Object guardValue;
}

/** Right padding. */
abstract class DebtSlotPadRight extends DebtSlotFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One debt slot, of the global {@link DebtPool} (claimed per {@link ArcSwap#load()}, not per thread) or of a
 * thread's {@link DebtLane}. Every slot is a {@link DebtGuard} (the only subclass): the guard a load returns is
 * its slot, so the hot path reaches the debt word and the guard state with no extra load (a separate guard
 * object pointing at its slot cost two dependent loads per load and about 30% of {@code load()}+close).
 * Padded by class hierarchy against false sharing between readers.
 *
 * <p>Accessor vocabulary: {@code xxxOpaque()}, {@code xxxVolatile()}, {@code setXxxVolatile()},
 * {@code setXxxRelease()}, {@code casXxx()} name the VarHandle mode they use.
 */
abstract class DebtSlot extends DebtSlotPadRight {

    /** {@link #poolDebt}: free. */
    static final long FREE = 0;
    /** {@link #poolDebt}: claimed without a debt. */
    static final long CLAIMED = -1;
    /**
     * {@link #poolDebt}: cut off the pool by a shrink ({@link DebtPool#shrink}): never claimable again (a claim CAS
     * expects FREE), never a debt (writers compare with the stamp of the block they removed). Only free slots are
     * marked, by CAS.
     */
    static final long REMOVED = -2;
    /**
     * {@link #poolDebt}: the owner holds one full count on its guard's block. Never a stamp, so a writer never
     * pays the same debt twice.
     */
    static final long PAID = -3;

    /** A reader's request for help; one per helping-path load, so that its identity is its generation. */
    static final class Request {
        final ArcSwap<?> swap;

        Request(ArcSwap<?> swap) {
            this.swap = swap;
        }
    }

    /** {@link #guardMode}: no guard open on this slot. */
    static final int GUARD_CLOSED = 0;
    /** A lane guard whose block is the slot's own debt (get() reads the debt's value; no other field). */
    static final int GUARD_LANE = 1;
    /** A lane guard with a projection in guardValue. */
    static final int GUARD_LANE_PROJECTED = 2;
    /** A pool guard: its block is guardBlock, owed ({@link #poolDebt} = its stamp) or owned ({@link #PAID}). */
    static final int GUARD_POOL = 3;
    /** A pool guard with a projection in guardValue. */
    static final int GUARD_POOL_PROJECTED = 4;
    /** {@link DebtGuard#EMPTY}: a load that found no value; never in a table, get() is null, close() nothing. */
    static final int GUARD_EMPTY = 5;

    /**
     * True for the slots of a thread's {@link DebtLane} (asymmetric-fence protocol on {@link #debt}, claimed by the
     * owner thread only); false for the slots of the global {@link DebtPool} (CAS protocol on {@link #poolDebt}).
     */
    final boolean inLane;

    DebtSlot(boolean inLane) {
        this.inLane = inLane;
    }

    /** A new slot; its only concrete class is {@link DebtGuard}: a slot is its own pooled guard. */
    static DebtGuard create(boolean inLane) {
        return new DebtGuard(inLane);
    }

    /** This slot as the guard a load returns (every slot is a DebtGuard). */
    @SuppressWarnings("unchecked")
    final DebtGuard guard() {
        return (DebtGuard) this;
    }

    // ---------------------------------------------------------------- debt (lane slots)

    Object debtPlain() {
        return DEBT.get(this); // plain: the lane guard reading its own debt (written by this guard's load)
    }

    Object debtAcquire() {
        return DEBT.getAcquire(this); // acquire: the lane owner's probe; pairs with setDebtRelease of the closer
    }

    void setDebtOpaque(Object value) {
        DEBT.setOpaque(this, value); // opaque: the lane debt; ordered before the re-read by AsymmetricFence.light()
    }

    Object debtVolatile() {
        return DEBT.getVolatile(this); // volatile: lane counts (tests, lane reuse); pairs with setDebtRelease
    }

    void setDebtRelease(Object value) {
        DEBT.setRelease(this, value); // release: frees the lane slot; our reads of the value precede it
    }

    // ---------------------------------------------------------------- poolDebt (pool slots)

    long poolDebtOpaque() {
        return (long) POOL_DEBT.getOpaque(this); // opaque: a probe hint only; the claim CAS validates it
    }

    long poolDebtVolatile() {
        return (long) POOL_DEBT.getVolatile(this); // volatile: a writer's scan (c); SC with the reader's claim CAS (f2)
    }

    boolean casPoolDebt(long expect, long update) {
        return POOL_DEBT.compareAndSet(this, expect, update); // volatile CAS: claim / pay / remove; SC with the other side
    }

    long getAndSetPoolDebt(long value) {
        return (long) POOL_DEBT.getAndSet(this, value); // volatile RMW: a pool guard's close; SC with a paying CAS
    }

    void setPoolDebtVolatile(long value) {
        POOL_DEBT.setVolatile(this, value); // volatile: the helping path's debt (3); SC before its control CAS (4)
    }

    void setPoolDebtRelease(long value) {
        POOL_DEBT.setRelease(this, value); // release: frees the slot (our guard writes precede the next claim CAS),
                                            // or marks our claimed word PAID (writers only compare it with a stamp)
    }

    // ---------------------------------------------------------------- control

    Object controlVolatile() {
        return CONTROL.getVolatile(this); // volatile: writer's help scan; pairs with setControlVolatile (1)
    }

    void setControlVolatile(Object value) {
        CONTROL.setVolatile(this, value); // volatile: the request (1); SC before the reader's load (2)
    }

    boolean casControl(Object expect, Object update) {
        return CONTROL.compareAndSet(this, expect, update); // volatile CAS: reader's (4) vs a writer's hand-over
    }

    void setControlRelease(Object value) {
        CONTROL.setRelease(this, value); // release: back to idle (owner only, after taking the hand-over)
    }

    // VarHandle mechanics
    private static final VarHandle DEBT;
    private static final VarHandle POOL_DEBT;
    private static final VarHandle CONTROL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            DEBT = l.findVarHandle(DebtSlotFields.class, "debt", Object.class);
            POOL_DEBT = l.findVarHandle(DebtSlotFields.class, "poolDebt", long.class);
            CONTROL = l.findVarHandle(DebtSlotFields.class, "control", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
