package dev.reclaim.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding of {@link DomainLock}. */
abstract class DomainLockPad {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The lock word of {@link DomainLock}, between paddings. */
abstract class DomainLockValue extends DomainLockPad {
    /** 1 while a thread owns the domain list. Via LOCK only. */
    volatile int lock;
    /** 1 when a domain scan finished outside the lock and waits for the next holder to complete it. Via DONE. */
    volatile int scanDone;
}

/**
 * The try-lock of a {@link SlotTable}'s domain list, in its own padded object: it is taken by one close in 128
 * (maintenance), while the table's own fields (the closed flag, the slot array) are read by every enter.
 *
 * <p>It also carries the hand-over of a domain scan that ran outside the lock: the scanner sets
 * {@code scanDone} (release) instead of waiting for the lock, and the next holder completes the scan.
 *
 * <p>Accessor vocabulary: {@code tryLock()} (CAS), {@code lockOpaque()}, {@code unlockRelease()},
 * {@code setScanDoneRelease()}, {@code scanDoneAcquire()}, {@code clearScanDone()}.
 */
final class DomainLock extends DomainLockValue {
    long q00, q01, q02, q03, q04, q05, q06, q07;
    long q08, q09, q10, q11, q12, q13, q14, q15;

    boolean tryLock() {
        return LOCK.compareAndSet(this, 0, 1); // CAS: acquire; pairs with unlockRelease
    }

    int lockOpaque() {
        return (int) LOCK.getOpaque(this); // opaque: test before test-and-set; no ordering needed
    }

    void unlockRelease() {
        LOCK.setRelease(this, 0); // release: the domain list's writes; pairs with the next tryLock's CAS
    }

    void setScanDoneRelease() {
        DONE.setRelease(this, 1); // release: the scan's list and deleters before it; pairs with scanDoneAcquire
    }

    boolean scanDoneAcquire() {
        return (int) DONE.getAcquire(this) != 0; // acquire: pairs with setScanDoneRelease
    }

    void clearScanDone() {
        DONE.setOpaque(this, 0); // opaque: by the lock holder; the next setScanDoneRelease is a later scan's
    }

    // VarHandle mechanics
    private static final VarHandle LOCK =
            FieldHandles.of(MethodHandles.lookup(), DomainLockValue.class, "lock", int.class);
    private static final VarHandle DONE =
            FieldHandles.of(MethodHandles.lookup(), DomainLockValue.class, "scanDone", int.class);
}
