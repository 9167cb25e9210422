package dev.reclaim.internal;

import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guard-slot skeleton every scheme shares: a table of padded {@link GuardSlot}s claimed per guard, pooled
 * guards, abandoned-guard recovery, {@code close} (wait, timeout message, drain), the self-checks, the
 * counters behind {@code stats} and the {@link Reclamation} that runs deleters. A scheme subclasses it with its
 * slot type, its open value, how a slot's garbage is handed over, and its reclamation (epoch bags, or
 * {@link SlotTable}'s retired lists and scans); its public {@link Reclaimer} holds the subclass and delegates
 * to it (a public class cannot extend this one without exporting the package).
 *
 * @param <S> the scheme's slot type
 */
public abstract class GuardTable<S extends GuardSlot> {

    /*
     * Implementation notes
     * ====================
     *
     * Slots
     * -----
     * A copy-on-write table of padded slots (doubled under tableLock when a bounded probe finds no free slot,
     * halved by maybeShrink when its upper half is idle; read with acquire, or volatile by scans that must see
     * every guard opened after them; a slot never moves, so an index names the same slot in every table that
     * has it). A slot is claimed per
     * guard, not per thread: no ThreadLocal, so a virtual thread that unmounts inside a guard, or a guard
     * handed to another thread, keeps working because everything lives in the slot, and a thread that dies
     * strands nothing because the slot's garbage is the slot's, not the thread's.
     *
     * State: FREE (0), LOCKED (2: a stealer holds it: flush, synchronize, close, recovery) or open (odd: the
     * scheme's open value, an epoch pin or OPEN). claim() starts at the thread id's home (SlotSupport.home) and
     * CASes FREE -> open: one volatile CAS takes exclusive ownership of the slot (its guard, garbage and
     * counters) and publishes that the guard is open. FREE is the constant 0, so the home slot is claimed by a
     * CAS with no read before it; other slots are pre-read (opaque) so that busy ones are skipped. The fast
     * path probes the first table, which the reclaimer passes from a final field of its own (no load of the
     * current table through this object before the CAS); the slow path probes the current one. On HotSpot a
     * volatile CAS is a full two-way fence on every port (x86 lock cmpxchg; AArch64 casal, or ldaxr/stlxr
     * followed by ldar), which is the StoreLoad a reader's later loads need after publishing that it is open;
     * a scheme that reads a global clock right after the claim (epochs: before it; eras: after it) relies on it.
     * close() (release) clears holderId and release-stores FREE; a list-based guard ends the slot's generation
     * (release store) first.
     *
     *   FREE --claim CAS--> open --close: release FREE--> FREE
     *   FREE --steal CAS--> LOCKED --release FREE--> FREE
     *   open (guard unhooked, then collected) --recovery CAS under tableLock--> LOCKED --release FREE--> FREE
     *
     * Guards: one per slot, held strongly by the slot (GuardSlot.guard) whether it is free or open, so enter
     * and close store no reference (a G1 pre/post write barrier each, and the post barrier's slow path with
     * its fence once slot and guard sit in different old regions). The slot also keeps a WeakReference to
     * it. An open guard nobody holds any more is abandoned: nobody can close it, so recovery takes its slot
     * over. Telling that takes two slow-path passes (stats, synchronize, close, and the scheme's own, e.g. a
     * blocked epoch advance) and a GC in between:
     *   1. unhook: a pass that finds a slot open with its guard hooked drops the slot's strong reference
     *      (guard = null, a racy store) when the holder thread has ended or when the previous pass saw the
     *      same open guard (state, holder id, generation); only the guard's users keep it alive then. A wrong
     *      guess costs one rehook, never safety: a claim that finds the guard unhooked hooks it again under
     *      tableLock (the same object if alive, a new one with a new weak reference if not) before it writes
     *      its holderId.
     *   2. recover: under tableLock, a slot read open (volatile), then with a non-zero holderId (plain), then
     *      a cleared weak reference is abandoned. The holderId proves that the open guard is the one the
     *      reference names (see recoverIfAbandoned); a cleared reference proves nobody can close it.
     * Guards are not tied to threads, so a guard handed to another thread, or held by a virtual thread that
     * unmounts, stays open as long as someone holds it, whatever happened to the thread that entered it.
     * Recovery reports the guard, lets the scheme clear what the guard published (onRecovered) and hand over
     * the slot's garbage (answerRequest), ends the generation and puts a fresh guard in the slot.
     *
     * Generation (list-based schemes): the number of guards closed or recovered on the slot, plus repins. It
     * changes whenever the guard that was open ends, which defer()'s grace periods read (SlotTable). Epochs do
     * not count it: their grace periods are epochs, and a store per close is measurable on a pin.
     *
     * Closing (Dekker): claimed() reads `closed` (volatile) after the claim CAS; close() writes `closed`
     * (volatile) and then scans the states (volatile). Either the entering thread sees closed and undoes its
     * claim, or close() sees the slot open and waits for the guard. Then close() steals every slot, hands its
     * garbage over (drainSlot) and lets the scheme reclaim everything regardless of readers (drained), until
     * nothing is pending; deleters may enter guards and retire meanwhile (drainingThread). A close that times
     * out names every open guard's holder with its stack; the reclaimer stays closing and close() may be
     * called again.
     *
     * Self-checks: synchronize() and close() refuse to run while the caller holds an open guard of this
     * reclaimer (it would wait for itself): a volatile read of the state, then the plain holderId (see
     * GuardSlot.isHeldBy).
     *
     * Counters: per-slot retired/retiredBytes (owner writes, opaque) plus the bases of slots a shrink cut
     * off, shared reclaimed/reclaimedBytes/failures and the peak pending count in the padded Reclamation.
     *
     * Following the load (thread-per-task bursts): maintenance is counted per close with a random phase per
     * slot (one run per maintenanceEvery closes across the table, whatever slots the closes hit); the scheme's
     * maintenance sweeps slots idle since the previous sweep (dirty map, aging by the retired counter) and
     * calls maybeShrink, which cuts off an all-FREE upper half (FREE -> LOCKED -> evict -> DEAD, counters
     * folded into retiredBase/retiredBytesBase, smaller table published). DEAD is terminal and even, so
     * neither a claim nor a steal nor a scanner's isOpen ever takes it. See docs/design-notes.md, "Reclamation
     * follows thread-per-task load".
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE.
     */

    private final Reclaimer owner;
    private final String name;
    private final long closeTimeoutNanos;
    /** Age from which an open guard holding back reclamation gets a SlowGuard JFR event. */
    private final long slowGuardNanos;
    /** Runs deleters; counts what was reclaimed and what failed. */
    protected final Reclamation reclamation;

    /** Slot table; replaced (never mutated in place) under tableLock. Accessed via SLOTS. */
    private volatile GuardSlot[] slots;
    private final Object tableLock = new Object();
    /** The length of the first table: the table never shrinks below it. */
    private int initialLength;
    /**
     * Whether the table is longer than its first length: a hint for hot paths, written under tableLock after
     * each publication of a table, read plain (a stale value only delays or adds one hand-off).
     */
    private boolean grown;
    /** {@link #maintenanceEvery()}, read once in start(). Plain: published with the first table. */
    private int every;
    /** Which slots hold local garbage (set by owners, cleared by sweeps). */
    private final DirtyMap dirty = new DirtyMap();
    /** Retired counts of slots cut off by a shrink. Written under tableLock; read by stats (volatile). */
    private volatile long retiredBase;
    /** Retired bytes of slots cut off by a shrink. As {@link #retiredBase}. */
    private volatile long retiredBytesBase;
    /** When {@link #updatePeak} last summed a large table (System.nanoTime). Plain: a racy rate limit. */
    private long lastPeakNanos;
    /** Set (volatile) when close() starts; see the Dekker note. */
    private volatile boolean closed;
    /** Set once close() has run every deleter. */
    private volatile boolean closeCompleted;
    /** The thread draining garbage in close(): its deleters may still enter guards and retire. */
    private volatile Thread drainingThread;
    private final Object closeLock = new Object();

    /**
     * Configures a table; the subclass calls {@link #start()} at the end of its constructor.
     *
     * @param owner     the reclaimer its guards report from {@code Guard.reclaimer()}; the table never calls it
     * @param config    the common settings (name, failure handler, close timeout)
     * @param schemeId  the prefix of the name when none was configured
     * @param instances the scheme's instance counter, numbering unnamed reclaimers
     */
    protected GuardTable(Reclaimer owner, ReclaimerBuilder<?> config, String schemeId, AtomicInteger instances) {
        this.owner = owner;
        this.name = config.configuredName() != null ? config.configuredName()
                : schemeId + "-" + instances.incrementAndGet();
        this.closeTimeoutNanos = config.configuredCloseTimeout().toNanos();
        this.slowGuardNanos = config.configuredSlowGuardThreshold().toNanos();
        this.reclamation = new Reclamation(name, schemeId, config.configuredFailureHandler());
    }

    /** Builds the initial table: {@code max(16, 4 x cores)} slots rounded up to a power of two. */
    protected final void start() {
        int n = Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        GuardSlot[] table = new GuardSlot[n];
        synchronized (tableLock) {
            initialLength = n;
            every = maintenanceEvery();
            for (int i = 0; i < n; i++) {
                table[i] = build(i, n);
            }
            SLOTS.setVolatile(this, table); // volatile: pairs with slotsAcquire() and the scanners' slotsVolatile()
        }
    }

    /** Builds slot {@code index} with its guard, its dirty bit and a random maintenance phase. Under tableLock. */
    private S build(int index, int tableLength) {
        S s = newSlot(index, tableLength);
        PooledGuard g = newGuard(s);
        s.guardRef = new WeakReference<>(g);
        s.guard = g;
        dirty.attach(s);
        // uniform in [1, every]: one maintenance per `every` enters on average, however enters spread over slots
        s.maintenanceCountdown = 1 + ThreadLocalRandom.current().nextInt(every);
        return s;
    }

    // ---------------------------------------------------------------- scheme hooks

    /**
     * Creates slot {@code index} of a table of {@code tableLength} slots (its guard comes from
     * {@link #newGuard}).
     *
     * @param index       the slot's index
     * @param tableLength the length of the table it is built for
     * @return a new free slot
     */
    protected abstract S newSlot(int index, int tableLength);

    /**
     * How many counted events of a slot (closes for a scheme that calls {@link #releaseCounted}, retirements
     * for one that calls {@link #countRetire}), on average, between two runs of {@link #maintenance}. Each slot
     * starts at a random phase in {@code [1, every]}, so across the table one maintenance runs per
     * {@code every} events on average whether they come from a few threads on their home slots or from a
     * million tasks spread over a large table.
     *
     * @return at least 1
     */
    protected abstract int maintenanceEvery();

    /**
     * The scheme's periodic work, run by a thread whose slot's countdown expired: after it released the slot
     * ({@link #releaseCounted}: its own guard holds nothing back) or while it retires ({@link #countRetire}):
     * advance the clock, {@link #sweep} idle slots, reclaim, {@link #maybeShrink}. Never counted on enter: a
     * burst whose tasks all entered before any retired must still get its maintenance when the retirements
     * come. Never blocks.
     */
    protected abstract void maintenance();

    /**
     * Takes the local garbage of an idle slot the caller holds LOCKED into the scheme's shared batch (a sweep;
     * the caller holds the scheme's sweep lock).
     *
     * @param slot the slot
     */
    protected abstract void drainIdle(S slot);

    /**
     * Hands over the garbage of a slot a shrink cuts off (the caller holds it LOCKED; it becomes DEAD next).
     * Called under the table lock, from {@link #maybeShrink}, so from wherever the scheme calls that.
     *
     * @param slot the slot
     */
    protected abstract void evict(S slot);

    /**
     * Creates the guard of a slot (once per slot, and again when an abandoned guard was recovered).
     *
     * @param slot the slot
     * @return its guard, closed
     */
    protected abstract PooledGuard newGuard(S slot);

    /**
     * The open value a claim stores now (odd): read again on every round of the slow path.
     *
     * @return the open value
     */
    protected abstract long openState();

    /**
     * Hands the garbage of a slot the caller holds (its closing owner, a stealer or a recoverer) over to
     * reclamation and answers a pending synchronize() request ({@link GuardSlot#setRequestRelease}).
     *
     * @param slot the slot
     */
    protected abstract void answerRequest(S slot);

    /**
     * Clears what the abandoned guard of {@code slot} published. Called under the table lock while the
     * caller holds the slot LOCKED, before {@link #answerRequest}.
     *
     * @param slot the slot
     */
    protected void onRecovered(S slot) {
    }

    /** Called once per waiting round of {@code close()} while guards are open (epochs keep guard ages growing). */
    protected void beforeCloseWaitRound() {
    }

    /**
     * Close, draining: hands over the garbage of a slot the caller has stolen; no guard is open.
     *
     * @param slot the slot
     */
    protected abstract void drainSlot(S slot);

    /**
     * Close, draining: after a pass that stole every free slot, reclaims what is pending and says whether
     * everything is done.
     *
     * @param busy whether some slot could not be stolen (a transient claim, or a guard of a draining deleter)
     * @return whether nothing is pending any more
     */
    protected abstract boolean drained(boolean busy);

    /**
     * Describes the open guard of a slot, for stats and the close timeout message. The default knows no age
     * and no epoch.
     *
     * @param slot      the slot
     * @param state     its state as just read (open)
     * @param withStack whether to capture the holder's stack (costly)
     * @return the description
     */
    protected GuardInfo describe(S slot, long state, boolean withStack) {
        return info(slot, 0, -1, withStack);
    }

    /**
     * Waits until everything retired before the call is reclaimed; the arguments are checked.
     *
     * @param deadline a {@link System#nanoTime()} deadline ({@link #deadlineAfter})
     * @return whether it completed before the deadline
     */
    protected abstract boolean synchronizeUntil(long deadline);

    /**
     * The scheme, for stats.
     *
     * @return the scheme
     */
    protected abstract Scheme scheme();

    /**
     * The scheme's clock, for stats.
     *
     * @return the current epoch or era, -1 if none
     */
    protected abstract long currentEpoch();

    /**
     * The open guard holding back reclamation the longest, as the scheme judges it.
     *
     * @param withStack whether to capture the holder thread's stack (costly)
     * @return the guard, or null when none is open
     */
    public abstract GuardInfo oldestGuard(boolean withStack);

    // ---------------------------------------------------------------- claim / release

    /**
     * Claims a free slot for the calling thread with state {@code open} and returns its guard, open.
     * Allocates nothing unless the table grows.
     *
     * <p>The fast path probes {@code first}, the table as {@link #start()} built it, which the reclaimer keeps
     * in a final field of its own: slots never move and every later table starts with the same slots, so
     * entering reads no table pointer through the skeleton before its CAS. When all of them are taken, the
     * slow path probes the current table and grows it.
     *
     * @param first the first table ({@link #slots()} right after construction)
     * @param open  the open value (odd)
     * @return the slot's guard
     * @throws IllegalStateException if the reclaimer is closed
     */
    public final PooledGuard claim(GuardSlot[] first, long open) {
        Thread t = Thread.currentThread();
        GuardSlot[] table = first;
        int mask = table.length - 1;
        int start = SlotSupport.home(t.threadId(), mask);
        GuardSlot home = table[start];
        if (home.casState(GuardSlot.FREE, open)) { // CAS: claims and publishes (home slot: usually free, no pre-read)
            return claimed(home, t);
        }
        for (int i = 1; i <= mask; i++) {
            GuardSlot s = table[(start + i) & mask];
            if (s.stateOpaque() == GuardSlot.FREE && s.casState(GuardSlot.FREE, open)) { // CAS: as above
                return claimed(s, t);
            }
        }
        return claimSlow(t);
    }

    private PooledGuard claimSlow(Thread t) {
        while (true) {
            checkNotClosed("enter()");
            GuardSlot[] table = slotsAcquire();
            long open = openState();
            int mask = table.length - 1;
            // Bounded probing, so that a near-full table grows instead of costing O(slots) per enter: two rounds
            // of PROBE_LIMIT probes with an odd stride (a full cycle of a power-of-two table, and no primary
            // clustering: a run of busy slots does not lengthen every later probe), the first from the thread's
            // hash, the second from a random point. A table grows at a load of about 90% (0.9^64 ~ 0.1%).
            int probes = Math.min(table.length, PROBE_LIMIT);
            long id = t.threadId();
            int start = SlotSupport.home(id, mask);
            int step = SlotSupport.spread(~id) | 1;
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < probes; i++) {
                    GuardSlot s = table[(start + i * step) & mask];
                    if (s.stateOpaque() == GuardSlot.FREE && s.casState(GuardSlot.FREE, open)) { // CAS: as in claim()
                        return claimed(s, t);
                    }
                }
                if (probes == table.length) {
                    break; // every slot was probed
                }
                start = ThreadLocalRandom.current().nextInt();
                step = ThreadLocalRandom.current().nextInt() | 1;
            }
            grow(table);
        }
    }

    private PooledGuard claimed(GuardSlot s, Thread t) {
        boolean isClosed = closed; // volatile read: Dekker with close()'s write-then-scan
        if (isClosed && t != drainingThread) { // volatile read of drainingThread only while closing
            s.setStateRelease(GuardSlot.FREE); // release: undo the claim; pairs with close()'s volatile scan
            throw closedException("enter()");
        }
        PooledGuard g = s.guard; // plain: the slot's guard (published by the release of FREE our CAS acquired)
        if (g == null) {
            g = rehook(s); // a recovery pass unhooked it
        }
        // plain: what the self-checks read (GuardSlot.isHeldBy); after the guard is hooked: recovery needs it so
        s.holderId = t.threadId();
        if (s.holder != t) {
            s.holder = t; // plain: read racily for diagnostics only; written on change to skip the GC barrier
        }
        g.open = true;
        return g;
    }

    /**
     * Hooks the slot's guard again after a recovery pass unhooked it (the caller's claim holds the slot): the
     * same guard if it is still alive, else a new one. Under the table lock, so that a recovery that reads the
     * claimer's holder id also reads the weak reference this may replace (see recoverIfAbandoned).
     */
    private PooledGuard rehook(GuardSlot s) {
        synchronized (tableLock) {
            PooledGuard g = s.guardRef.get();
            if (g == null) {
                g = newGuard(cast(s));
                s.guardRef = new WeakReference<>(g);
            }
            s.guard = g; // plain: read by later claims after their CAS (published by our release of FREE)
            return g;
        }
    }

    /**
     * Releases the slot of a closing guard: answers a pending synchronize() request and stores FREE (the slot
     * keeps its guard: no reference store). The caller has already marked the guard closed (and, for a
     * list-based scheme, ended the slot's generation).
     *
     * @param s the guard's slot, held by the caller
     */
    @SuppressWarnings("unchecked")
    public final void release(GuardSlot s) {
        if (s.requestOpaque() != 0) { // opaque: a synchronize() waits for this slot's garbage
            answerRequest((S) s);
        }
        s.holderId = 0; // plain: published by the release below (the self-checks, recovery)
        s.setStateRelease(GuardSlot.FREE); // release: pairs with the claimer's CAS and the scanners' volatile reads
    }

    /**
     * {@link #release} for a scheme that counts maintenance on close: counts the close down on the slot's
     * countdown (before the slot is released: the field is the owner's) and runs {@link #maintenance} after
     * the release when it expired.
     *
     * @param s the guard's slot, held by the caller
     */
    public final void releaseCounted(GuardSlot s) {
        boolean due = countDown(s);
        release(s);
        if (due) {
            maintenanceDue();
        }
    }

    /**
     * Counts one retirement of the caller's slot down on its countdown, for a scheme that counts maintenance on
     * retire, and runs {@link #maintenance} when it expired (the caller's guard is still open).
     *
     * @param s the retiring guard's slot, owned by the caller
     */
    protected final void countRetire(GuardSlot s) {
        if (countDown(s)) {
            maintenanceDue();
        }
    }

    /** One step of the slot's maintenance countdown (owner only); true when it expired (it restarts). */
    private boolean countDown(GuardSlot s) {
        int left = s.maintenanceCountdown - 1; // plain: owner only
        s.maintenanceCountdown = left > 0 ? left : every; // plain: owner only; `every` is final after start()
        return left <= 0;
    }

    /**
     * The rare end of {@link #release}: the slot's countdown expired (and was reset); the slot is already
     * released. Kept out of line so that the release path stays small.
     */
    private void maintenanceDue() {
        if (!closed) { // volatile read: close() drains by itself
            maintenance();
        }
    }

    private void grow(GuardSlot[] seen) {
        synchronized (tableLock) {
            if (slotsAcquire() != seen) {
                return;
            }
            GrowthFault.beforeAllocation();
            GuardSlot[] bigger = Arrays.copyOf(seen, seen.length * 2);
            for (int i = seen.length; i < bigger.length; i++) {
                bigger[i] = build(i, bigger.length);
            }
            // volatile: new slots fully built; pairs with slotsAcquire() and the scanners' slotsVolatile()
            SLOTS.setVolatile(this, bigger);
            grown = true; // plain: a hint (see the field)
        }
    }

    /**
     * Halves the table when its upper half is idle: every slot there is FREE and can be stolen. The stolen
     * slots hand their garbage over ({@link #evict}), their counters are folded into the table's, they become
     * DEAD (never claimable again, so a holder of the older table cannot open a guard in them) and the
     * smaller table is published. Slots of the first table are never cut off. Cheap when the table is busy:
     * the pre-check stops at the first slot that is not free, scanning down from the top.
     *
     * <p>Halves repeatedly while the new upper half is idle too, so the first maintenance after a burst drains
     * gives the memory back.
     *
     * @return whether the table shrank
     */
    protected final boolean maybeShrink() {
        boolean shrank = false;
        while (shrinkOnce()) {
            shrank = true;
        }
        return shrank;
    }

    private boolean shrinkOnce() {
        GuardSlot[] t = slotsAcquire();
        int n = t.length;
        if (n <= initialLength || !SHRINK) {
            return false;
        }
        int half = n >>> 1;
        for (int i = n - 1; i >= half; i--) {
            if (t[i].stateOpaque() != GuardSlot.FREE) { // opaque: a hint; the steals below validate it
                return false;
            }
        }
        synchronized (tableLock) {
            if (slotsAcquire() != t || closed) { // volatile read of closed: close() drains the current table
                return false;
            }
            int i = n - 1;
            while (i >= half && tryLock(t[i])) {
                i--;
            }
            if (i >= half) {
                for (int j = n - 1; j > i; j--) {
                    unlock(t[j]); // a guard opened meanwhile: give the slots back, nobody saw them DEAD
                }
                return false;
            }
            long r = 0;
            long rb = 0;
            for (int j = half; j < n; j++) {
                S s = cast(t[j]);
                evict(s);
                s.clearDirty();
                r += s.retiredOpaque();
                rb += s.retiredBytesOpaque();
                s.guard = null;
                // release: the hand-over above happens-before whoever reads DEAD (synchronize, drains)
                s.setStateRelease(GuardSlot.DEAD);
            }
            // volatile writes after the DEAD stores: a stats() that reads the new base then reads DEAD (and
            // skips the slot); one that reads the old base counts the slot or skips it: never twice
            retiredBytesBase = retiredBytesBase + rb;
            retiredBase = retiredBase + r;
            SLOTS.setVolatile(this, Arrays.copyOf(t, half)); // volatile: as in grow()
            grown = half > initialLength; // plain: a hint (see the field)
            return true;
        }
    }

    // ---------------------------------------------------------------- sweep

    /**
     * Whether any slot of the current table may hold local garbage (a dirty bit is set): lets a maintenance
     * run with nothing to sweep return before taking its lock.
     *
     * @return whether a dirty bit was seen (opaque reads: a hint)
     */
    protected final boolean anyDirty() {
        int words = (slotsAcquire().length + 63) >>> 6;
        for (int w = 0; w < words; w++) {
            if (dirty.word(w) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drains the local garbage of every dirty slot that stayed idle since the previous sweep: a slot whose
     * retired counter moved since then is only remembered (its owner is active: its batch keeps filling), one
     * whose counter did not move and that is FREE is stolen, {@link #drainIdle drained} and its dirty bit
     * cleared. Visits only dirty slots (one map word per 64 slots otherwise). The caller holds the scheme's
     * sweep lock, which also guards every slot's {@code sweptRetired}.
     *
     * @return how many slots were drained
     */
    protected final int sweep() {
        if (!SWEEP) {
            return 0;
        }
        GuardSlot[] t = slotsAcquire();
        int n = t.length;
        int words = (n + 63) >>> 6;
        int drained = 0;
        for (int w = 0; w < words; w++) {
            long bits = dirty.word(w);
            while (bits != 0) {
                int i = (w << 6) + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                if (i >= n) {
                    break;
                }
                GuardSlot s = t[i];
                long r = s.retiredOpaque(); // opaque: the owner's counter; a stale value only delays the drain
                if (r != s.sweptRetired) { // plain: guarded by the sweep lock
                    s.sweptRetired = r;
                    continue;
                }
                if (s.stateOpaque() == GuardSlot.FREE && tryLock(s)) { // opaque: skip busy slots without a CAS
                    try {
                        drainIdle(cast(s)); // may throw an OutOfMemoryError growing a scan buffer
                        s.clearDirty();
                    } finally {
                        unlock(s); // a stolen slot is always given back, or synchronize() and close() stall on it
                    }
                    drained++;
                }
            }
        }
        return drained;
    }

    /**
     * Steals a free slot: CAS FREE -&gt; LOCKED. The caller releases it with {@link #unlock}.
     *
     * @param s the slot
     * @return whether the caller now holds it
     */
    protected static boolean tryLock(GuardSlot s) {
        return s.casState(GuardSlot.FREE, GuardSlot.LOCKED); // CAS: steal; pairs with the releaser's store of FREE
    }

    /**
     * Hands back a slot taken with {@link #tryLock}.
     *
     * @param s the slot
     */
    protected static void unlock(GuardSlot s) {
        s.setStateRelease(GuardSlot.FREE); // release: pairs with the next claim CAS; a racing enter will see closed
    }

    // ---------------------------------------------------------------- abandoned guards

    /**
     * If {@code s} is open and its guard object was garbage-collected, reports it and releases the slot. Call
     * it when {@link GuardSlot#mayBeAbandoned} said so.
     *
     * <p>Why the guard read here is the open one: the state is read first (volatile), then the holder id, then
     * the weak reference, under the table lock. A non-zero holder id was written by the claim of the guard now
     * open (a close and a recovery clear it before their release, and the claim writes it only after hooking
     * its guard); a claim that hooks a new guard replaces the weak reference under this lock before it writes
     * its id, so we read that reference, and a claim that found its guard hooked uses the guard the current
     * reference names (the reference changes only while its slot is held). A cleared reference then means that
     * nobody can close the open guard, so the state cannot change under the CAS.
     *
     * @param s the slot
     * @return whether it was recovered
     */
    protected final boolean recoverIfAbandoned(S s) {
        synchronized (tableLock) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS
            // holderId plain: see above; guardRef plain under tableLock: replaced only under it
            if (!GuardSlot.isOpen(v) || s.holderId == 0 || !s.guardCollected()) {
                return false;
            }
            // CAS: takes the slot over; only an unreachable guard could have changed it
            if (!s.casState(v, GuardSlot.LOCKED)) {
                return false;
            }
            reclamation.failed("guard entered by " + describeThread(s.holder) + " was never closed (its thread died"
                    + " or it was dropped unclosed); it has been released. Close every guard with try-with-resources",
                    null);
            onRecovered(s);
            answerRequest(s);
            PooledGuard g = newGuard(s);
            s.guardRef = new WeakReference<>(g);
            s.guard = g; // plain: published by the release below
            s.holderId = 0; // plain: as in release()
            s.endGenerationRelease();
            s.setStateRelease(GuardSlot.FREE); // release: publishes the new guard; pairs with the claimer's CAS
            return true;
        }
    }

    /**
     * Recovers every abandoned guard whose collection a GC has shown, and unhooks the guards of open slots that
     * look abandoned (their thread ended, or a previous pass saw the same guard open) so that a later GC can.
     */
    protected final void recoverAbandoned() {
        for (GuardSlot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS
            if (GuardSlot.isOpen(v) && s.mayBeAbandoned(v)) {
                recoverIfAbandoned(cast(s));
            }
        }
    }

    private static String describeThread(Thread thread) {
        if (thread == null) {
            return "an unknown thread";
        }
        return "thread \"" + thread.getName() + "\" (id " + thread.threadId()
                + (thread.isAlive() ? ", alive)" : ", dead)");
    }

    // ---------------------------------------------------------------- synchronize

    /**
     * {@link Reclaimer#synchronize()}.
     *
     * @throws IllegalStateException if closed, or if the caller holds an open guard of this reclaimer
     */
    public final void synchronize() {
        checkSynchronize("synchronize()");
        synchronizeUntil(Long.MAX_VALUE);
    }

    /**
     * {@link Reclaimer#synchronize(Duration)}.
     *
     * @param timeout how long at most
     * @return whether everything retired before the call was reclaimed in time
     * @throws IllegalStateException if closed, or if the caller holds an open guard of this reclaimer
     */
    public final boolean synchronize(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long deadline = deadlineAfter(timeout);
        checkSynchronize("synchronize(timeout)");
        return synchronizeUntil(deadline);
    }

    private void checkSynchronize(String op) {
        checkNotClosed(op);
        checkNoOwnGuard(Thread.currentThread(), op);
    }

    /**
     * The {@link System#nanoTime()} deadline {@code timeout} from now, saturating at {@code Long.MAX_VALUE}.
     *
     * @param timeout a duration (negative counts as 0)
     * @return the deadline
     */
    protected static long deadlineAfter(Duration timeout) {
        long nanos = timeout.toNanos();
        long now = System.nanoTime();
        return nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, nanos);
    }

    /**
     * Whether the {@link System#nanoTime()} deadline has passed.
     *
     * @param deadline from {@link #deadlineAfter}
     * @return whether it has
     */
    protected static boolean expired(long deadline) {
        return System.nanoTime() - deadline > 0;
    }

    /**
     * Whether close() has run every deleter (synchronize() waiters return true then).
     *
     * @return whether close has completed
     */
    protected final boolean closeCompleted() {
        return closeCompleted;
    }

    private void checkNoOwnGuard(Thread t, String op) {
        for (GuardSlot s : slotsAcquire()) {
            if (GuardSlot.isOpen(s.stateVolatile()) && s.isHeldBy(t.threadId())) { // volatile, then plain: see isHeldBy
                throw new IllegalStateException(op + " called on reclaimer '" + name + "' by thread \""
                        + t.getName() + "\" while it holds an open guard of it (it would wait for itself forever);"
                        + " close the guard first");
            }
        }
    }

    // ---------------------------------------------------------------- close

    /**
     * {@link Reclaimer#close()} with the configured timeout.
     *
     * @throws IllegalStateException if already closed, or if guards are still open when the timeout expires
     */
    public final void close() {
        close(closeTimeoutNanos);
    }

    /**
     * {@link Reclaimer#close()}: waits up to {@code timeoutNanos} for open guards, then runs every pending entry.
     *
     * @param timeoutNanos how long to wait for open guards
     * @throws IllegalStateException if already closed, or if guards are still open when the timeout expires
     */
    public final void close(long timeoutNanos) {
        synchronized (closeLock) {
            if (closeCompleted) {
                throw new IllegalStateException("reclaimer '" + name + "' is already closed; close it exactly once");
            }
            Thread t = Thread.currentThread();
            checkNoOwnGuard(t, "close()");
            closed = true; // volatile write: Dekker with claimed()'s claim-then-read (see notes)
            waitForGuards(System.nanoTime() + timeoutNanos, timeoutNanos);
            drainingThread = t; // volatile: lets this thread's deleters enter and retire while draining
            try {
                drainAll();
            } finally {
                drainingThread = null;
            }
            closeCompleted = true; // volatile: synchronize() waiters return
        }
    }

    /**
     * The configured slow-guard threshold.
     *
     * @return nanoseconds
     */
    public final long slowGuardNanos() {
        return slowGuardNanos;
    }

    /**
     * The configured close timeout.
     *
     * @return nanoseconds
     */
    public final long closeTimeoutNanos() {
        return closeTimeoutNanos;
    }

    private void waitForGuards(long deadline, long timeoutNanos) {
        int round = 0;
        while (true) {
            boolean open = false;
            for (GuardSlot s : slotsAcquire()) {
                if (GuardSlot.isOpen(s.stateVolatile())) { // volatile: Dekker with the claim CAS
                    open = true;
                    break;
                }
            }
            if (!open) {
                return;
            }
            beforeCloseWaitRound();
            recoverAbandoned();
            if (expired(deadline)) {
                throw new IllegalStateException(openGuardsMessage(timeoutNanos));
            }
            SlotSupport.backoff(round++);
        }
    }

    private String openGuardsMessage(long timeoutNanos) {
        StringBuilder sb = new StringBuilder("reclaimer '").append(name).append("' could not close: guards were")
                .append(" still open after ").append(timeoutNanos / 1_000_000).append(" ms. Close them (or")
                .append(" raise closeTimeout) and call close() again. Open guards:");
        for (GuardSlot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS
            if (!GuardSlot.isOpen(v)) {
                continue;
            }
            GuardInfo info = describe(cast(s), v, true);
            sb.append("\n  ").append(info.describe());
            for (StackTraceElement e : info.stack()) {
                sb.append("\n      at ").append(e);
            }
        }
        return sb.toString();
    }

    private void drainAll() {
        int round = 0;
        while (true) {
            long reclaimedBefore = reclamation.reclaimedVolatile();
            boolean busy = false;
            for (GuardSlot s : slotsAcquire()) {
                if (tryLock(s)) {
                    try {
                        drainSlot(cast(s));
                    } finally {
                        unlock(s); // as in the sweep
                    }
                } else if (s.stateVolatile() != GuardSlot.FREE) { // volatile: a transient claim, a deleter's guard
                    busy = true;
                }
            }
            if (drained(busy)) {
                return;
            }
            if (reclamation.reclaimedVolatile() != reclaimedBefore) {
                round = 0; // progress (deleters that retire more): pass again at once, back off only when stuck
            }
            SlotSupport.backoff(round++);
        }
    }

    @SuppressWarnings("unchecked")
    private S cast(GuardSlot s) {
        return (S) s;
    }

    // ---------------------------------------------------------------- stats and diagnostics

    /**
     * {@link Reclaimer#stats()}: recovers abandoned guards first (unless closed).
     *
     * @return the snapshot
     */
    public final ReclaimerStats stats() {
        if (!closed) {
            recoverAbandoned();
        }
        long retiredBytes = retiredBytesBase; // volatile: before the slots (see maybeShrink)
        long retired = retiredBase; // volatile: before the slots (see maybeShrink)
        int open = 0;
        int live = 0;
        for (GuardSlot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS and the DEAD store of a shrink
            if (v == GuardSlot.DEAD) {
                continue; // folded into the base
            }
            live++;
            retired += s.retiredOpaque();
            retiredBytes += s.retiredBytesOpaque();
            if (GuardSlot.isOpen(v)) {
                open++;
            }
        }
        Reclamation r = reclamation;
        long reclaimed = r.reclaimedVolatile();
        long pendingCount = Math.max(0, retired - reclaimed);
        long pendingBytes = Math.max(0, retiredBytes - r.reclaimedBytesVolatile());
        return new ReclaimerStats(name, scheme(), retired, reclaimed, pendingCount, pendingBytes,
                Math.max(pendingCount, r.peakPendingVolatile()), currentEpoch(), open, oldestGuard(false),
                r.failuresVolatile(), live);
    }

    /**
     * Raises the peak pending count to the backlog now (at a reclamation step, before it shrinks). The sum is
     * O(slots): on a grown table it runs at most once per {@code max(1 ms, 256 ns x slots)} (67 ms at 2^18
     * slots), so that it adds a bounded share to scans that already read every slot.
     */
    protected final void updatePeak() {
        GuardSlot[] t = slotsAcquire();
        if (t.length > initialLength) {
            long now = System.nanoTime();
            if (now - lastPeakNanos < Math.max(1_000_000L, 256L * t.length)) { // plain: a racy rate limit is enough
                return;
            }
            lastPeakNanos = now;
        }
        long retired = retiredBase; // volatile: before the slots (see maybeShrink)
        for (GuardSlot s : t) {
            if (s.stateVolatile() != GuardSlot.DEAD) { // volatile: as in stats()
                retired += s.retiredOpaque();
            }
        }
        reclamation.updatePeak(Math.max(0, retired - reclamation.reclaimedVolatile()));
    }

    /**
     * Raises the peak pending count from a sum of the live slots' retired counters that a scan read on its
     * way (no pass of its own, no rate limit).
     *
     * @param base        {@link #retiredBase()}, read before the slots
     * @param slotsRetired the sum of {@link GuardSlot}s' retired counters read after it, DEAD slots left out
     */
    protected final void updatePeakFrom(long base, long slotsRetired) {
        reclamation.updatePeak(Math.max(0, base + slotsRetired - reclamation.reclaimedVolatile()));
    }

    /**
     * The retired counts of slots cut off by a shrink (read before a sum over the slots, as {@code stats} does).
     *
     * @return the base
     */
    protected final long retiredBase() {
        return retiredBase; // volatile: before the slots (see maybeShrink)
    }

    /**
     * Describes the guard of slot {@code s}.
     *
     * @param s         the slot
     * @param ageNanos  its age as the scheme knows it (0 when unknown)
     * @param epoch     the epoch or era it reserved, -1 if none
     * @param withStack whether to capture the holder's stack (costly)
     * @return the description
     */
    public static GuardInfo info(GuardSlot s, long ageNanos, long epoch, boolean withStack) {
        Thread h = s.holder; // plain: racy diagnostics read
        StackTraceElement[] stack = withStack && h != null ? h.getStackTrace() : new StackTraceElement[0];
        return new GuardInfo(h == null ? "unknown" : h.getName(), h == null ? -1 : h.threadId(),
                h != null && h.isAlive(), ageNanos, epoch, stack);
    }

    // ---------------------------------------------------------------- misc

    /**
     * The current slots (a snapshot of the copy-on-write table).
     *
     * @return the table; do not modify
     */
    public final GuardSlot[] slots() {
        return slotsAcquire();
    }

    /**
     * Whether the table has grown past its first length, as a hint: a plain read of a flag written under the
     * table lock after each new table, for hot paths that only choose a cheaper or a more thorough step by it.
     *
     * @return true while the table is (or was very recently) longer than its first length
     */
    protected final boolean grownHint() {
        return grown; // plain: a racy hint; a stale value only delays or adds one hand-off
    }

    /**
     * The length of the first table, below which the table never shrinks (what a reclaimer used by a few
     * platform threads keeps).
     *
     * @return a power of two
     */
    protected final int initialLength() {
        return initialLength; // plain: written in start() before the table's volatile publication
    }

    /**
     * The reclaimer's name.
     *
     * @return the name
     */
    public final String name() {
        return name;
    }

    /**
     * The reclaimer this table implements (what its guards report).
     *
     * @return the reclaimer
     */
    protected final Reclaimer owner() {
        return owner;
    }

    /**
     * Whether close() has started.
     *
     * @return {@code true} once closing
     */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Throws if the reclaimer is closed (except for the thread draining it).
     *
     * @param op the operation attempted
     * @throws IllegalStateException if closed
     */
    public final void checkNotClosed(String op) {
        if (closed && Thread.currentThread() != drainingThread) { // volatile reads: pair with close()'s writes
            throw closedException(op);
        }
    }

    private IllegalStateException closedException(String op) {
        return new IllegalStateException("reclaimer '" + name + "' is closed; " + op
                + " must be called before close() (create a new reclaimer if you need one)");
    }

    /**
     * The current slots for a scan that must see every guard that could have opened after it started (the
     * list-based schemes' snapshots): a volatile read, in the SC order with the table stores, after the
     * scan's fence.
     *
     * @return the table; do not modify
     */
    protected final GuardSlot[] slotsVolatile() {
        return (GuardSlot[]) SLOTS.getVolatile(this); // volatile: SC with grow()/maybeShrink()'s volatile stores
    }

    private GuardSlot[] slotsAcquire() {
        return (GuardSlot[]) SLOTS.getAcquire(this); // acquire: pairs with the volatile stores of start/grow/shrink
    }

    /** Probes of the slow claim path before the table grows. */
    private static final int PROBE_LIMIT = 32;
    /** Test seam (negative controls): {@code -Dreclaim.sweep=false} turns the idle-slot sweep off. */
    private static final boolean SWEEP = !"false".equals(System.getProperty("reclaim.sweep"));
    /** Test seam (negative controls): {@code -Dreclaim.shrink=false} keeps the table at its largest. */
    private static final boolean SHRINK = !"false".equals(System.getProperty("reclaim.shrink"));

    // VarHandle mechanics
    private static final VarHandle SLOTS =
            FieldHandles.of(MethodHandles.lookup(), GuardTable.class, "slots", GuardSlot[].class);
}
