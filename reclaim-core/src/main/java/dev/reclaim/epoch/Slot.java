package dev.reclaim.epoch;

import dev.reclaim.internal.GuardSlot;

/** The fields an epoch slot adds to {@link GuardSlot}'s. */
abstract class SlotFields extends GuardSlot {
    /** Garbage retired through this slot and not yet sealed; null until the first retire. Owner only. */
    Bag bag;
    /** The pin (state) a slow-guard JFR event was last emitted for (once per pin). Plain: scanners only. */
    long slowReportedPin;
    /** Seals in a row that found the epoch stalled by another slot (the owner's; see yieldIfStalled). */
    int stalledSeals;
    /**
     * The oldest of the bags this slot sealed and still keeps (linked through {@link Bag#next}, oldest first,
     * seal epochs non-decreasing); null when none. Owner only (the pinning guard, or a thread holding the slot
     * LOCKED), like {@link #bag}: see EpochReclaimer's notes, "Garbage".
     */
    Bag sealedHead;
    /** The newest bag of the {@link #sealedHead} chain; null when the chain is empty. Owner only. */
    Bag sealedTail;
    /** An empty bag this slot reclaimed, kept for its next seal (its arrays are in this slot's caches). Owner only. */
    Bag spare;
    /** How many bags the {@link #sealedHead} chain holds (at most MAX_KEPT_BAGS after a seal). Owner only. */
    int keptBags;

    SlotFields(int index) {
        super(index);
    }
}

/** Right padding. */
abstract class SlotPadRight extends SlotFields {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    SlotPadRight(int index) {
        super(index);
    }
}

/**
 * One guard slot of an {@link EpochReclaimer}: the {@link GuardSlot} state (whose open value is the pin
 * {@code (epoch << 1) | 1}) plus the slot's garbage bag. Padded by class hierarchy:
 * {@link GuardSlot} on the left, {@link SlotPadRight} on the right.
 */
final class Slot extends SlotPadRight {

    Slot(int index) {
        super(index);
    }

    /**
     * The open value of a guard pinned at {@code epoch}: odd, so {@link GuardSlot#isOpen} holds.
     *
     * @param epoch the epoch read before the claim
     * @return the pin
     */
    static long pinOf(long epoch) {
        return (epoch << 1) | 1;
    }

    /**
     * The epoch of a pin.
     *
     * @param pinnedState an open state
     * @return its epoch
     */
    static long epochOf(long pinnedState) {
        return pinnedState >>> 1;
    }
}
