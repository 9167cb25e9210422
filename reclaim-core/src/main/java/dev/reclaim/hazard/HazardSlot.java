package dev.reclaim.hazard;

import dev.reclaim.Guard;
import dev.reclaim.internal.GrowthFault;
import dev.reclaim.internal.SlotBase;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * One guard slot of a {@link HazardReclaimer}: the shared slot state ({@link SlotBase}: state, pooled guard,
 * retired list) plus its {@link Guard#PROTECT_SLOTS} hazard words (off-heap pointers, tag bits masked) and the
 * buffers its scans collect the published hazards into (sorted, or a set of the distinct ones when many). The hazard array is padded inside (the used cells sit 128
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
    /** Snapshot of published hazards, sorted unless {@link #hashed} (a scan's buffer; owner of the slot only). */
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

    /**
     * The distinct hazards of a large snapshot (open addressing, linear probing, 0 = empty; a scan's buffer,
     * owner of the slot only): a burst's snapshot holds one hazard per open guard, mostly the same few nodes,
     * so the set stays small where sorting every hazard would cost O(H log H) per scan.
     */
    private long[] set = new long[0];
    /** Whether the last snapshot was put in {@link #set} (else {@link #snapshot} is sorted). Owner only. */
    boolean hashed;
    /** Distinct hazards of the last hashed snapshot: sizes the next one's set. Owner only. */
    private int lastDistinct;

    /**
     * Puts the first {@code n} hazards of {@link #snapshot} into the set of distinct hazards, replacing the sort.
     *
     * @param n hazards collected
     * @return the distinct hazards
     */
    int hashSnapshot(int n) {
        long[] hz = snapshot;
        long[] t = set;
        if (t.length == 0 || (t.length > SET_MIN && t.length > 8 * lastDistinct)) {
            GrowthFault.beforeAllocation();
            t = new long[Math.max(SET_MIN, Integer.highestOneBit(Math.max(1, lastDistinct)) << 2)];
        } else {
            Arrays.fill(t, 0);
        }
        int mask = t.length - 1;
        int distinct = 0;
        for (int i = 0; i < n; i++) {
            long h = hz[i];
            int at = slotOf(h, mask);
            while (true) {
                long e = t[at];
                if (e == h) {
                    break;
                }
                if (e == 0) {
                    t[at] = h;
                    if (++distinct > t.length >>> 1) {
                        t = rehash(t);
                        mask = t.length - 1;
                    }
                    break;
                }
                at = (at + 1) & mask;
            }
        }
        set = t;
        hashed = true;
        lastDistinct = distinct;
        return distinct;
    }

    /** Whether {@code p} is in the set {@link #hashSnapshot} built. */
    boolean inSet(long p) {
        long[] t = set;
        int mask = t.length - 1;
        int at = slotOf(p, mask);
        while (true) {
            long e = t[at];
            if (e == p) {
                return true;
            }
            if (e == 0) {
                return false;
            }
            at = (at + 1) & mask;
        }
    }

    private static long[] rehash(long[] t) {
        GrowthFault.beforeAllocation();
        long[] u = new long[t.length * 2];
        int mask = u.length - 1;
        for (long h : t) {
            if (h != 0) {
                int at = slotOf(h, mask);
                while (u[at] != 0) {
                    at = (at + 1) & mask;
                }
                u[at] = h;
            }
        }
        return u;
    }

    private static int slotOf(long h, int mask) {
        return (int) ((h * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    /** Smallest set: 4096 cells (32 KiB). */
    private static final int SET_MIN = 4096;

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
