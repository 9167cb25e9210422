package dev.reclaim.sync;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Read-copy-update of one value: readers load the current value without locks or writes to shared memory,
 * writers build a new value and swap it in with a CAS, and the value they replaced is <em>retired</em> through a
 * {@link Reclaimer}: its retire action (by default {@code close()} for {@link AutoCloseable} values) runs only
 * after every reader that could have seen it has left its guard. Works with every {@link dev.reclaim.Scheme}.
 *
 * <pre>{@code
 * RcuCell<Config> config = new RcuCell<>(EpochReclaimer.create(), Config.load());   // Config implements AutoCloseable
 * try (Guard g = config.reclaimer().enter()) {
 *     Config c = config.read(g);          // valid (not closed) until g closes
 *     c.lookup(key);
 * }
 * config.update(old -> old.with(key, value));  // the old Config is closed after current readers leave
 * }</pre>
 *
 * <p>Progress: {@link #read(Guard)} is wait-free under every scheme: one acquire load (a heap reference
 * needs no hazard; the replaced value's retirement is deferred past every guard open at the update). {@link #update(UnaryOperator)} is lock-free: the function may run several times under
 * contention, so it must be free of side effects; a value it built that lost the race was never published and
 * is handed to the retire action at once.
 *
 * @param <T> the value type (non-null values)
 */
public final class RcuCell<T> {

    /*
     * Implementation notes
     *
     * current: an AtomicReference (the Guard API protects AtomicReference sources). read(g) = g.protect(slot,
     * current): one acquire load under every scheme (pairs with the updater's CAS); linearization point: the
     * load that is returned. update: inside a guard, protect the current value, apply fn, CAS current old -> new (volatile:
     * its release half publishes the new value's fields to readers' acquire loads; linearization point); on
     * success defer(retire(old)) through the same guard: the scheme runs it after every guard open at the time of
     * the call has closed, i.e. after every reader that could have loaded old. The guard is opened before the
     * protect, so the old value stays live while fn reads it.
     * Garbage: one Runnable per successful update (the deferred retirement); read allocates nothing.
     */

    private final Reclaimer reclaimer;
    private final AtomicReference<T> current;
    private final Consumer<? super T> retire;
    private final int slot;

    /**
     * Creates a cell whose replaced values are closed when they are {@link AutoCloseable} (exceptions from
     * {@code close()} go to the reclaimer's failure handler).
     *
     * @param reclaimer the reclaimer that defers retirement
     * @param initial   the initial value, non-null
     */
    public RcuCell(Reclaimer reclaimer, T initial) {
        this(reclaimer, initial, RcuCell::closeIfCloseable, 0);
    }

    /**
     * Creates a cell with an explicit retire action.
     *
     * @param reclaimer the reclaimer that defers retirement
     * @param initial   the initial value, non-null
     * @param retire    what to do with a replaced value once no reader can see it
     * @param slot      the guard's protection slot {@link #read(Guard)} uses ({@code 0..Guard.PROTECT_SLOTS-1};
     *                  kept for callers that also protect off-heap pointers in the same guard)
     * @throws IllegalArgumentException if {@code slot} is out of range
     */
    public RcuCell(Reclaimer reclaimer, T initial, Consumer<? super T> retire, int slot) {
        this.reclaimer = Objects.requireNonNull(reclaimer, "reclaimer");
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial value"));
        this.retire = Objects.requireNonNull(retire, "retire");
        if (slot < 0 || slot >= Guard.PROTECT_SLOTS) {
            throw new IllegalArgumentException("slot must be in 0.." + (Guard.PROTECT_SLOTS - 1) + ", was " + slot);
        }
        this.slot = slot;
    }

    /**
     * The current value, protected by {@code guard}: it is not retired before the guard closes.
     *
     * @param guard an open guard of {@link #reclaimer()}
     * @return the current value
     * @throws IllegalStateException if the guard is closed
     */
    public T read(Guard guard) {
        return guard.protect(slot, current);
    }

    /**
     * The current value without protection: one acquire load, wait-free. Safe only for values whose retire
     * action does not invalidate them (plain heap values left to the GC); otherwise use {@link #read(Guard)}.
     *
     * @return the current value
     */
    public T readUnprotected() {
        return current.getAcquire(); // acquire: pairs with the CAS in update()
    }

    /**
     * Replaces the value with {@code fn(current)}, retrying if another writer got in first. The replaced value is
     * retired after current readers leave.
     *
     * @param fn builds the new value from the current one; side-effect free, non-null result
     * @return the value installed
     */
    public T update(UnaryOperator<T> fn) {
        Objects.requireNonNull(fn, "fn");
        while (true) {
            try (Guard g = reclaimer.enter()) {
                T old = g.protect(slot, current);
                T next = Objects.requireNonNull(fn.apply(old), "RcuCell.update: the function returned null");
                if (next == old) {
                    return old;
                }
                if (current.compareAndSet(old, next)) { // volatile CAS: release pairs with read()'s acquire
                    g.defer(() -> retire.accept(old));
                    return next;
                }
                retire.accept(next); // never published: no reader can have it
            }
        }
    }

    /**
     * Installs {@code value} unconditionally, retiring the previous value after current readers leave.
     *
     * @param value the new value, non-null
     */
    public void set(T value) {
        Objects.requireNonNull(value, "value");
        try (Guard g = reclaimer.enter()) {
            T old = current.getAndSet(value); // volatile swap: release pairs with read()'s acquire
            if (old != value) {
                g.defer(() -> retire.accept(old));
            }
        }
    }

    /**
     * The reclaimer retirement goes through (readers enter its guards).
     *
     * @return the reclaimer
     */
    public Reclaimer reclaimer() {
        return reclaimer;
    }

    private static void closeIfCloseable(Object value) {
        if (value instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing a retired RcuCell value failed", e);
            }
        }
    }
}
