package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.internal.PooledGuard;

/**
 * The guard of one {@link Slot}: one permanent object per slot, handed out by every enter() that claims the
 * slot, so entering allocates nothing. Protection is the whole guard's (the pin): {@code protect} is
 * {@link PooledGuard}'s acquire load, and so are the misuse checks.
 */
final class EpochGuard extends PooledGuard {
    private final EpochReclaimer.Table table;
    final Slot slot;

    EpochGuard(Reclaimer reclaimer, EpochReclaimer.Table table, Slot slot) {
        super(reclaimer);
        this.table = table;
        this.slot = slot;
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        table.repin(slot);
    }

    @Override
    public void retire(long pointer, Deleter deleter) {
        checkRetire(pointer, deleter);
        table.retire(slot, pointer, deleter, deleter.sizeOf(pointer));
    }

    @Override
    public void defer(Runnable action) {
        checkDefer(action);
        table.retire(slot, 0, action, 0);
    }

    @Override
    public void defer(Runnable action, long sizeBytes) {
        checkDefer(action, sizeBytes);
        table.retire(slot, 0, action, sizeBytes);
    }

    @Override
    public void close() {
        markClosed();
        table.releaseCounted(slot);
    }

    @Override
    public String toString() {
        return "EpochGuard[" + table.name() + ", slot " + slot.index + (isOpen() ? ", open]" : ", closed]");
    }
}
