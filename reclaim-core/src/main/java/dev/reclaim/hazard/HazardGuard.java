package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.GuardSlot;
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
    /**
     * The index whose hazard the slot's state holds ({@code state = hazard | OPEN}, folded in by the claim CAS of
     * {@link HazardReclaimer#enterProtecting}), or -1. Plain (owner only). At most one per guard: the index's
     * own word is clear while its hazard is folded, so a guard still protects at most PROTECT_SLOTS pointers.
     */
    private int foldedIndex = -1;
    /** The pointer folded into the state while {@link #foldedIndex} is set (tag bits clear; 0 protects none). */
    private long foldedHazard;

    HazardGuard(Reclaimer reclaimer, HazardReclaimer.Table table, HazardSlot slot, boolean asymmetric) {
        super(reclaimer, table, slot);
        this.slot = slot;
        this.asymmetric = asymmetric;
    }

    /**
     * Called by enterProtecting right after its claim: records the hazard the claim CAS stored in the state, if
     * it did (the claim's slow path stores plain OPEN).
     */
    void folded(int index, long hazard) {
        if (slot.stateOpaque() == (hazard | GuardSlot.OPEN)) { // opaque: our own slot's state, as our claim set it
            foldedIndex = index;
            foldedHazard = hazard;
        }
    }

    /**
     * Load, publish, re-load until both loads agree. Once they agree, the pointer was still reachable from
     * {@code address} after our hazard became visible to every later scan, so no scan can free it until the
     * hazard changes (see HazardReclaimer's implementation notes). After enterProtecting of this index the
     * hazard is already published (by the claim CAS), so a first load that finds it is that agreement.
     */
    @Override
    public long protect(int index, long address) {
        checkProtect(index, "protect()");
        HazardSlot s = slot;
        long p = Memory.getLongAcquire(address); // acquire: pairs with the writer's release/CAS of that field
        if (index == foldedIndex) {
            if ((p & ~TAG_MASK) == foldedHazard) {
                return p; // the claim CAS made the hazard visible before this load re-read it: validated
            }
            unfold(); // the folded pointer is not the one wanted now: give it up, publish in the word below
        }
        used |= 1 << index;
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

    /** Gives up the hazard folded into the state: the state goes back to plain OPEN. */
    private void unfold() {
        foldedIndex = -1;
        if (foldedHazard != 0) {
            // release: our reads of the node precede the clear; pairs with the scan's stateVolatile
            slot.setStateRelease(GuardSlot.OPEN);
        }
    }

    @Override
    public void unprotect(int index) {
        checkProtect(index, "unprotect()");
        if (index == foldedIndex) {
            unfold();
        }
        HazardSlot s = slot;
        if (s.hazard(index) != 0) {
            s.setHazardRelease(index, 0);
        }
    }

    @Override
    public void repin() {
        checkOpen("repin()");
        if (foldedIndex >= 0) {
            unfold();
        }
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
        foldedIndex = -1; // the state's hazard goes with the release of the slot that follows
        if (used != 0) {
            slot.clearHazards();
            used = 0;
        }
    }
}
