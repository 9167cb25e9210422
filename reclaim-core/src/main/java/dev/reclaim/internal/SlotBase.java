package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The fields of a {@link SlotBase} beyond {@link GuardSlot}'s. */
abstract class SlotBaseFields extends GuardSlot {
    /** Retired pointers and deferred actions of this slot. Owner only. */
    final RetiredList list = new RetiredList();
    /**
     * Sequence number of the oldest entry still in the list, {@code Long.MAX_VALUE} when empty: synchronize()
     * waits until it passes its target. Via OLDEST_PENDING.
     */
    volatile long oldestPending = Long.MAX_VALUE;
    /**
     * Slow-guard watch (only while a recording enables the event): the generation of the guard a scan saw
     * holding garbage back, since when, and whether it was reported. Plain: written by scanners, best effort
     * (two racing scanners may report one guard twice or restart its clock).
     */
    long watchedGeneration = -1;
    /**
     * The sum of the retired counters of the live slots the last snapshot taken with this slot as the scanner
     * read (for the peak pending count). Plain: the scanner's own.
     */
    long retiredSeen;
    long watchedSince;
    boolean slowReported;

    SlotBaseFields(int index) {
        super(index);
    }
}

/** Right padding. */
abstract class SlotBasePadRight extends SlotBaseFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    SlotBasePadRight(int index) {
        super(index);
    }
}

/**
 * One guard slot of a {@link SlotTable}: the {@link GuardSlot} state plus its retired list. Schemes subclass it
 * with their per-slot payload (hazard words, era reservations); a subclass's own fields follow the right
 * padding and are separated from the next slot's hot fields by that slot's left padding.
 *
 * <p>Accessor vocabulary: {@code xxxAcquire()}, {@code setXxxRelease()} name the VarHandle mode they use.
 */
public abstract class SlotBase extends SlotBasePadRight {

    /**
     * Creates a slot; the table gives it its pooled guard afterwards.
     *
     * @param index its index in the table
     */
    protected SlotBase(int index) {
        super(index);
    }

    final long oldestPendingAcquire() {
        return (long) OLDEST_PENDING.getAcquire(this); // acquire: pairs with setOldestPendingRelease after the deleters ran
    }

    final void setOldestPendingRelease(long seq) {
        OLDEST_PENDING.setRelease(this, seq); // release: deleters (and appends) before it; pairs with oldestPendingAcquire
    }

    // VarHandle mechanics
    private static final VarHandle OLDEST_PENDING =
            FieldHandles.of(MethodHandles.lookup(), SlotBaseFields.class, "oldestPending", long.class);
}
