package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.memory.Memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The guard of one {@link HazardSlot}: one permanent object per slot, handed out by every enter() that claims
 * the slot, so entering allocates nothing.
 *
 * <p>Threads: used by one thread at a time (the one that entered, or one it handed the guard to with a
 * happens-before edge), hence the plain {@link #open} flag.
 */
final class HazardGuard implements Guard {
    private final HazardReclaimer owner;
    final HazardSlot slot;
    /** Plain: a guard is used by one thread at a time; hand-overs carry their own happens-before edge. */
    boolean open;
    /**
     * Bit i: hazard word i may be non-zero; bit 4 + i: object hazard i may be non-null. Plain (owner only):
     * lets close() skip the hazard arrays entirely when nothing was protected.
     */
    int used;

    HazardGuard(HazardReclaimer owner, HazardSlot slot) {
        this.owner = owner;
        this.slot = slot;
    }

    private void checkOpen(String op) {
        if (!open) {
            throw new IllegalStateException("guard of reclaimer '" + owner.name() + "' is closed; call " + op
                    + " inside try (Guard g = reclaimer.enter()) { ... } before the guard is closed");
        }
    }

    /**
     * Load, publish, re-load until both loads agree. Once they agree, the pointer was still reachable from
     * {@code address} after our hazard became visible to every later scan, so no scan can free it until the
     * hazard changes (see HazardReclaimer's implementation notes).
     */
    @Override
    public long protect(int index, long address) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("protect()");
        HazardSlot s = slot;
        used |= 1 << index;
        long p = Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
        while (true) {
            s.setHazardVolatile(index, p & ~TAG_MASK); // volatile: publish, then StoreLoad (the full fence of protect)
            long q = Memory.getLongAcquire(address); // acquire: the validation re-read, ordered after the publish
            if (q == p) {
                return p;
            }
            p = q;
        }
    }

    @Override
    public <T> T protect(int index, AtomicReference<T> source) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("protect()");
        HazardSlot s = slot;
        used |= 1 << (PROTECT_SLOTS + index);
        T p = source.getAcquire(); // acquire: pairs with the writer's release/CAS of the reference
        while (true) {
            s.setRefVolatile(index, p); // volatile: publish, then StoreLoad before the re-read
            T q = source.getAcquire(); // acquire: the validation re-read
            if (q == p) {
                return p;
            }
            p = q;
        }
    }

    @Override
    public void unprotect(int index) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("unprotect()");
        HazardSlot s = slot;
        if (s.hazard(index) != 0) {
            s.setHazardRelease(index, 0);
        }
        if (s.ref(index) != null) {
            s.setRefRelease(index, null);
        }
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        HazardSlot s = slot;
        if (used != 0) {
            s.clearHazards();
            used = 0;
        }
        s.setStateVolatile(HazardSlot.nextOpen(s.state())); // volatile: a new generation ends deferred grace periods
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
        owner.defer(slot, action);
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
        HazardSlot s = slot;
        if (used != 0) {
            s.clearHazards();
            used = 0;
        }
        if (s.scanRequestOpaque() != 0) { // opaque: a synchronize() waits for this slot's garbage
            owner.answerScanRequest(s);
        }
        s.holderId = 0;     // plain: published by the release below (synchronize's self-check)
        s.freeGuard = this; // plain: published by the release below; the next claimer takes it after its CAS
        s.setStateRelease(HazardSlot.freeOf(s.state())); // release: pairs with the claimer's CAS, scanners' reads
    }

    @Override
    public String toString() {
        return "HazardGuard[" + owner.name() + ", slot " + slot.index + (open ? ", open]" : ", closed]");
    }
}
