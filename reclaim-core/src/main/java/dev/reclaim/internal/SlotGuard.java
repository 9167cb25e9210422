package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;

import java.util.Objects;

/**
 * The pooled guard of one {@link SlotBase}: one permanent object per slot, handed out by every enter() that
 * claims the slot, so entering allocates nothing. Schemes subclass it with their {@code protect} and
 * {@code retire}; opening, closing, misuse checks and {@code defer} live here.
 *
 * <p>Threads: used by one thread at a time (the one that entered, or one it handed the guard to with a
 * happens-before edge), hence the plain {@link #open} flag.
 */
public abstract class SlotGuard implements Guard {
    /** The table (and reclaimer) this guard belongs to. */
    protected final SlotTable<?> table;
    /** Plain: a guard is used by one thread at a time; hand-overs carry their own happens-before edge. */
    boolean open;

    /**
     * Creates the guard of a slot.
     *
     * @param table the table the slot belongs to
     */
    protected SlotGuard(SlotTable<?> table) {
        this.table = table;
    }

    /**
     * The slot this guard belongs to.
     *
     * @return the slot
     */
    protected abstract SlotBase slot();

    /**
     * Throws unless this guard is open.
     *
     * @param op the operation attempted, for the message
     * @throws IllegalStateException if the guard is closed
     */
    protected final void checkOpen(String op) {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + table.name() + "' is closed; call " + op
                    + " inside try (Guard g = reclaimer.enter()) { ... } before the guard is closed");
        }
    }

    /**
     * The checks every {@code retire} makes: open guard, non-zero pointer, non-null deleter.
     *
     * @param pointer the pointer to retire
     * @param deleter its deleter
     */
    protected final void checkRetire(long pointer, Deleter deleter) {
        checkOpen("retire()");
        if (pointer == 0) {
            throw new IllegalArgumentException("cannot retire pointer 0 (null); retire only pointers you unlinked");
        }
        Objects.requireNonNull(deleter, "deleter must not be null; pass the allocator (or Deleter) that owns the pointer");
    }

    @Override
    public final void defer(Runnable action) {
        checkOpen("defer()");
        Objects.requireNonNull(action, "deferred action must not be null; pass the Runnable to run after the grace period");
        table.defer(slot(), action);
    }

    @Override
    public final Reclaimer reclaimer() {
        return table.reclaimer();
    }

    @Override
    public final boolean isOpen() {
        return open;
    }

    /**
     * What the scheme does when its guard closes, before the slot is released (clear hazards). Owner only.
     */
    protected void onClose() {
    }

    @Override
    public final void close() {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + table.name()
                    + "' is already closed; close each guard exactly once (use try-with-resources)");
        }
        open = false;
        onClose();
        table.release(slot(), this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + table.name() + ", slot " + slot().index
                + (open ? ", open]" : ", closed]");
    }
}
