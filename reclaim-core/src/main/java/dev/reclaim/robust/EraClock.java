package dev.reclaim.robust;

import dev.reclaim.internal.FieldHandles;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding of {@link EraClock}. */
abstract class EraClockPad {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** Value field of {@link EraClock}, between paddings. */
abstract class EraClockValue extends EraClockPad {
    /** The global era; starts at 1 so that birth era 0 ("unknown") is older than every era. Via ERA only. */
    volatile long era = 1;
    /**
     * Retirements per era (adaptive, 1..eraEvery), or 0: every birthEra() also advances. Via QUANTUM only: a
     * hint written by scans, read by retire and birthEra.
     */
    int quantum;
}

/**
 * The global era of a {@link RobustReclaimer} in its own padded cell: read by every enter, protect, birthEra
 * and retire, written once per advance; next to it the adaptive era rate (retirements per era), which scans
 * adjust.
 *
 * <p>Accessor vocabulary: {@code eraAcquire()}, {@code eraVolatile()}, {@code casEra()},
 * {@code quantumOpaque()} name the VarHandle mode they use.
 */
final class EraClock extends EraClockValue {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    long eraAcquire() {
        return (long) ERA.getAcquire(this); // acquire: after the pointer load in protect (load-load); pairs with casEra
    }

    long eraVolatile() {
        return (long) ERA.getVolatile(this); // volatile: SC with the claim CAS, the unlink and casEra (see notes)
    }

    boolean casEra(long expect, long update) {
        return ERA.compareAndSet(this, expect, update); // volatile CAS: the advance; pairs with every era read
    }

    int quantumOpaque() {
        return (int) QUANTUM.getOpaque(this); // opaque: pairs with setQuantumOpaque; stale = E moves more or less
    }

    void setQuantumOpaque(int q) {
        QUANTUM.setOpaque(this, q); // opaque: pairs with quantumOpaque; racing scans may overwrite each other (a hint)
    }

    /** Advances the era by one unless somebody else already moved it past {@code seen}. */
    void advanceFrom(long seen) {
        casEra(seen, seen + 1); // a failed CAS means another thread advanced: as good
    }

    // VarHandle mechanics
    private static final VarHandle ERA =
            FieldHandles.of(MethodHandles.lookup(), EraClockValue.class, "era", long.class);
    private static final VarHandle QUANTUM =
            FieldHandles.of(MethodHandles.lookup(), EraClockValue.class, "quantum", int.class);
}
