package dev.reclaim.arc;

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

    /** The slot this guard belongs to; null for EMPTY. */
    private final DebtSlot slot;
    /*
     * Guard state, written by the slot's owner only: published to the next owner by the release that frees
     * the slot (setDebtRelease / casDebt) and the next owner's claim CAS. Plain fields.
     */
    private boolean open;
    /** True when this guard owns a full count on `counted` (a hand-over); false when it is a debt. */
    private boolean full;
    private Counted<?> counted;
    private T value;

    ArcGuard(DebtSlot slot) {
        this.slot = slot;
    }

    /**
     * The loaded value (or its projection).
     *
     * @return the value; null only from an {@link ArcSwapOption} that was empty
     * @throws IllegalStateException when this guard was closed
     */
    public T get() {
        if (!open && slot != null) {
            throw new IllegalStateException("get() on a closed ArcGuard; read inside the try-with-resources block,"
                    + " or use loadFull() for a reference that outlives it");
        }
        return value;
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
        if (!open) {
            throw new IllegalStateException("ArcGuard closed twice; close each guard from load() exactly once");
        }
        Counted<?> c = counted; // read before the slot is freed: the guard object is reused after that
        boolean owned = full;
        open = false;
        counted = null;
        value = null;
        if (owned) {
            slot.setDebtRelease(null); // release: frees the slot (it held CLAIMED); pairs with the next claim CAS
            c.decrement();
        } else if (!slot.casDebt(c, null)) { // volatile CAS: clears our debt unless a writer paid it (PAID)
            slot.setDebtRelease(null); // release: frees the slot; pairs with the next claim CAS
            c.decrement(); // the paid count is ours
        }
    }

    // ---------------------------------------------------------------- package-private: ArcSwap

    @SuppressWarnings("unchecked")
    void openDebt(Counted<?> c, Object v) {
        counted = c;
        value = (T) v;
        full = false;
        open = true;
    }

    @SuppressWarnings("unchecked")
    void openFull(Counted<?> c, Object v) {
        counted = c;
        value = (T) v;
        full = true;
        open = true;
    }

    /** The block this guard keeps alive (loadFull converts the guard into a count). */
    Counted<?> counted() {
        return counted;
    }
}
