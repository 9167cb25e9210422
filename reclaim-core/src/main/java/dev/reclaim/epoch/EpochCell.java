package dev.reclaim.epoch;

import dev.reclaim.internal.FieldHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding of {@link EpochCell}. */
abstract class EpochCellPad {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** Value field of {@link EpochCell}, between paddings. */
abstract class EpochCellValue extends EpochCellPad {
    /** The global epoch. Via EPOCH only. */
    volatile long epoch;
}

/**
 * The global epoch of an {@link EpochReclaimer} in its own padded cell: read by every enter, written once per
 * advance.
 *
 * <p>Accessor vocabulary: {@code epochVolatile()}, {@code casEpoch()} name the VarHandle mode they use.
 */
final class EpochCell extends EpochCellValue {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    long epochVolatile() {
        return (long) EPOCH.getVolatile(this); // volatile: SC with pins, seals and scans (see EpochReclaimer notes)
    }

    boolean casEpoch(long expect, long update) {
        return EPOCH.compareAndSet(this, expect, update); // CAS: the advance; pairs with epochVolatile
    }

    // VarHandle mechanics
    private static final VarHandle EPOCH =
            FieldHandles.of(MethodHandles.lookup(), EpochCellValue.class, "epoch", long.class);
}
