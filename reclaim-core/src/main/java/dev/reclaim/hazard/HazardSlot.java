package dev.reclaim.hazard;

import dev.reclaim.Guard;
import dev.reclaim.internal.SlotBase;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One guard slot of a {@link HazardReclaimer}: the shared slot state ({@link SlotBase}: state, pooled guard,
 * retired list) plus its {@link Guard#PROTECT_SLOTS} hazard words (off-heap pointers, tag bits masked) and the
 * buffer its scans sort the published hazards into. The hazard array is padded inside (the used cells sit 128
 * bytes from either end) so that two slots' hazards never share a cache line even when the arrays are
 * allocated next to each other.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxVolatile()}, {@code xxxOpaque()},
 * {@code setXxxRelease()}, {@code setXxxVolatile()} name the VarHandle mode they use.
 */
final class HazardSlot extends SlotBase {
    /** First used cell of {@link #hazards}: 16 longs = 128 bytes of padding before and after. */
    private static final int HZ_BASE = 16;

    /** Hazard words at {@code HZ_BASE + i}; accessed via HAZARDS only. */
    private final long[] hazards = new long[2 * HZ_BASE + Guard.PROTECT_SLOTS];
    /** Sorted snapshot of published hazards (a scan's buffer; owner of the slot only). */
    long[] snapshot = new long[0];

    HazardSlot(int index) {
        super(index);
    }

    /**
     * The snapshot buffer with room for {@code capacity} hazards, keeping its entries (a scan grows it as it
     * finds open slots, so a table grown for a burst does not cost 4 words per slot).
     */
    long[] snapshotBuffer(int capacity) {
        if (snapshot.length < capacity) {
            dev.reclaim.internal.GrowthFault.beforeAllocation();
            snapshot = java.util.Arrays.copyOf(snapshot, Math.max(capacity, 2 * snapshot.length));
        }
        return snapshot;
    }

    // ---------------------------------------------------------------- hazards

    long hazard(int i) {
        return (long) HAZARDS.get(hazards, HZ_BASE + i); // plain: the owner reading its own publication
    }

    long hazardVolatile(int i) {
        return (long) HAZARDS.getVolatile(hazards, HZ_BASE + i); // volatile: scan; pairs with setHazardVolatile
    }

    void setHazardVolatile(int i, long value) {
        // volatile ("light" side): StoreLoad before protect's re-read; pairs with the scanner's fence + hazardVolatile
        HAZARDS.setVolatile(hazards, HZ_BASE + i, value);
    }

    void setHazardOpaque(int i, long value) {
        HAZARDS.setOpaque(hazards, HZ_BASE + i, value); // opaque: asymmetric publish; light() then the scanner's heavy()
    }

    void setHazardRelease(int i, long value) {
        HAZARDS.setRelease(hazards, HZ_BASE + i, value); // release: our reads of the node precede the clear; pairs with hazardVolatile
    }

    /** Clears every hazard this slot publishes (owner only); skips cells already clear. */
    void clearHazards() {
        for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
            if (hazard(i) != 0) {
                setHazardRelease(i, 0);
            }
        }
    }

    /** Clears every hazard unconditionally (recovery of an abandoned guard: its writes were not acquired). */
    void clearHazardsFully() {
        for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
            setHazardRelease(i, 0); // release: as in clearHazards
        }
    }

    // VarHandle mechanics
    private static final VarHandle HAZARDS = MethodHandles.arrayElementVarHandle(long[].class);
}
