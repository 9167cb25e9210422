package dev.reclaim.arc;

import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.Jfr;
import dev.reclaim.internal.PaddedCounters;
import dev.reclaim.internal.SlotSupport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Function;

/**
 * An atomically replaceable reference to an {@link Arc}-counted value whose loads write nothing shared: the
 * hot-swap slot for a searcher, a configuration or a native table that readers use while a writer replaces it.
 *
 * <pre>{@code
 * ArcSwap<Config> config = ArcSwap.of(Arc.of(load(), Config::close));
 * try (ArcGuard<Config> c = config.load()) {       // reader: no write to the shared count
 *     use(c.get());
 * }
 * config.store(Arc.of(reload(), Config::close));  // writer: the old Config closes once no guard holds it
 * }</pre>
 *
 * <p>{@link #load()} returns a short-lived {@link ArcGuard} (allocation-free); {@link #loadFull()} an {@link Arc}
 * for long-lived use; {@link #cache()} an {@link ArcCache} whose {@code get()} is a single volatile read while
 * the value does not change. Writers ({@link #store}, {@link #swap}, {@link #compareAndSet}, {@link #rcu}) take
 * ownership of the handle they install and release the value they remove once no guard uses it; they never
 * wait for readers, and readers never wait for writers.
 *
 * <p>Progress: {@code load()} is lock-free and bounded (at most one helping round after its fast path; with
 * asymmetric fences, a probe of the 4 slots of the platform thread's own lane or of the virtual thread's carrier's
 * lane; then a probe of a few slots of the slot table, from the thread's own slot on a platform thread and from its
 * CPU's claim cursor on a virtual thread, and a table that grows under a lock when they are all busy); writers are
 * lock-free (their CAS retries only when another writer succeeded) and scan every debt slot, whose number follows
 * the loads open at once (a writer shrinks the table again after a burst).
 * {@link ArcSwapOption} is the variant that may hold no value.
 *
 * @param <T> the value type
 */
public sealed class ArcSwap<T> implements AutoCloseable permits ArcSwapOption {

    /*
     * Implementation notes
     * ====================
     * The design is arc-swap's (Rust) "debt" strategy with its helping fallback, with the per-thread debt nodes
     * replaced by a global pool of slots claimed per load (DebtPool): no ThreadLocal, so virtual threads and
     * guards closed on other threads never strand a slot.
     *
     * State
     * -----
     * `current` holds a Counted block (or null in ArcSwapOption, or Counted.CLOSED after close()). The swap
     * owns one strong count of the block it holds; a writer that removes a block receives that count.
     * A pool DebtSlot has `poolDebt`, a long (FREE / the stamp of block X: the owner owes a reference to X /
     * PAID: the owner holds a full count on its guard's block, which a writer paid or handed over / CLAIMED:
     * owned, no debt), `control` (null idle / Request R: the owner asks writers of R.swap for help / a Counted:
     * a writer's hand-over of a full count) and the open guard's block (`guardBlock`, a plain field).
     * A stamp is a block's unique number (Counted.stamp(), a 64-bit counter), given by the writer that first
     * publishes the block in a swap, before that publication, so a reader reads it plain after f1. The debt word
     * is a primitive so that its atomics carry no GC barrier: under G1 a reference CAS or getAndSet into these
     * long-lived slots cost ~10 ns more per load than the same operations on a long (virtual readers; see
     * docs/performance.md).
     * Invariant D: while a slot's debt is X's stamp, X's strong count is >= 1 -- every writer that removes X from
     * a swap pays (increments X, then CAS debt stamp(X) -> PAID) every debt on X it sees before it drops its own
     * count.
     *
     * Reader fast path (load)
     * -----------------------
     * Which slot f2 tries first is a hint only: the thread-id hash on platform threads, the claim cursor of the
     * current CPU on virtual threads (DebtPool's CURSORS, CpuHint). Any slot the CAS claims serves the argument
     * below equally.
     *   f1  x = current                    volatile read
     *   f2  CAS slot.debt FREE -> stamp(x) claims a free slot and publishes the debt in one volatile CAS
     *   f3  current == x ?                 volatile re-read: yes -> the guard reads x, debt-protected
     * open: guardBlock = x unless it already is (plain; the owner's field: the slot's last guard left its block
     * there, so a steady load stores no reference). close: getAndSet debt -> FREE (frees the slot); if it
     * returned PAID, a writer paid the debt: decrement x. A PAID close (seen before freeing) also clears
     * guardBlock, and a writer's scan clears `old` from the free slots that still name it (claiming each for the
     * clear: CAS FREE -> CLAIMED, clear, release FREE), so a removed value stays reachable from the pool only in
     * a slot freed while its remover's scan passed, until that slot is reused.
     * Why f3 == x makes the debt safe: every access in this protocol is volatile (sequentially consistent in the
     * JMM's synchronization order, SO). Let W be the writer that next removes x: its removal CAS (a) is after
     * f3 in SO (f3 still read x), its scan of our slot (c) follows (a) in W's program order, hence follows f2:
     * W reads debt == stamp(x) (or PAID from an earlier remover, or FREE after our close) and pays it before its own
     * decrement. ABA (x removed and stored again between f1 and f3) is harmless: storing x again needs an owned
     * count, so x stayed live, and the earlier remover either paid our debt (we now own a count) or saw the
     * slot before f2. A stamp names one block for ever (never reused), so a debt word never names another block.
     * guardBlock is written only by the slot's owner (a reader, or a writer clearing it), between its claim and
     * its freeing write; the next owner's claim CAS reads that write, so the field passes from owner to owner in
     * order.
     *
     * Reader helping path (f3 failed, or no free slot was found and the table had to grow)
     * --------------------------------------------------------------------------------------
     * The slot is first reset to CLAIMED (CAS stamp(x) -> CLAIMED; if it was PAID, drop the paid count). Then:
     *   1  control = new Request(this)     volatile store (one small allocation: its identity is the generation,
     *                                      so a stale helper's CAS can never hit a later request -- no ABA)
     *   2  y = current                     volatile read
     *   3  debt = stamp(y)                 volatile store
     *   4  CAS control R -> null           success: the guard reads y, debt-protected, WITHOUT re-checking current
     *                                      failure: control holds a writer's hand-over V (a full count); take it,
     *                                      clear our debt on y (dropping y's count if it was paid), then
     *                                      debt = PAID (release store) and guardBlock = V.
     * Why success at 4 makes the debt on y safe even if y was removed meanwhile: the remover W of y does (a)
     * after 2, then, for our slot, first its help step (h: volatile read of control) and then its debt scan (c).
     * h is after a, after 2, after 1, so h sees R unless 4 already happened. If h saw R, W tries to hand over
     * (CAS R -> V); 4 succeeded, so W's CAS failed, i.e. 4 precedes W's CAS, which precedes c: c sees debt y
     * (3 precedes 4) and pays it. If h did not see R, 4 precedes h, which precedes c: same conclusion.
     * The hand-over V is a full count obtained by W from its own load of `current` made after h read R and
     * before its CAS (which precedes our failed 4): V was current inside our load's interval, so the load stays
     * linearizable. A reader is never told to retry: after at most one helping round it has a value.
     *
     * Writers
     * -------
     * store/swap/compareAndSet/rcu/close: (a) CAS current old -> new (a CAS loop: it refuses CLOSED; retries
     * only when another writer won); then for every slot of the table read after (a): (h) help a Request on
     * this swap (load a full count V, CAS control R -> V, undo on failure), (c) if debt == stamp(old): increment
     * old, CAS debt stamp(old) -> PAID, undo (never the last count: the writer still owns one) on failure.
     * Increment before the CAS, because the reader may decrement the instant it sees PAID. PAID is never a stamp,
     * so no writer pays the same debt twice. Then the writer drops (or returns) its
     * count on old. A writer never waits: a slot it cannot pay or help is one whose reader already finished.
     * Slots added by a concurrent table growth are safe to miss: a load that claims one read the table after
     * its growth, after (a), so its f3/2 reads return new or later values. Slots cut off by a shrink are safe to
     * miss: each was REMOVED (from free, by CAS) before the smaller table was published, so no load holds it
     * (DebtPool's notes). The scan also counts the claimed slots, and a table grown by a burst of open loads is
     * shrunk by the writer whose scan finds its top three quarters free.
     *
     * Lane fast path (when AsymmetricFence is asymmetric)
     * ---------------------------------------------------
     * Before the pool, a platform thread tries its own DebtLane, a virtual thread the lane of the carrier it runs
     * on (CarrierId: pthread_self; a virtual thread does not change carriers between its probe and its debt store,
     * which never unmount, so the code running on one carrier claims that lane's slots one claim at a time, as a
     * platform thread claims its own): L1 x = current (volatile), L2 lane slot = x
     * (opaque: only the owner claims lane slots, so no CAS), light() (a compiler barrier), L3 current == x ?
     * (volatile). Close: release-store null, light(), and reclaim if x is held back. Writers never pay lane
     * debts; instead settle() adds one count on the removed block (a hold, PendingReleases) and afterWrite()
     * drops it through PendingReleases.reclaim(), which runs heavy() (membarrier) and scans every lane: a
     * lane reader whose L3 saw x is either seen by that scan or saw the removal at L3 (see PendingReleases).
     * A failed L3 withdraws the lane debt and falls back to the pool path on the new value, so the helping
     * guarantee (no reader spins on writers) is unchanged. The reader's cost: a lane lookup (by thread id, or
     * by pthread_self on a virtual thread), two volatile reads and two plain stores; no CAS, no CPU fence. A
     * writer pays one or more membarrier calls. A guard held across an unmount keeps its carrier's slot busy and
     * may be closed on another carrier (any thread may free a lane slot: release store); the virtual threads the
     * carrier runs meanwhile take the lane's other slots, then the pool.
     *
     * Linearization points: load = L3 (lane), f3 (fast path), 2 (helping success) or the helper's load (hand-over);
     * writers = their successful CAS on current; compareAndSet failure = its read of current.
     *
     * Garbage bound: a removed value is released as soon as the remover and every guard that loaded it are done;
     * a reader stalled inside a guard holds back exactly the one value it loaded.
     *
     * References: arc-swap (Michal Vaner), docs/internal and src/debt/helping.rs, for the debt and helping
     * design (ideas only; this code is written from the description above); Netty's ReferenceCountUpdater for
     * the optimistic count update used by Counted.
     */

    /**
     * Test seam: when true, every load skips the fast path and takes the helping path (as arc-swap's test
     * strategy that fills the fast slots). Plain static: tests set it before starting their threads.
     */
    static boolean helpingOnly;

    /** The held block; via CURRENT. */
    private volatile Counted<?> current;
    private final boolean nullable;
    /**
     * Slow-path counters (stats()): written by writers and by loads on the helping path only, padded away from
     * {@code current}, which every load reads.
     */
    private final PaddedCounters counters = new PaddedCounters(7);
    private static final int WRITES = 0;
    private static final int CONTENDED_WRITES = 1;
    private static final int HAND_OVERS = 2;
    private static final int DEBTS_PAID = 3;
    private static final int HELPING_LOADS = 4;
    private static final int CAS_FAILURES = 5;
    private static final int RCU_RETRIES = 6;
    /** The gate of the slow-write JFR event. */
    private static final Jfr SLOW_WRITE_EVENT = new Jfr(ArcSwap.class, () -> SwapWriteEvent.class);

    ArcSwap(Counted<?> initial, boolean nullable) {
        this.nullable = nullable;
        if (initial != null) {
            initial.stamp(); // before the publication: readers read the stamp plain after reading the block
        }
        CURRENT.setRelease(this, initial); // release: publishes the block to readers (the swap itself is published by the caller)
    }

    /**
     * A swap holding {@code initial}; ownership of the handle moves into the swap (the handle is released).
     *
     * @param initial the first value
     * @param <T>     the value type
     * @return the swap
     * @throws NullPointerException  when initial is null (use {@link ArcSwapOption})
     * @throws IllegalStateException when the handle was already released
     */
    public static <T> ArcSwap<T> of(Arc<T> initial) {
        Objects.requireNonNull(initial, "initial Arc is null; use ArcSwapOption.empty() for a swap without a value");
        if (initial.isProjection()) {
            throw new IllegalArgumentException("ArcSwap.of() with a map() projection; store a handle on the whole value");
        }
        return new ArcSwap<>(initial.transfer("ArcSwap.of()"), false);
    }

    // ---------------------------------------------------------------- readers

    /**
     * Loads the current value for a short read, without writing to the value's shared count.
     *
     * @return a guard to close (try-with-resources); it keeps the value alive until closed
     * @throws IllegalStateException when the swap was closed
     * @throws ArcReleaseException   rarely: a load that collided with a writer dropped the last reference of an
     *                               older value, whose releaser threw; the load can be retried
     */
    @SuppressWarnings("unchecked")
    public ArcGuard<T> load() {
        return (ArcGuard<T>) acquire(null);
    }

    /**
     * Loads the current value as a counted handle for long-lived use (one shared-count increment).
     *
     * @return a new handle to release; null only from an empty {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed
     */
    @SuppressWarnings("unchecked")
    public Arc<T> loadFull() {
        Counted<?> c = loadCounted();
        if (c == Counted.CLOSED) {
            throw closedError("loadFull()");
        }
        return c == Counted.NONE ? null : new Arc<>(c, (T) c.value);
    }

    /**
     * A per-reader cache of this swap: its {@code get()} costs one volatile read while the value is unchanged.
     *
     * @return a new cache, owned by one reader, to close when done
     */
    public ArcCache<T> cache() {
        return new ArcCache<>(this, null);
    }

    /**
     * A read-only view that loads a part of the value (arc-swap's {@code map}): {@code view.load().get()} is
     * {@code projection.apply(value)}, protected like the whole value.
     *
     * @param projection applied on every load; must not retain the guard
     * @param <U>        the part's type
     * @return the view
     */
    public <U> ArcSwapView<U> map(Function<? super T, ? extends U> projection) {
        Objects.requireNonNull(projection, "projection");
        return new ArcSwapView<>(this, projection);
    }

    // ---------------------------------------------------------------- writers

    /**
     * Replaces the value; ownership of {@code value} moves into the swap (the handle is released). The old value
     * is released once no guard uses it.
     *
     * @param value the new value
     * @throws NullPointerException  when value is null and this is not an {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed or the handle was released
     * @throws ArcReleaseException   when the old value's releaser ran here and threw (the new value is stored)
     */
    public void store(Arc<T> value) {
        afterWrite(replace(take(value, "store()")));
    }

    /**
     * Replaces the value and returns the old one; ownership of {@code value} moves into the swap.
     *
     * @param value the new value
     * @return the old value's handle (the caller releases it); null when an {@link ArcSwapOption} was empty
     * @throws NullPointerException  when value is null and this is not an {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed or the handle was released
     */
    @SuppressWarnings("unchecked")
    public Arc<T> swap(Arc<T> value) {
        Counted<?> old = replace(take(value, "swap()"));
        Arc<T> result = old == null ? null : new Arc<>(old, (T) old.value);
        if (DebtLane.ENABLED) {
            try {
                PendingReleases.reclaim();
            } catch (RuntimeException e) {
                // another value's releaser threw while we released held counts: report it, keep the returned handle
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
        return result;
    }

    /**
     * Installs {@code replacement} if the current value is {@code expected} (compared by identity). On success
     * ownership of {@code replacement} moves into the swap and the old value is released once unused; on failure
     * nothing changes and the caller still owns {@code replacement}.
     *
     * @param expected    the value the caller last saw (null for an empty {@link ArcSwapOption})
     * @param replacement the new value
     * @return whether it was installed
     * @throws NullPointerException  when replacement is null and this is not an {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed or the handle was released
     */
    public boolean compareAndSet(T expected, Arc<T> replacement) {
        Counted<?> n = peekOwned(replacement, "compareAndSet()");
        if (n != null) {
            n.increment(); // the swap's own count; undone below when the CAS is lost
        }
        for (;;) {
            Counted<?> cur = currentVolatile();
            if (cur == Counted.CLOSED) {
                if (n != null) {
                    n.decrementNotLast();
                }
                throw closedError("compareAndSet()");
            }
            if ((cur == null ? null : cur.value) != expected) {
                if (n != null) {
                    n.decrementNotLast(); // the caller's handle still owns a count
                }
                counters.add(CAS_FAILURES, 1);
                return false;
            }
            if (casCurrent(cur, n)) {
                if (replacement != null) {
                    replacement.close(); // ownership moved: the swap holds the count taken above
                }
                if (cur != null) {
                    settle(cur);
                    afterWrite(cur);
                }
                return true;
            }
        }
    }

    /**
     * Read-copy-update: applies {@code update} to the current value and installs its result, retrying with the
     * new current value when another writer won meanwhile; a result that lost its race is released.
     *
     * @param update computes the replacement from the current value (null for an empty {@link ArcSwapOption});
     *               it may run several times and must return a new, open handle
     * @throws NullPointerException  when update returns null and this is not an {@link ArcSwapOption}
     * @throws IllegalStateException when the swap was closed
     */
    public void rcu(Function<? super T, ? extends Arc<T>> update) {
        Objects.requireNonNull(update, "update function");
        for (;;) {
            Counted<?> cur;
            Arc<T> next;
            try (DebtGuard g = acquire(null)) {
                cur = g.counted();
                @SuppressWarnings("unchecked")
                T value = (T) g.get();
                next = update.apply(value);
            }
            Counted<?> n = take(next, "rcu() update result");
            if (casCurrent(cur, n)) {
                if (cur != null) {
                    settle(cur);
                    afterWrite(cur);
                }
                return;
            }
            if (n != null) {
                n.decrement(); // lost the race: this candidate was never visible to anyone
            }
            counters.add(RCU_RETRIES, 1);
        }
    }

    /**
     * Closes the swap: the held value is released once no guard uses it; later loads and stores throw.
     * Idempotent.
     *
     * @throws ArcReleaseException when the held value's releaser ran here and threw
     */
    @Override
    public void close() {
        for (;;) {
            Counted<?> cur = currentVolatile();
            if (cur == Counted.CLOSED) {
                return;
            }
            if (casCurrent(cur, Counted.CLOSED)) {
                if (cur != null) {
                    settle(cur);
                    afterWrite(cur);
                }
                return;
            }
        }
    }

    /**
     * Whether {@link #close()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return currentVolatile() == Counted.CLOSED;
    }

    /**
     * A snapshot of this swap's counters. Fast-path loads are not counted (see {@link ArcSwapStats}).
     *
     * @return the counters
     */
    public ArcSwapStats stats() {
        return new ArcSwapStats(counters.get(WRITES), counters.get(CONTENDED_WRITES), counters.get(HAND_OVERS),
                counters.get(DEBTS_PAID), counters.get(HELPING_LOADS), counters.get(CAS_FAILURES),
                counters.get(RCU_RETRIES), DebtPool.tableVolatile().length);
    }

    @Override
    public String toString() {
        Counted<?> c = currentVolatile();
        return getClass().getSimpleName() + (c == Counted.CLOSED ? "[closed]" : c == null ? "[empty]" : "[" + c.valueTypeName() + "]");
    }

    // ---------------------------------------------------------------- reader machinery

    /** The load of every reader: a guard on the current block, with {@code projection} applied if not null. */
    final DebtGuard acquire(Function<Object, Object> projection) {
        Counted<?> x = currentVolatile(); // f1
        if (x == null) {
            return DebtGuard.EMPTY;
        }
        if (x == Counted.CLOSED) {
            throw closedError("load()");
        }
        Thread me = Thread.currentThread();
        if (DebtLane.ENABLED && !helpingOnly) {
            DebtGuard s = DebtLane.freeSlot(me);
            if (s != null) {
                s.setDebtOpaque(x); // L2: the lane debt (owner-only slot: no CAS)
                AsymmetricFence.light(); // compiler barrier; pairs with heavy() in PendingReleases.reclaim
                if (currentVolatile() == x) { // L3
                    return open(s, x, true, projection);
                }
                s.setDebtRelease(null); // release: withdraw; a writer may hold x back for us, so check below
                AsymmetricFence.light(); // pairs with heavy() in PendingReleases.reclaim (C1 before C2)
                if (PendingReleases.mayHold(x)) {
                    PendingReleases.reclaim();
                }
                x = currentVolatile(); // the value moved: take the pool path (with its helping) on the new one
                if (x == null) {
                    return DebtGuard.EMPTY;
                }
                if (x == Counted.CLOSED) {
                    throw closedError("load()");
                }
            }
        }
        return acquirePool(x, me, projection);
    }

    /**
     * The pool path of {@link #acquire} (virtual threads whose carrier's lane is busy or unavailable, nested
     * guards, symmetric mode) from f2 on, with
     * {@code x} read at f1: a method of its own, so that the lane path above stays small enough for the JIT to
     * inline into every caller.
     */
    private DebtGuard acquirePool(Counted<?> x, Thread me, Function<Object, Object> projection) {
        DebtSlot[] t = DebtPool.tableVolatile();
        int mask = t.length - 1;
        int cursor = -1;
        int start;
        if (CpuHint.ENABLED && me.isVirtual()) {
            cursor = DebtPool.cursorIndex(CpuHint.cpu()); // this CPU's warm slot, not the virtual thread's own
            start = DebtPool.cursorPlain(cursor);
        } else {
            start = SlotSupport.home(me.threadId(), mask);
        }
        long stamp = x.stampPlain(); // x's name in a debt word: given before the swap published x
        int n = Math.min(DebtPool.PROBE, t.length);
        for (int i = 0; i < n; i++) {
            DebtSlot s = t[(start + i) & mask];
            if (s.poolDebtOpaque() == DebtSlot.FREE && s.casPoolDebt(DebtSlot.FREE, stamp)) { // f2: claim + debt
                if (i != 0 && cursor >= 0) {
                    DebtPool.setCursorPlain(cursor, (start + i) & mask);
                }
                if (currentVolatile() == x && !helpingOnly) { // f3
                    return open(s.guard(), x, false, projection);
                }
                return helped(s, x, projection);
            }
        }
        if (cursor >= 0) {
            DebtPool.setCursorPlain(cursor, (start + n) & mask); // the next load on this CPU probes past the busy run
        }
        return acquireSlow(projection);
    }

    /** The probed slots were busy: claim a slot without a debt (the pool grows if needed), then help ourselves. */
    private DebtGuard acquireSlow(Function<Object, Object> projection) {
        return helped(DebtPool.claimSlow(), null, projection);
    }

    /** Steps 1-4 of the helping path on a slot we own; {@code prev} is our debt from the fast path, or null. */
    private DebtGuard helped(DebtSlot s, Counted<?> prev, Function<Object, Object> projection) {
        if (prev != null && !s.casPoolDebt(prev.stampPlain(), DebtSlot.CLAIMED)) { // PAID: we own a count on prev
            s.setPoolDebtVolatile(DebtSlot.CLAIMED);
            dropOrFreeSlot(s, prev);
        }
        counters.add(HELPING_LOADS, 1);
        DebtSlot.Request r = new DebtSlot.Request(this);
        s.setControlVolatile(r); // 1
        Counted<?> y = currentVolatile(); // 2
        boolean real = y != null && y != Counted.CLOSED;
        if (real) {
            s.setPoolDebtVolatile(y.stampPlain()); // 3
        }
        if (s.casControl(r, null)) { // 4: nobody helped; the debt on y stands
            if (real) {
                return open(s.guard(), y, false, projection);
            }
            s.setPoolDebtRelease(DebtSlot.FREE); // release: frees the slot; pairs with the next claim CAS
            if (y == null) {
                return DebtGuard.EMPTY;
            }
            throw closedError("load()");
        }
        Counted<?> v = (Counted<?>) s.controlVolatile(); // a writer's hand-over (a full count, or a sentinel)
        s.setControlRelease(null);
        if (real && !s.casPoolDebt(y.stampPlain(), DebtSlot.CLAIMED)) { // paid meanwhile: drop that count
            s.setPoolDebtVolatile(DebtSlot.CLAIMED);
            dropOrFreeSlot(s, y);
        }
        if (v == Counted.NONE || v == Counted.CLOSED) {
            s.setPoolDebtRelease(DebtSlot.FREE); // release: frees the slot; pairs with the next claim CAS
            if (v == Counted.NONE) {
                return DebtGuard.EMPTY;
            }
            throw closedError("load()");
        }
        s.setPoolDebtRelease(DebtSlot.PAID); // release: our claimed word; writers only compare it with a stamp
        return open(s.guard(), v, false, projection);
    }

    /** Drops a count we own during a load; if its releaser throws, frees our slot before rethrowing. */
    private static void dropOrFreeSlot(DebtSlot s, Counted<?> c) {
        try {
            c.decrement();
        } catch (RuntimeException e) {
            s.setPoolDebtRelease(DebtSlot.FREE); // release: frees the slot; pairs with the next claim CAS
            throw e;
        }
    }

    /**
     * Opens the guard of slot {@code g} on block {@code c}, with {@code projection} applied to its value if not
     * null; {@code lane}: a lane slot (its debt is c), else a pool slot.
     */
    private static DebtGuard open(DebtGuard g, Counted<?> c, boolean lane, Function<Object, Object> projection) {
        if (projection == null) {
            openPlain(g, c, lane);
            return g;
        }
        Object v;
        try {
            v = projection.apply(c.value);
        } catch (RuntimeException | Error e) {
            openPlain(g, c, lane);
            g.close();
            throw e;
        }
        g.openProjected(lane ? null : c, v);
        return g;
    }

    private static void openPlain(DebtGuard g, Counted<?> c, boolean lane) {
        if (lane) {
            g.openLane();
        } else {
            g.openPool(c);
        }
    }

    /** A full count on the current block, or {@link Counted#NONE} (empty) or {@link Counted#CLOSED}. */
    final Counted<?> loadCounted() {
        DebtGuard g;
        try {
            g = acquire(null);
        } catch (IllegalStateException closed) {
            return Counted.CLOSED;
        }
        Counted<?> c = g.counted();
        if (c == null) {
            return Counted.NONE;
        }
        c.increment(); // safe: the guard keeps c's count >= 1 (invariant D, or its own full count)
        g.close(); // never the last count: we just took one
        return c;
    }

    // ---------------------------------------------------------------- writer machinery

    /** Installs {@code n} (whose count the swap now owns) and settles the old block, whose count is returned. */
    private Counted<?> replace(Counted<?> n) {
        for (;;) {
            Counted<?> old = currentVolatile();
            if (old == Counted.CLOSED) {
                if (n != null) {
                    n.decrement(); // the handle was consumed: release its value rather than leak it
                }
                throw closedError("a write");
            }
            if (casCurrent(old, n)) { // a
                if (old != null) {
                    settle(old);
                }
                return old;
            }
        }
    }

    /**
     * Helps every pending request on this swap, pays every pool debt on {@code old} (which the caller owns) and,
     * when lanes are in use, holds one more count on it for lane debts (dropped by {@link #afterWrite}).
     */
    private void settle(Counted<?> old) {
        SwapWriteEvent ev = null;
        if (SLOW_WRITE_EVENT.enabled()) {
            ev = new SwapWriteEvent();
            ev.begin();
        }
        if (DebtLane.ENABLED) {
            PendingReleases.hold(old); // dropped by a reclaim() once no lane debt is on old
        }
        long oldStamp = old.stampPlain(); // given before old was published; never FREE (a stamp is positive)
        DebtSlot[] t = DebtPool.tableVolatile();
        int claimed = 0;
        int highest = -1;
        int handOvers = 0;
        int paid = 0;
        for (int i = 0; i < t.length; i++) {
            DebtSlot s = t[i];
            Object c = s.controlVolatile(); // h
            if (c instanceof DebtSlot.Request r && r.swap == this && help(s, r)) {
                handOvers++;
            }
            long d = s.poolDebtVolatile(); // c
            if (d == oldStamp) {
                old.increment(); // before the CAS: the reader may decrement as soon as it sees PAID
                if (s.casPoolDebt(oldStamp, DebtSlot.PAID)) {
                    paid++;
                } else {
                    old.decrementNotLast(); // the reader cleared its debt first; we still own old's count
                }
            }
            if (d == DebtSlot.FREE && s.guardBlock == old) { // plain: a hint, checked again once claimed
                clearLeftBlock(s, old);
            }
            if (d != DebtSlot.FREE) { // claimed (or REMOVED by a shrink under way: counting it only makes shrinking later)
                claimed++;
                highest = i;
            }
        }
        DebtPool.afterScan(t, claimed, highest); // gives the free top of a table grown by a burst back
        if (handOvers + paid > 0) {
            counters.add(CONTENDED_WRITES, 1);
            counters.add(HAND_OVERS, handOvers);
            counters.add(DEBTS_PAID, paid);
        }
        if (ev != null) {
            ev.end();
            if (ev.shouldCommit()) { // the threshold and the throttle decide
                ev.valueType = old.valueTypeName();
                ev.slots = t.length;
                ev.handOvers = handOvers;
                ev.debtsPaid = paid;
                ev.commit();
            }
        }
    }

    /**
     * A writer's last step: drops its count on the removed block (null: none), then releases the lane holds no
     * reader needs any more (this one's included, usually).
     *
     * @throws ArcReleaseException when a releaser ran here and threw (after everything else was done)
     */
    private static void afterWrite(Counted<?> removed) {
        RuntimeException failure = null;
        if (removed != null) {
            try {
                removed.decrement();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        if (DebtLane.ENABLED) {
            try {
                PendingReleases.reclaim();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Clears a free slot's reference to {@code old}, which its last guard left there: claims the slot for the
     * clear (a load that claims it first just probes on), so that a removed value does not stay reachable from
     * the pool.
     */
    private static void clearLeftBlock(DebtSlot s, Counted<?> old) {
        if (!s.casPoolDebt(DebtSlot.FREE, DebtSlot.CLAIMED)) { // CAS: vs a load's claim
            return;
        }
        if (s.guardBlock == old) { // plain: we own the slot now
            s.guardBlock = null;
        }
        s.setPoolDebtRelease(DebtSlot.FREE); // release: frees the slot; pairs with the next claim CAS
    }

    /** Hands a full count of the current value to the reader of {@code s}; whether the reader took it. */
    private boolean help(DebtSlot s, DebtSlot.Request r) {
        Counted<?> v;
        for (;;) {
            try {
                v = loadCounted();
                break;
            } catch (ArcReleaseException e) {
                // Our load dropped the last count of some other value and its releaser threw. The help must
                // still happen (the reader may be between its steps 2 and 3), so report the failure to this
                // thread's uncaught-exception handler and load again: each releaser runs once, so this ends.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            }
        }
        if (!s.casControl(r, v)) { // hand-over lost: the reader finished (or another writer helped)
            if (v != Counted.NONE && v != Counted.CLOSED) {
                v.decrement();
            }
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- helpers

    /** The block of a handle whose ownership moves into the swap (the handle is released). */
    private Counted<?> take(Arc<T> value, String what) {
        if (value == null) {
            if (!nullable) {
                throw new NullPointerException(what + " with a null Arc; use ArcSwapOption for a swap that may be empty");
            }
            return null;
        }
        if (value.isProjection()) {
            throw new IllegalArgumentException(what + " with a map() projection; store a handle on the whole value");
        }
        return value.transfer(what);
    }

    /** The block of a handle the caller still owns (compareAndSet), checked like take(). */
    private Counted<?> peekOwned(Arc<T> value, String what) {
        if (value == null) {
            if (!nullable) {
                throw new NullPointerException(what + " with a null Arc; use ArcSwapOption for a swap that may be empty");
            }
            return null;
        }
        if (value.isProjection()) {
            throw new IllegalArgumentException(what + " with a map() projection; store a handle on the whole value");
        }
        if (value.isReleased()) {
            throw new IllegalStateException(what + " with a released Arc; pass an open handle");
        }
        return value.inner();
    }

    private IllegalStateException closedError(String what) {
        return new IllegalStateException(what + " on a closed " + getClass().getSimpleName()
                + "; stop using the swap before closing it");
    }

    final Counted<?> currentVolatile() {
        return (Counted<?>) CURRENT.getVolatile(this); // volatile: f1/f3/2 and writers' reads; SO with casCurrent
    }

    private boolean casCurrent(Counted<?> expect, Counted<?> update) {
        if (update != null) {
            update.stamp(); // before the publication: readers read the stamp plain after reading the block
        }
        if (CURRENT.compareAndSet(this, expect, update)) { // volatile CAS (a): SO before the writer's slot scan
            counters.add(WRITES, 1);
            return true;
        }
        return false;
    }

    // VarHandle mechanics
    private static final VarHandle CURRENT;

    static {
        try {
            CURRENT = MethodHandles.lookup().findVarHandle(ArcSwap.class, "current", Counted.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
