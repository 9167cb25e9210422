package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;

/**
 * A short-lived read of an {@link ArcSwap}: {@link #get()} is valid until {@link #close()}, which must be called
 * exactly once (use try-with-resources). Holding a guard keeps the loaded value from being released even if
 * writers replace it; writers never wait for guards. Guards are pooled: after {@code close()} this object is
 * reused by other loads, so do not keep a reference to it. A guard may be closed on another thread than the
 * one that loaded it.
 *
 * <p>Keep guards short (no blocking I/O inside): each open guard occupies a debt slot that every writer scans.
 * Use {@link ArcSwap#loadFull()} for a long-lived reference.
 *
 * @param <T> the value type
 */
public final class ArcGuard<T> extends DebtSlot implements AutoCloseable {

    /*
     * A guard is the debt slot it reads through (the padded DebtSlot state is inherited): the hot path reaches
     * the slot's words from the guard without another load, and nothing outside this package sees them.
     */

    /** The guard of a load that found no value (ArcSwapOption): in no table; get() is null, close() nothing. */
    static final ArcGuard<Object> EMPTY = new ArcGuard<>(false);

    static {
        EMPTY.guardMode = GUARD_EMPTY; // plain: published to every user by class initialisation (JLS 12.4.2)
    }

    ArcGuard(boolean inLane) {
        super(inLane);
    }

    /**
     * The loaded value (or its projection).
     *
     * @return the value; null only from an {@link ArcSwapOption} that was empty
     * @throws IllegalStateException when this guard was closed
     */
    @SuppressWarnings("unchecked")
    public T get() {
        int mode = guardMode; // plain: written by this guard's load (same thread, or published with the guard)
        if (mode == GUARD_LANE) {
            return (T) ((Counted<?>) debtPlain()).value; // a lane guard's block is its debt (no extra field store)
        }
        if (mode == GUARD_CLOSED) {
            throw new IllegalStateException("get() on a closed ArcGuard; read inside the try-with-resources block,"
                    + " or use loadFull() for a reference that outlives it");
        }
        return (T) guardValue; // null for EMPTY
    }

    /**
     * Ends the read: clears the debt (or drops the handed-over count) and frees the slot.
     *
     * @throws IllegalStateException when this guard was already closed
     * @throws ArcReleaseException   when this was the value's last reference and its releaser threw
     */
    @Override
    public void close() {
        int mode = guardMode; // plain: see get()
        if (mode == GUARD_LANE || mode == GUARD_LANE_PROJECTED) {
            Counted<?> c = (Counted<?>) debtPlain(); // our own debt: the block this guard keeps alive
            guardMode = GUARD_CLOSED;
            if (mode == GUARD_LANE_PROJECTED) {
                guardValue = null;
            }
            setDebtRelease(null); // C1 release: our reads of the value precede; pairs with the scans' acquire
            AsymmetricFence.light(); // compiler barrier; pairs with heavy() in PendingReleases.reclaim (C1 before C2)
            if (PendingReleases.mayHold(c)) { // C2: a writer held c back for us
                PendingReleases.reclaim();
            }
            return;
        }
        if (mode == GUARD_EMPTY) {
            return;
        }
        if (mode == GUARD_CLOSED) {
            throw new IllegalStateException("ArcGuard closed twice; close each guard from load() exactly once");
        }
        Counted<?> c = guardCounted; // read before the slot is freed: the slot is reused after that
        guardMode = GUARD_CLOSED;
        guardCounted = null;
        guardValue = null;
        if (mode == GUARD_FULL) {
            setDebtRelease(null); // release: frees the slot (it held CLAIMED); pairs with the next claim CAS
            c.decrement();
        } else if (!casDebt(c, null)) { // volatile CAS: clears our debt unless a writer paid it (PAID)
            setDebtRelease(null); // release: frees the slot; pairs with the next claim CAS
            c.decrement(); // the paid count is ours
        }
    }

    // ---------------------------------------------------------------- package-private: ArcSwap

    void openDebt(Counted<?> c, Object v) {
        guardCounted = c;
        guardValue = v;
        guardMode = GUARD_DEBT;
    }

    /** Opens a lane guard whose value is its debt's (no reference store: these long-lived slots pay a GC barrier). */
    void openLane() {
        guardMode = GUARD_LANE;
    }

    /** Opens a lane guard on a projection of its debt's value. */
    void openLaneProjected(Object projected) {
        guardValue = projected;
        guardMode = GUARD_LANE_PROJECTED;
    }

    void openFull(Counted<?> c, Object v) {
        guardCounted = c;
        guardValue = v;
        guardMode = GUARD_FULL;
    }

    /** The block this guard keeps alive (loadFull converts the guard into a count); null for EMPTY. */
    Counted<?> counted() {
        return inLane ? (Counted<?>) debtPlain() : guardCounted; // EMPTY: guardCounted is null
    }
}
