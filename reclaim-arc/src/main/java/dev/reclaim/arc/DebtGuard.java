package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;

/**
 * The only implementation of {@link ArcGuard}: a debt slot that is its own pooled guard. A load returns its
 * slot, so the hot path reaches the slot's words from the guard without another load; the public type
 * {@link ArcGuard} sits at the top of the hierarchy and shows none of them.
 */
final class DebtGuard extends DebtSlot {

    /** The guard of a load that found no value (ArcSwapOption): in no table; get() is null, close() nothing. */
    static final DebtGuard EMPTY = new DebtGuard(false);

    static {
        EMPTY.guardMode = GUARD_EMPTY; // plain: published to every user by class initialisation (JLS 12.4.2)
    }

    DebtGuard(boolean inLane) {
        super(inLane);
    }

    @Override
    public Object get() {
        int mode = guardMode; // plain: written by this guard's load (same thread, or published with the guard)
        if (mode == GUARD_LANE) {
            return ((Counted<?>) debtPlain()).value; // a lane guard's block is its debt (no extra field store)
        }
        if (mode == GUARD_POOL) {
            return guardBlock.value; // plain: written by this guard's load, as guardMode
        }
        if (mode == GUARD_CLOSED) {
            throw new IllegalStateException("get() on a closed ArcGuard; read inside the try-with-resources block,"
                    + " or use loadFull() for a reference that outlives it");
        }
        return guardValue; // projected guards; null for EMPTY
    }

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
        Counted<?> c = guardBlock; // read before the slot is freed: the next owner writes it after its claim
        guardMode = GUARD_CLOSED;
        if (mode == GUARD_POOL_PROJECTED) {
            guardValue = null;
        }
        // guardBlock stays (the next load of the same block stores nothing); a writer's scan clears it from a
        // free slot once the block is removed (ArcSwap.clearLeftBlock), or here when our debt was paid
        if (poolDebtOpaque() == PAID) { // opaque: our own word; only we change it once it is PAID
            guardBlock = null; // the block was removed: keep it unreachable from the slot
            setPoolDebtRelease(FREE); // release: frees the slot; pairs with the next claim CAS
            c.decrement(); // the count a writer paid (or handed over) is ours
        } else if (getAndSetPoolDebt(FREE) == PAID) { // volatile RMW: frees the slot, clearing our debt or taking PAID
            c.decrement(); // a writer paid our debt just now: that count is ours (its scan passed; reuse clears)
        }
    }

    // ---------------------------------------------------------------- package-private: ArcSwap

    /** Opens a lane guard: its block is its debt (no other reference store). */
    void openLane() {
        guardMode = GUARD_LANE;
    }

    /** Opens a pool guard on {@code block}, which its debt word names by stamp (or PAID). */
    void openPool(Counted<?> block) {
        if (guardBlock != block) { // plain: our own field; unchanged from the slot's last load, no reference store
            guardBlock = block;
        }
        guardMode = GUARD_POOL;
    }

    /** Opens a lane guard ({@code block} null) or a pool guard on a projection of its block's value. */
    void openProjected(Counted<?> block, Object projected) {
        if (block != null && guardBlock != block) { // plain: as in openPool
            guardBlock = block;
        }
        guardValue = projected;
        guardMode = block == null ? GUARD_LANE_PROJECTED : GUARD_POOL_PROJECTED;
    }

    /** The block this guard keeps alive (loadFull converts the guard into a count); null for EMPTY. */
    Counted<?> counted() {
        return inLane ? (Counted<?>) debtPlain() : guardBlock; // EMPTY: guardBlock is null
    }
}
