package dev.reclaim.robust;

import dev.reclaim.internal.FieldHandles;
import dev.reclaim.internal.SlotBase;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One guard slot of a {@link RobustReclaimer}: the shared slot state ({@link SlotBase}: state, pooled guard,
 * retired list) plus the era interval {@code [lower, upper]} its open guard reserved, the countdown to the
 * next era advance, and the buffers a scan copies every open reservation into.
 *
 * <p>Accessor vocabulary: {@code xxx()} plain, {@code xxxVolatile()}, {@code setXxxRelease()},
 * {@code setXxxVolatile()} name the VarHandle mode they use.
 */
final class RobustSlot extends SlotBase {
    /** Lower era of the reservation: the era when the guard opened (or repinned). Via LOWER. */
    long lower;
    /** Upper era of the reservation: the era of the guard's latest protect. Via UPPER. */
    long upper;
    /** Retirements left until this slot's owner advances the era. Plain: owner only. */
    int advanceCountdown;
    /** Scan buffers (owner of the slot only): the open reservations' lower and upper eras. */
    long[] lowers = new long[0];
    long[] uppers = new long[0];
    /**
     * Birth-stamped entries retired since this slot's previous snapshot ({@code sampleFrom} and later) that its
     * last scan examined, and how many of them it kept; the era at its last snapshot. Owner only.
     */
    int examined;
    int kept;
    /** Birth-stamped entries kept since the last snapshot, whatever their era. Owner only. */
    int keptStamped;
    long sampleFrom = Long.MAX_VALUE;
    long snapshotEra;
    /** The smallest lower era of the last snapshot. Owner only. */
    long minLower;
    /**
     * The index of the last snapshot (owner only; built when it holds many reservations): {@code reach[j]} is
     * the largest upper era among the reservations whose lower era falls in bucket {@code 0..j}, bucket of an
     * era {@code e} = {@code (e - minLower) >>> reachShift}, {@code reachBuckets} buckets in use.
     */
    long[] reach = new long[0];
    int reachShift;
    int reachBuckets;

    /** The most buckets an index uses (8 bytes each): wider era ranges share buckets. */
    static final int MAX_BUCKETS = 1 << 16;

    /**
     * Indexes the {@code n} reservations of the snapshot ({@code lowers}/{@code uppers}, {@code minLower} set)
     * so that {@link #reachFrom} answers "the largest upper era among reservations that began by era r" in
     * O(1): an entry {@code [b, r]} overlaps some reservation iff that value is {@code >= b}. O(n + buckets);
     * eras that share a bucket make the answer larger, never smaller (a kept entry, never a freed one).
     */
    void indexReservations(int n) {
        long min = minLower;
        long maxLower = min;
        long[] lo = lowers;
        long[] up = uppers;
        for (int i = 0; i < n; i++) {
            maxLower = Math.max(maxLower, lo[i]);
        }
        long width = maxLower - min + 1;
        int cap = Math.min(MAX_BUCKETS, Math.max(64, 2 * n));
        int shift = 0;
        while ((width >>> shift) >= cap) {
            shift++;
        }
        int buckets = (int) (width >>> shift) + 1;
        if (reach.length < buckets) {
            dev.reclaim.internal.GrowthFault.beforeAllocation();
            reach = new long[Math.max(buckets, Math.min(MAX_BUCKETS, 2 * reach.length))];
        }
        long[] m = reach;
        java.util.Arrays.fill(m, 0, buckets, Long.MIN_VALUE);
        for (int i = 0; i < n; i++) {
            int j = (int) ((lo[i] - min) >>> shift);
            if (up[i] > m[j]) {
                m[j] = up[i];
            }
        }
        for (int j = 1; j < buckets; j++) {
            if (m[j - 1] > m[j]) {
                m[j] = m[j - 1]; // prefix maximum
            }
        }
        reachShift = shift;
        reachBuckets = buckets;
    }

    /**
     * The largest upper era among the indexed reservations whose lower era is at most {@code era} (or in the
     * same bucket); {@code Long.MIN_VALUE} when none. Requires {@code era >= minLower}.
     */
    long reachFrom(long era) {
        long j = (era - minLower) >>> reachShift;
        return reach[(int) Math.min(j, reachBuckets - 1)];
    }

    RobustSlot(int index, int eraEvery) {
        super(index);
        // random phase: the era advances once per eraEvery retires on average over the table, however
        // retires spread over slots (a task per slot retiring once would otherwise never advance it)
        this.advanceCountdown = 1 + java.util.concurrent.ThreadLocalRandom.current().nextInt(Math.max(1, eraEvery));
    }

    /** Makes room for {@code capacity} reservations, keeping the ones already copied (a scan grows them as it goes). */
    void ensureSnapshotCapacity(int capacity) {
        if (lowers.length < capacity) {
            int c = Math.max(capacity, 2 * lowers.length);
            dev.reclaim.internal.GrowthFault.beforeAllocation();
            // both or neither: an OutOfMemoryError between the copies must not leave buffers of two lengths
            long[] lo = java.util.Arrays.copyOf(lowers, c);
            long[] up = java.util.Arrays.copyOf(uppers, c);
            lowers = lo;
            uppers = up;
        }
    }

    long lowerPlain() {
        return (long) LOWER.get(this); // plain: the owner reading its own reservation
    }

    long lowerVolatile() {
        return (long) LOWER.getVolatile(this); // volatile: scan; pairs with setLowerRelease
    }

    void setLowerRelease(long era) {
        // release: the guard's earlier reads precede the new lower (repin); pairs with lowerVolatile in scans.
        // A scanner that still sees the older, smaller lower only keeps more.
        LOWER.setRelease(this, era);
    }

    long upperPlain() {
        return (long) UPPER.get(this); // plain: the owner reading its own reservation
    }

    long upperVolatile() {
        return (long) UPPER.getVolatile(this); // volatile: scan; pairs with setUpperVolatile
    }

    void setUpperVolatile(long era) {
        // volatile ("light" side): StoreLoad before protect's re-load; pairs with the scanner's fence + upperVolatile
        UPPER.setVolatile(this, era);
    }

    // VarHandle mechanics
    private static final MethodHandles.Lookup L = MethodHandles.lookup();
    private static final VarHandle LOWER = FieldHandles.of(L, RobustSlot.class, "lower", long.class);
    private static final VarHandle UPPER = FieldHandles.of(L, RobustSlot.class, "upper", long.class);
}
