package dev.reclaim.internal;

import dev.reclaim.Reclaimer;

/**
 * The pooled guard of one {@link SlotBase} of a {@link SlotTable}: schemes subclass it with their
 * {@code protect}, {@code repin} and {@code retire}; closing and {@code defer} live here, the misuse checks in
 * {@link PooledGuard}.
 */
public abstract class SlotGuard extends PooledGuard {
    /** The table this guard belongs to. */
    protected final SlotTable<?> table;
    /** The slot this guard belongs to. */
    private final SlotBase slot;

    /**
     * Creates the guard of a slot.
     *
     * @param reclaimer the reclaimer the table implements
     * @param table     the table the slot belongs to
     * @param slot      the slot
     */
    protected SlotGuard(Reclaimer reclaimer, SlotTable<?> table, SlotBase slot) {
        super(reclaimer);
        this.table = table;
        this.slot = slot;
    }

    @Override
    public final void defer(Runnable action) {
        checkDefer(action);
        table.defer(slot, action, 0);
    }

    @Override
    public final void defer(Runnable action, long sizeBytes) {
        checkDefer(action, sizeBytes);
        table.defer(slot, action, sizeBytes);
    }

    /** What the scheme does when its guard closes, before the slot is released (clear hazards). Owner only. */
    protected void onClose() {
    }

    @Override
    public final void close() {
        markClosed();
        onClose();
        slot.endGenerationRelease(); // ends the grace periods that wait for this guard
        table.release(slot);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + table.name() + ", slot " + slot.index
                + (isOpen() ? ", open]" : ", closed]");
    }
}
