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
public final class ArcGuard<T> implements AutoCloseable {

    /** The guard of a load that found no value (ArcSwapOption): needs no slot, closing it does nothing. */
    static final ArcGuard<Object> EMPTY = new ArcGuard<>(null);

    /** The slot this guard belongs to (its state lives in the padded slot); null for EMPTY. */
    private final DebtSlot slot;

    ArcGuard(DebtSlot slot) {
        this.slot = slot;
    }

    /**
     * The loaded value (or its projection).
     *
     * @return the value; null only from an {@link ArcSwapOption} that was empty
     * @throws IllegalStateException when this guard was closed
     */
    @SuppressWarnings("unchecked")
    public T get() {
        if (slot == null) {
            return null;
        }
        DebtSlot s = slot;
        if (!s.guardOpen) {
            throw new IllegalStateException("get() on a closed ArcGuard; read inside the try-with-resources block,"
                    + " or use loadFull() for a reference that outlives it");
        }
        if (s.inLane && !s.guardProjected) {
            return (T) ((Counted<?>) s.debtPlain()).value; // a lane guard's block is its debt (no extra field store)
        }
        return (T) s.guardValue;
    }

    /**
     * Ends the read: clears the debt (or drops the handed-over count) and frees the slot.
     *
     * @throws IllegalStateException when this guard was already closed
     * @throws ArcReleaseException   when this was the value's last reference and its releaser threw
     */
    @Override
    public void close() {
        if (slot == null) {
            return;
        }
        DebtSlot s = slot;
        if (!s.guardOpen) {
            throw new IllegalStateException("ArcGuard closed twice; close each guard from load() exactly once");
        }
        if (s.inLane) {
            Counted<?> c = (Counted<?>) s.debtPlain(); // our own debt: the block this guard keeps alive
            s.guardOpen = false;
            if (s.guardProjected) {
                s.guardValue = null;
                s.guardProjected = false;
            }
            s.setDebtRelease(null); // C1 release: our reads of the value precede; pairs with the scans' acquire
            AsymmetricFence.light(); // compiler barrier; pairs with heavy() in PendingReleases.reclaim (C1 before C2)
            if (PendingReleases.mayHold(c)) { // C2: a writer held c back for us
                PendingReleases.reclaim();
            }
            return;
        }
        Counted<?> c = s.guardCounted; // read before the slot is freed: the slot is reused after that
        boolean owned = s.guardFull;
        s.guardOpen = false;
        s.guardCounted = null;
        s.guardValue = null;
        if (owned) {
            slot.setDebtRelease(null); // release: frees the slot (it held CLAIMED); pairs with the next claim CAS
            c.decrement();
        } else if (!slot.casDebt(c, null)) { // volatile CAS: clears our debt unless a writer paid it (PAID)
            slot.setDebtRelease(null); // release: frees the slot; pairs with the next claim CAS
            c.decrement(); // the paid count is ours
        }
    }

    // ---------------------------------------------------------------- package-private: ArcSwap

    void openDebt(Counted<?> c, Object v) {
        DebtSlot s = slot;
        s.guardCounted = c;
        s.guardValue = v;
        s.guardFull = false;
        s.guardOpen = true;
    }

    /**
     * Opens a lane guard: the block is the slot's debt, so only a projection needs a field (reference stores
     * into these long-lived slots cost a GC write barrier each).
     */
    void openLane(Object projected, boolean isProjected) {
        DebtSlot s = slot;
        if (isProjected) {
            s.guardValue = projected;
            s.guardProjected = true;
        }
        s.guardOpen = true;
    }

    void openFull(Counted<?> c, Object v) {
        DebtSlot s = slot;
        s.guardCounted = c;
        s.guardValue = v;
        s.guardFull = true;
        s.guardOpen = true;
    }

    /** The block this guard keeps alive (loadFull converts the guard into a count); null for EMPTY. */
    Counted<?> counted() {
        if (slot == null) {
            return null;
        }
        return slot.inLane ? (Counted<?>) slot.debtPlain() : slot.guardCounted;
    }
}
