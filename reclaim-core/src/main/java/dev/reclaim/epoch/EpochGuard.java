package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The guard of one {@link Slot}: one permanent object per slot, handed out by every enter() that claims the
 * slot, so entering allocates nothing.
 *
 * <p>Threads: used by one thread at a time (the one that entered, or one it handed the guard to with a
 * happens-before edge), hence the plain {@link #open} flag.
 */
final class EpochGuard implements Guard {
    private final EpochReclaimer owner;
    final Slot slot;
    /** Plain: a guard is used by one thread at a time; hand-overs carry their own happens-before edge. */
    boolean open;

    EpochGuard(EpochReclaimer owner, Slot slot) {
        this.owner = owner;
        this.slot = slot;
    }

    private void checkOpen(String op) {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + owner.name() + "' is closed; call " + op
                    + " inside try (Guard g = reclaimer.enter()) { ... } before the guard is closed");
        }
    }

    @Override
    public long protect(int index, long address) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("protect()");
        return Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
    }

    @Override
    public <T> T protect(int index, AtomicReference<T> source) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("protect()");
        return source.getAcquire(); // acquire: pairs with the writer's release/CAS of the reference
    }

    @Override
    public void unprotect(int index) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("unprotect()");
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        owner.repin(slot);
    }

    @Override
    public void retire(long pointer, Deleter deleter) {
        checkOpen("retire()");
        if (pointer == 0) {
            throw new IllegalArgumentException("cannot retire pointer 0 (null); retire only pointers you unlinked");
        }
        Objects.requireNonNull(deleter, "deleter must not be null; pass the allocator (or Deleter) that owns the pointer");
        owner.retire(slot, pointer, deleter, deleter.sizeOf(pointer));
    }

    @Override
    public void defer(Runnable action) {
        checkOpen("defer()");
        Objects.requireNonNull(action, "deferred action must not be null; pass the Runnable to run after the grace period");
        owner.retire(slot, 0, action, 0);
    }

    @Override
    public Reclaimer reclaimer() {
        return owner;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + owner.name()
                    + "' is already closed; close each guard exactly once (use try-with-resources)");
        }
        open = false;
        Slot s = slot;
        if (s.sealRequestOpaque() != 0) { // opaque: a synchronize() waits for this slot's garbage
            owner.sealForRequest(s);
        }
        s.holderId = 0;      // plain: published by the release below (synchronize's self-check)
        s.freeGuard = this;  // plain: published by the release below; the next claimer takes it after its CAS
        s.setStateRelease(Slot.FREE); // release: pairs with the claimer's CAS and the scanners' volatile reads
    }

    @Override
    public String toString() {
        return "EpochGuard[" + owner.name() + ", slot " + slot.index + (open ? ", open]" : ", closed]");
    }
}
