package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.SlotBase;
import dev.reclaim.internal.SlotGuard;
import dev.reclaim.memory.Memory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The guard of one {@link HazardSlot}: one permanent object per slot, handed out by every enter() that claims
 * the slot, so entering allocates nothing. Opening, closing, misuse checks and defer are {@link SlotGuard}'s.
 */
final class HazardGuard extends SlotGuard {
    final HazardSlot slot;
    /**
     * Bit i: hazard word i may be non-zero; bit 4 + i: object hazard i may be non-null. Plain (owner only):
     * lets close() skip the hazard arrays entirely when nothing was protected.
     */
    int used;

    /** The reclaimer's fence mode (final: read once per protect, no indirection). */
    private final boolean asymmetric;

    HazardGuard(HazardReclaimer.Table table, HazardSlot slot) {
        super(table);
        this.slot = slot;
        this.asymmetric = table.asymmetric();
    }

    @Override
    protected SlotBase slot() {
        return slot;
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
    public <T> T protect(int index, AtomicReference<T> source) {
        Objects.checkIndex(index, PROTECT_SLOTS);
        checkOpen("protect()");
        HazardSlot s = slot;
        used |= 1 << (PROTECT_SLOTS + index);
        T p = source.getAcquire(); // acquire: pairs with the writer's release/CAS of the reference
        boolean light = asymmetric;
        while (true) {
            if (light) {
                s.setRefOpaque(index, p); // opaque: publish; the scan's heavy() makes it visible
                AsymmetricFence.light(); // compiler barrier: the re-read stays after the publish; pairs with heavy()
            } else {
                s.setRefVolatile(index, p); // volatile: publish, then StoreLoad before the re-read
            }
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
        if (used != 0) {
            slot.clearHazards();
            used = 0;
        }
        slot.repinGeneration(); // a new generation ends deferred grace periods
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
