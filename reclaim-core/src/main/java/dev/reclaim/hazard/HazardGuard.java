package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.SlotGuard;
import dev.reclaim.memory.Memory;

/**
 * The guard of one {@link HazardSlot}: one permanent object per slot, handed out by every enter() that claims
 * the slot, so entering allocates nothing. Closing and defer are {@link SlotGuard}'s, the misuse checks and
 * the reference {@code protect} (an acquire load: references are given up only through defer's grace period,
 * so no scan looks for them) {@link dev.reclaim.internal.PooledGuard}'s.
 */
final class HazardGuard extends SlotGuard {
    final HazardSlot slot;
    /** Bit i: hazard word i may be non-zero. Plain (owner only): lets close() skip the hazards when none was set. */
    int used;

    /** The reclaimer's fence mode (final: read once per protect, no indirection). */
    private final boolean asymmetric;

    HazardGuard(Reclaimer reclaimer, HazardReclaimer.Table table, HazardSlot slot, boolean asymmetric) {
        super(reclaimer, table, slot);
        this.slot = slot;
        this.asymmetric = asymmetric;
    }

    /**
     * Load, publish, re-load until both loads agree. Once they agree, the pointer was still reachable from
     * {@code address} after our hazard became visible to every later scan, so no scan can free it until the
     * hazard changes (see HazardReclaimer's implementation notes).
     */
    @Override
    public long protect(int index, long address) {
        checkProtect(index, "protect()");
        HazardSlot s = slot;
        used |= 1 << index;
        long p = Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
        boolean light = asymmetric;
        while (true) {
            if (light) {
                s.setHazardOpaque(index, p & ~TAG_MASK); // opaque: publish; the scan's heavy() makes it visible
                AsymmetricFence.light(); // compiler barrier: the re-read stays after the publish; pairs with heavy()
            } else {
                s.setHazardVolatile(index, p & ~TAG_MASK); // volatile: publish, then StoreLoad (the full fence of protect)
            }
            long q = Memory.getLongAcquire(address); // acquire: the validation re-read, ordered after the publish
            if (q == p) {
                return p;
            }
            p = q;
        }
    }

    @Override
    public void unprotect(int index) {
        checkProtect(index, "unprotect()");
        HazardSlot s = slot;
        if (s.hazard(index) != 0) {
            s.setHazardRelease(index, 0);
        }
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        if (used != 0) {
            slot.clearHazards();
            used = 0;
        }
        slot.newGenerationVolatile(); // ends deferred grace periods that wait for this guard
    }

    @Override
    public void retire(long pointer, Deleter deleter) {
        checkRetire(pointer, deleter);
        table.retire(slot, pointer, deleter, 0, 0);
    }

    @Override
    protected void onClose() {
        if (used != 0) {
            slot.clearHazards();
            used = 0;
        }
    }
}
