package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The guard-slot skeleton ({@link GuardTable}) with what the list-based schemes (hazard pointers, the robust
 * interval scheme) add: per-slot retired lists with an amortised scan, {@code defer} by slot generations,
 * {@code flush} and {@code synchronize}. A scheme subclasses it with its slot type and its reclamation rule
 * ({@link #snapshot}, {@link #isProtected}); its {@link Reclaimer} holds the subclass and delegates to it.
 *
 * @param <S> the scheme's slot type
 */
public abstract class SlotTable<S extends SlotBase> extends GuardTable<S> {

    /*
     * Implementation notes
     * ====================
     *
     * Slots: GuardTable's (claim, release, recovery, close). The open value is GuardSlot.OPEN (hazard
     * pointers' enterProtecting stores pointer | OPEN: a hazard published by the claim itself).
     *
     * Retire and scan
     * ---------------
     * retire appends (pointer, deleter, size, seq, birth era, retire era) to the owning slot's list (plain:
     * owner only). When the list reaches scanAt the owner scans: the scheme takes its snapshot of what open
     * guards protect (after scanFence(), the "heavy" side that pairs with the readers' publications), then the
     * list is partitioned into kept entries (protected, or a deferred action not yet ready) and freed ones
     * (compacted in place, retire order kept); the freed entries run through Reclamation.runAll. scanAt =
     * kept + T with T = the scheme's threshold. Lists of FREE slots are stolen (CAS FREE -> LOCKED) and
     * scanned by flush(), synchronize() and close(); a slot's own list is scanned by its owner on retire and,
     * when a synchronize() asked (the slot's request), on close.
     *
     * defer(action): grace-period semantics (runs once every guard open at the call has ended): the action
     * is stored with the generations of the slots open at the call (Deferred: why that cannot miss a reader);
     * it is ready when each of them has changed. The snapshot is allocated per defer.
     *
     * synchronize(): target[i] = slot i's retired counter at the call. Done when every slot's oldestPending
     * (seq of its first listed entry, Long.MAX_VALUE when empty; release-written after the deleters ran, read
     * with acquire) exceeds its target. Meanwhile it steals and scans FREE slots, sets the request of open
     * ones (their owner scans when closing) and recovers abandoned ones; the scheme's beforeSynchronizeRound
     * hook may advance its clock (eras).
     *
     * close(): GuardTable's; a drained slot's list is freed regardless of protections (no guard is open).
     *
     * Domain list (garbage that does not depend on which slot a task landed in)
     * ---------------------------------------------------------------------------
     * A slot's list is scanned by its owner when it reaches scanAt, which a slot that sees a few retires and
     * goes idle (thread-per-task load over a large table) never does. On a grown table (the table is larger
     * than its first length only while a burst of guards is, or recently was, open) a retire hands the slot's
     * list to the domain list right away when the domain lock is free (handOff): a slot claimed again by a
     * task that sleeps in its guard would otherwise strand what the previous task retired until that guard
     * closes and two sweeps pass. Maintenance (GuardTable: one per
     * maintenanceEvery enters across the table, random phases) takes the domain lock (a try-lock: a busy
     * maintainer skips) and sweeps: the lists of dirty slots idle since the previous sweep are moved into the
     * domain list (a slot outside the table, owned by the domain lock's holder; entries get the domain's own
     * sequence numbers), the slot's oldestPending becomes empty (release, after the move). The domain list is
     * scanned, with the same snapshot and rule as a slot's list, when its arrivals (below) reach domainThreshold(S):
     * P / 64 with P the protections the previous domain scan found (an open guard's reservation, or its
     * hazards), clamped to [S / 256, S / 64] and at least T(first table). The snapshot is O(S) (a state read
     * per slot, the payload of open ones): the clamp keeps its amortised cost between 64 and 256 slot reads per
     * retire, and within it the backlog a scan waits for follows the guards that are open rather than the
     * table, which the probing of a burst leaves 1.1x-4x larger than the guards that fill it (it shrinks when
     * the load goes: GuardTable.maybeShrink, called under the domain lock because evicting a slot moves its
     * list there).
     * flush() and synchronize() scan the domain list too; synchronize, once no slot holds an entry retired
     * before the call, waits until the domain's oldestPending passes the domain's count read under its lock
     * (every entry moved before that read has a sequence number at most that count). close() frees it.
     *
     * A domain scan does not hold the lock for its O(S) part. The domain list is two lists: the arrivals
     * (the domain slot's own list, where sweeps, hand-offs and evictions append under the lock) and the kept
     * entries (a second slot outside the table, `kept`, whose snapshot buffers the scan uses). A scan, under
     * the lock and while no other scan is in flight: appends the arrivals to the kept entries (a swap of the
     * columns when none are kept), sets `scanning`, unlocks; then, owning the kept list alone, takes the
     * fence, the snapshot and runs the deleters of what it frees; then hands the completion to the lock
     * (DomainLock.scanDone, release) and tries the lock once: whoever takes the lock next (tryLockDomain,
     * the scanner itself usually) acquires scanDone, clears `scanning` and publishes the domain's
     * oldestPending. The scanner never waits for the lock: a virtual thread that parked there would queue
     * behind every runnable task of a burst while the kept entries wait for it. Meanwhile retirers keep
     * handing lists over into the arrivals (and sweeps keep moving idle slots there); nothing else touches
     * the kept list while `scanning` is set, and no second domain scan starts.
     * The peak pending count is raised from the retired counters the snapshot reads next to each state
     * (retiredCount, sawRetired) instead of a pass of its own.
     *   Safety: every entry a scan examines was moved under the lock before the scan's own critical section
     *   that took it (its retire precedes the move: the slot's owner, or a stealer that acquired the slot,
     *   appended it), so the retire, and the unlink before it, happen-before the scan's fence through the
     *   lock's release/acquire and the scanner's program order; the snapshot after that fence is the same
     *   argument as a slot's own scan. Entries arriving during the scan are not examined by it.
     *   Nothing is missed by synchronize or close: sequence numbers grow with each move, kept entries are
     *   all older than every arrival (arrivals join the kept entries at their end), and the domain's
     *   oldestPending is the first kept entry's (else the first arrival's, else empty): written under the
     *   lock, never while `scanning` (it then names the first entry the scan took, at most every arrival's),
     *   and for a scan only by the holder that acquired its scanDone, after its deleters ran. synchronize and close look only while no scan is in
     *   flight (close's drain waits for it), so an entry in the scan's hands is never reported freed.
     *
     * Linearization points: retire = the plain append (published by the slot's next release); a pointer's
     * reclamation = the snapshot that missed it.
     */

    /**
     * Configures a table; the subclass calls {@link #start()} at the end of its constructor.
     *
     * @param owner     the reclaimer its guards report
     * @param config    the common settings
     * @param schemeId  the prefix of the name when none was configured
     * @param instances the scheme's instance counter, numbering unnamed reclaimers
     */
    protected SlotTable(Reclaimer owner, ReclaimerBuilder<?> config, String schemeId, AtomicInteger instances) {
        super(owner, config, schemeId, instances);
    }

    /** The domain list's slot (never in the table); created on first use. Plain: guarded by domainLock. */
    private S domain;
    /**
     * The domain's kept entries (survivors of its scans, and the entries a scan in flight examines) and that
     * scan's snapshot buffers; a slot never in the table, created on first use. Plain: owned by the domain
     * lock's holder while {@link #scanning} is false, by the scanning thread while it is true.
     */
    private S kept;
    /**
     * What the snapshot of a domain scan that ran outside the lock found, for {@link #domainProtections};
     * -1 when it took none. Plain: written by the scanner before its release of scanDone, read by the
     * holder that acquired it.
     */
    private int scannedProtections = -1;
    /** Whether a domain scan runs outside the lock (it owns {@link #kept}). Plain: guarded by domainLock. */
    private boolean scanning;
    /** Held while a thread owns the domain list (sweeps, domain scans, shrinks). */
    private final DomainLock domainLock = new DomainLock();
    /**
     * The domain list's size after the last change, for maintenance's lock-free early exit. Plain: written
     * under domainLock, read racily as a hint (a stale value only delays or adds one maintenance run).
     */
    private int domainSize;
    /**
     * What the snapshot of the last domain scan returned (the protections it found: open reservations or
     * published hazards); domainThreshold follows it. Plain: guarded by domainLock.
     */
    private int domainProtections;
    /** Maintenance runs since the domain list was last scanned. Plain: guarded by domainLock. */
    private int domainIdleRuns;
    /** A domain list holding kept entries is rescanned after this many maintenance runs without a scan. */
    private static final int DOMAIN_RESCAN_RUNS = 8;

    // ---------------------------------------------------------------- scheme hooks

    /**
     * Creates slot {@code index}.
     *
     * @param index the slot's index
     * @return a new slot
     */
    protected abstract S createSlot(int index);

    /**
     * The scan threshold T for a table of {@code slotCount} slots: retirements a slot collects between scans.
     *
     * @param slotCount the table's length
     * @return at least 1
     */
    protected abstract int scanThreshold(int slotCount);

    /**
     * Takes the scheme's snapshot of what open guards protect, into buffers of {@code scanner} (which the
     * caller owns), summing {@link #retiredCount} of every slot on the way into {@link #sawRetired} (the
     * peak pending count, read where the snapshot reads each state anyway). Called after {@link #scanFence()}.
     *
     * @param scanner the slot whose list is scanned
     * @param table   the current table
     * @return a count the scheme passes itself in {@link #isProtected}
     */
    protected abstract int snapshot(S scanner, GuardSlot[] table);

    /**
     * What a snapshot adds to its sum for the peak pending count, for a slot it read: the slot's retired
     * counter, 0 for a slot a shrink cut off (counted in the table's base).
     *
     * @param slot  a slot of the table
     * @param state its state as the snapshot just read it
     * @return the count to add
     */
    protected static long retiredCount(GuardSlot slot, long state) {
        return state == GuardSlot.DEAD ? 0 : slot.retiredOpaque(); // opaque: untorn; a stale count only lowers the peak
    }

    /**
     * Records the sum of {@link #retiredCount} over the slots a snapshot read, in its scanner.
     *
     * @param scanner the scanner passed to {@link #snapshot}
     * @param sum     the sum
     */
    protected static void sawRetired(SlotBase scanner, long sum) {
        scanner.retiredSeen = sum; // plain: the scanner's own field
    }

    /**
     * Whether a retired pointer must be kept according to the snapshot.
     *
     * @param scanner the slot whose list is scanned (holding the snapshot)
     * @param n       what {@link #snapshot} returned
     * @param pointer the retired pointer (tag bits included)
     * @param birth   its birth era (0 when unknown)
     * @param era     its retire era (0 for schemes without eras)
     * @return whether an open guard may still hold it
     */
    protected abstract boolean isProtected(S scanner, int n, long pointer, long birth, long era);

    /**
     * The scan's fence between the retire appends / unlinks and the reads of the readers' publications. The
     * default is a full fence, pairing with readers that publish with a volatile store; a scheme whose readers
     * publish with {@link AsymmetricFence#light()} overrides it with {@link AsymmetricFence#heavy()}.
     */
    protected void scanFence() {
        VarHandle.fullFence(); // pairs with the readers' volatile publications
    }

    /**
     * Clears the protections a recovered (abandoned) guard published. Called under the table lock while the
     * slot is LOCKED by the caller.
     *
     * @param slot the slot
     */
    protected void clearProtections(S slot) {
    }

    /** Called once per waiting round of {@code synchronize()}, before checking: lets a scheme advance its clock. */
    protected void beforeSynchronizeRound() {
    }

    // ---------------------------------------------------------------- GuardTable hooks

    @Override
    protected final S newSlot(int index, int tableLength) {
        S s = createSlot(index);
        s.list.scanAt = slotThreshold();
        return s;
    }

    /**
     * Retirements between two maintenance runs, on average over the table (GuardTable's random phases). Counted
     * on retire, not on close: the list-based schemes' enter+close stays free of the countdown.
     */
    private static final int MAINTENANCE_EVERY = 128;

    @Override
    protected final int maintenanceEvery() {
        return MAINTENANCE_EVERY;
    }

    /** Maintenance: sweep idle slots into the domain list, scan it when due, shrink the table when idle. */
    @Override
    protected final void maintenance() {
        // nothing to sweep, scan or shrink (a reader-only load on the first table): skip the lock
        if (domainSize == 0 && slots().length == initialLength() && !anyDirty()) { // plain: a racy hint
            return;
        }
        if (!tryLockDomain()) {
            return; // another maintainer is at it
        }
        boolean held = true;
        try {
            sweep();
            S d = domain();
            if (!scanning) {
                int arrivals = d.list.size;
                int size = arrivals + kept().list.size;
                // due, or holding entries an earlier scan kept (their readers may have gone since): rescan
                if (arrivals >= d.list.scanAt || (size > 0 && ++domainIdleRuns >= DOMAIN_RESCAN_RUNS)) {
                    held = scanDomainReleasing();
                }
            }
            if (held) {
                maybeShrink();
            }
        } finally {
            if (held) {
                unlockDomain();
            }
        }
    }

    /** Sweep: the caller holds the domain lock and the slot. */
    @Override
    protected final void drainIdle(S slot) {
        moveToDomain(slot);
    }

    /** Shrink: the caller holds the domain lock (maybeShrink runs inside maintenance) and the slot. */
    @Override
    protected final void evict(S slot) {
        moveToDomain(slot);
    }

    /** Moves the list of {@code s} (held by the caller) into the domain list (whose lock the caller holds). */
    private void moveToDomain(SlotBase s) {
        RetiredList from = s.list;
        int n = from.size;
        if (n == 0) {
            return;
        }
        S d = domain();
        RetiredList to = d.list;
        to.reserve(n); // before anything moves: a failed growth leaves both lists as they were
        for (int i = 0; i < n; i++) {
            long seq = d.countRetired(0);
            to.add(from.pointers[i], from.actions[i], from.sizes[i], seq, from.births[i], from.eras[i]);
        }
        Arrays.fill(from.actions, 0, n, null);
        from.size = 0;
        from.scanAt = slotThreshold();
        if (!scanning) {
            publishDomainOldest(); // while a scan is in flight the domain's oldest is one it took (older)
        }
        s.setOldestPendingRelease(Long.MAX_VALUE); // release: after the move; synchronize then looks at the domain
    }

    /** The domain list's slot. The caller holds the domain lock. */
    private S domain() {
        S d = domain; // plain: guarded by the domain lock
        if (d == null) {
            d = createSlot(-1);
            d.list.scanAt = domainThreshold(slots().length);
            domain = d;
        }
        return d;
    }

    /** The slot of the domain's kept entries. The caller holds the domain lock, or is the scan in flight. */
    private S kept() {
        S k = kept; // plain: see the field
        if (k == null) {
            k = createSlot(-1);
            kept = k;
        }
        return k;
    }

    /**
     * Publishes the domain's oldestPending: the first kept entry's sequence number, else the first arrival's,
     * else empty (kept entries are older than every arrival). The caller holds the domain lock and no scan
     * is in flight.
     */
    private void publishDomainOldest() {
        RetiredList k = kept().list;
        S d = domain();
        RetiredList a = d.list;
        long oldest = k.size > 0 ? k.seqs[0] : a.size > 0 ? a.seqs[0] : Long.MAX_VALUE;
        d.setOldestPendingRelease(oldest); // release: after the moves and deleters; pairs with synchronize()'s acquire
    }

    /**
     * Scans the domain's entries without holding the lock for the O(slots) part (see the notes): the caller
     * holds the domain lock and no scan is in flight. The lock is released during the scan; the scan ends by
     * handing its completion to the lock (the next holder completes it, see {@link #tryLockDomain}), then tries
     * once to take the lock back, never waiting for it (its holders may be virtual threads that unmounted).
     *
     * @return whether the caller holds the domain lock again (and the scan is complete)
     */
    private boolean scanDomainReleasing() {
        S d = domain();
        S k = kept();
        domainIdleRuns = 0;
        k.list.takeAll(d.list); // may throw an OutOfMemoryError: both lists are then as they were
        d.list.scanAt = domainThreshold(slots().length); // arrivals from now on count toward the next scan
        if (k.list.size == 0) {
            publishDomainOldest();
            return true;
        }
        scanning = true; // plain: guarded by the lock, released next
        unlockDomain();
        int snap = -1;
        boolean scanned = false;
        try {
            snap = scan(k, false);
            scanned = true;
        } finally {
            scannedProtections = snap; // plain: published by the release below
            domainLock.setScanDoneRelease(); // release: the kept list and the deleters' effects before it
            if (!scanned) {
                lockDomain(); // the scan threw: the caller's finally expects to hold the lock
            }
        }
        return domainLock.lockOpaque() == 0 && tryLockDomain(); // completes the scan when it gets the lock
    }

    /**
     * Completes a domain scan that finished outside the lock (the caller just took the lock): ends
     * {@code scanning} and publishes the domain's oldestPending.
     */
    private void completeScan() {
        if (scanning && domainLock.scanDoneAcquire()) { // acquire: pairs with the scanner's setScanDoneRelease
            domainLock.clearScanDone();
            scanning = false;
            if (scannedProtections >= 0) {
                domainProtections = scannedProtections; // plain: guarded by the domain lock
            }
            publishDomainOldest(); // release: after the scan's deleters (acquired above)
        }
    }

    /** Takes the domain lock once no domain scan is in flight (flush, close). */
    private void lockDomainIdle() {
        int round = 0;
        while (true) {
            lockDomain();
            if (!scanning) {
                return;
            }
            unlockDomain();
            SlotSupport.backoff(round++);
        }
    }

    /**
     * The domain list's scan threshold for a table of {@code n} slots: a 64th of the protections the last
     * domain scan found, within {@code [n / 256, n / 64]}, and at least {@code T(initial)}. A scan reads the
     * state of every slot (and the payload of the open ones): 64 to 256 reads per retire on a large table,
     * while the garbage a scan waits for stays a 64th of the guards that are open. The caller holds the
     * domain lock.
     */
    private int domainThreshold(int n) {
        int p = domainProtections; // plain: guarded by the domain lock
        return Math.max(slotThreshold(), Math.min(n >>> 6, Math.max(n >>> 8, p >>> 6)));
    }

    /**
     * A slot list's scan threshold: the scheme's threshold for the first table, whatever the table's length
     * now (a slot's list never waits for more retires because a burst grew the table).
     */
    private int slotThreshold() {
        return scanThreshold(initialLength());
    }

    /**
     * A slot's list reached its threshold (the caller owns the slot): on the first table the owner scans it;
     * on a grown table, where a scan reads every slot, it hands the list to the domain list instead (when the
     * domain lock is free), whose threshold follows the open guards.
     */
    private void listFull(SlotBase s) {
        if (slots().length <= initialLength() || !handOff(s)) {
            scan(s, false);
        }
    }

    /**
     * Moves the list of {@code s} (owned by the caller) into the domain list and scans that when it is due,
     * if the domain lock is free; otherwise leaves the list where it is (a sweep or a later retire moves it).
     *
     * @return whether the list moved
     */
    private boolean handOff(SlotBase s) {
        if (domainLock.lockOpaque() != 0 || !tryLockDomain()) {
            return false; // a maintainer or scanner holds it: no waiting on the retire path
        }
        boolean held = true;
        try {
            moveToDomain(s);
            S d = domain();
            if (!scanning && d.list.size >= d.list.scanAt) {
                held = scanDomainReleasing();
            }
        } finally {
            if (held) {
                unlockDomain();
            }
        }
        return true;
    }

    /** Takes the domain lock if it is free, completing a scan that finished meanwhile. */
    private boolean tryLockDomain() {
        if (!domainLock.tryLock()) {
            return false;
        }
        completeScan();
        return true;
    }

    private void lockDomain() {
        int round = 0;
        while (domainLock.lockOpaque() != 0 || !tryLockDomain()) {
            SlotSupport.backoff(round++);
        }
    }

    private void unlockDomain() {
        S d = domain;
        S k = kept;
        int n = d == null ? 0 : d.list.size;
        n += scanning ? 1 : k == null ? 0 : k.list.size; // plain: the kept list is the scan's while it runs
        domainSize = n; // plain: the racy hint read by maintenance()
        domainLock.unlockRelease();
    }

    /** Scans the domain list (blocking on its lock, waiting for a scan in flight): flush. */
    private void scanDomain() {
        lockDomainIdle();
        boolean held = true;
        try {
            held = scanDomainReleasing();
        } finally {
            if (held) {
                unlockDomain();
            }
        }
    }

    @Override
    protected final long openState() {
        return GuardSlot.OPEN;
    }

    /** Scans the list of {@code s} (the caller holds the slot) and answers a pending synchronize() request. */
    @Override
    protected final void answerRequest(S s) {
        scan(s, false);
        s.setRequestRelease(0); // release: the requester re-reads oldestPending (acquire) anyway
    }

    @Override
    protected final void onRecovered(S s) {
        clearProtections(s);
    }

    @Override
    protected final void drainSlot(S s) {
        scan(s, true);
    }

    @Override
    protected final boolean drained(boolean busy) {
        if (busy) {
            return false;
        }
        lockDomainIdle();
        try {
            scan(kept(), true); // kept entries first: the oldest, published by publishDomainOldest below
            scan(domain(), true);
            publishDomainOldest();
        } finally {
            unlockDomain();
        }
        for (GuardSlot s : slots()) {
            if (((SlotBase) s).oldestPendingAcquire() != Long.MAX_VALUE) { // acquire: pairs with retire/scan releases
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- retire / defer / scan

    /**
     * Appends a retired pointer to the list of {@code s} (owned by the caller) and scans when it is full.
     *
     * @param s       the slot of the retiring guard
     * @param pointer the pointer
     * @param deleter its deleter
     * @param birth   its birth era (0 when unknown or unused)
     * @param era     its retire era (0 when unused)
     */
    public final void retire(SlotBase s, long pointer, Deleter deleter, long birth, long era) {
        append(s, pointer, deleter, deleter.sizeOf(pointer), birth, era);
    }

    final void defer(SlotBase s, Runnable action, long sizeBytes) {
        // volatile: a guard opening in a slot this table lacks claims it after this read (see Deferred)
        append(s, 0, Deferred.of(action, slotsVolatile()), sizeBytes, 0, 0);
    }

    private void append(SlotBase s, long pointer, Object action, long sizeBytes, long birth, long era) {
        RetiredList l = s.list;
        l.reserveOne(); // before counting: a failed growth leaves no counted entry behind (see reserveOne)
        long seq = s.countRetired(sizeBytes);
        boolean wasEmpty = l.size == 0;
        l.add(pointer, action, sizeBytes, seq, birth, era);
        if (wasEmpty) {
            s.setOldestPendingRelease(seq); // release: pairs with synchronize()'s oldestPendingAcquire
            s.markDirty(); // a sweep finds the list once the slot goes idle
        }
        if (l.size >= l.scanAt) {
            listFull(s);
        } else if (grownHint()) {
            handOff(s); // a grown table: a burst's slots go idle or are claimed again by sleeping guards
        }
        countRetire(s); // maintenance counted on retire: enter+close carries no countdown
    }

    /**
     * Frees every entry of {@code s}'s list that the scheme does not protect (every entry when {@code all}:
     * close, when no guard is open). The caller owns {@code s}.
     */
    @SuppressWarnings("unchecked")
    private int scan(SlotBase s, boolean all) {
        RetiredList l = s.list;
        // the domain's two lists: their thresholds and oldestPending are the domain scan's (scanDomainReleasing)
        boolean isDomain = s == domain || s == kept;
        int n = l.size;
        if (n == 0) {
            if (!isDomain) {
                l.scanAt = slotThreshold();
            }
            return -1;
        }
        int snap = -1;
        if (!all) {
            long base = retiredBase(); // volatile: before the slots the snapshot sums (as stats())
            scanFence(); // "heavy" side: pairs with the readers' publications (see notes and scanFence)
            // volatile, after the fence: a guard opened in a slot this table lacks claimed it after our read
            snap = snapshot((S) s, slotsVolatile());
            updatePeakFrom(base, s.retiredSeen); // plain: the sum the snapshot left in the scanner
        } else {
            updatePeak();
        }
        int threshold = slotThreshold();
        l.ensureFreeCapacity(n);
        long[] ptrs = l.pointers;
        Object[] acts = l.actions;
        long[] sizes = l.sizes;
        long[] seqs = l.seqs;
        long[] births = l.births;
        long[] eras = l.eras;
        long[] freeP = l.freePointers;
        Object[] freeA = l.freeActions;
        int keep = 0;
        int nf = 0;
        long freedBytes = 0;
        for (int i = 0; i < n; i++) {
            long p = ptrs[i];
            Object a = acts[i];
            boolean free;
            if (all) {
                free = true;
            } else if (p != 0) {
                free = !isProtected((S) s, snap, p, births[i], eras[i]);
            } else {
                free = ((Deferred) a).ready();
            }
            if (free) {
                freeP[nf] = p;
                freeA[nf] = a;
                nf++;
                freedBytes += sizes[i];
            } else {
                ptrs[keep] = p;
                acts[keep] = a;
                sizes[keep] = sizes[i];
                seqs[keep] = seqs[i];
                births[keep] = births[i];
                eras[keep] = eras[i];
                keep++;
            }
        }
        Arrays.fill(acts, keep, n, null);
        l.size = keep;
        if (!isDomain) {
            l.scanAt = keep + threshold;
        }
        if (nf > 0) {
            reclamation.runBatch(freeP, freeA, nf, freedBytes, currentEpoch(), keep, false);
            Arrays.fill(freeA, 0, nf, null);
        }
        if (!isDomain) {
            s.setOldestPendingRelease(keep == 0 ? Long.MAX_VALUE : seqs[0]); // release: after the deleters ran
        }
        if (keep > 0 && !all && reclamation.slowGuardEnabled()) {
            watchSlowGuards();
        }
        return snap;
    }

    /**
     * A scan kept garbage: times every open guard that may hold it back, by its generation (one per guard;
     * see GuardSlot), and reports one that stayed open across such scans for the slow-guard threshold. Runs
     * only while a recording enables the event; O(table), like the snapshot the scan just took.
     */
    @SuppressWarnings("unchecked")
    private void watchSlowGuards() {
        long now = System.nanoTime();
        for (GuardSlot g : slotsVolatile()) { // volatile: the current table
            SlotBase s = (SlotBase) g;
            if (!GuardSlot.isOpen(s.stateVolatile()) || !holdsBack((S) s)) { // volatile: pairs with the claim CAS
                continue;
            }
            long gen = s.generationVolatile(); // volatile: pairs with the owner's generation stores
            if (gen != s.watchedGeneration) { // plain: scanner-only bookkeeping, best effort
                s.watchedGeneration = gen; // plain: as above
                s.watchedSince = now; // plain: as above
                s.slowReported = false; // plain: as above
            } else if (!s.slowReported && now - s.watchedSince >= slowGuardNanos()) { // plain: as above
                s.slowReported = true; // plain: as above
                reclamation.slowGuard(s.holder(), now - s.watchedSince, reservedEpoch((S) s));
            }
        }
    }

    /**
     * Whether an open guard in {@code slot} may hold garbage back, for the slow-guard event; by default every
     * open guard does (a scheme whose idle guards protect nothing, hazard pointers, says so).
     *
     * @param slot an open slot
     * @return whether to time it
     */
    protected boolean holdsBack(S slot) {
        return true;
    }

    /**
     * The epoch or era a guard reserved, for the slow-guard event; -1 (the default) for schemes without one.
     *
     * @param slot an open slot
     * @return the reserved epoch or era, or -1
     */
    protected long reservedEpoch(S slot) {
        return -1;
    }

    // ---------------------------------------------------------------- flush / synchronize

    /**
     * Scans the retired lists of every slot whose guard is not open (stealing each briefly).
     *
     * @throws IllegalStateException if closed
     */
    public final void flush() {
        checkNotClosed("flush()");
        for (GuardSlot s : slots()) {
            if (s.stateVolatile() == GuardSlot.FREE && tryLock(s)) { // volatile: skip busy slots without a CAS
                try {
                    scan((SlotBase) s, false); // may throw an OutOfMemoryError growing its buffers
                } finally {
                    unlock(s); // a stolen slot is always given back: a LOCKED slot would stall synchronize()
                }
            }
        }
        scanDomain();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected final boolean synchronizeUntil(long deadline) {
        GuardSlot[] table = slots();
        long[] target = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            target[i] = table[i].retiredOpaque(); // opaque: every retire that happened-before us is counted
        }
        // Slots added by a concurrent grow() start empty, so their lists hold only later retires.
        long domainTarget = -1;
        int round = 0;
        while (true) {
            if (closeCompleted()) {
                return true; // close() ran every deleter
            }
            beforeSynchronizeRound();
            boolean done = true;
            for (int i = 0; i < table.length; i++) {
                S s = (S) table[i];
                if (s.oldestPendingAcquire() > target[i]) { // acquire: pairs with the release after the deleters ran
                    continue;
                }
                done = false;
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
                if (v == GuardSlot.FREE) {
                    if (tryLock(s)) {
                        try {
                            scan(s, false);
                        } finally {
                            unlock(s); // as in flush()
                        }
                    }
                } else if (GuardSlot.isOpen(v)) {
                    if (s.mayBeAbandoned(v) && recoverIfAbandoned(s)) {
                        continue;
                    }
                    if (s.requestOpaque() == 0) { // opaque: avoid re-writing a pending request
                        s.setRequestVolatile(1); // volatile: the owner's close() scans; Dekker with its read
                    }
                }
            }
            if (done && tryLockDomain()) {
                // no slot holds an entry from before the call: the rest are in the domain list, numbered
                // at most its count now (moved under the lock we hold; see the notes); a scan in flight
                // holds some of them: look again once it has published
                boolean held = true;
                try {
                    if (!scanning) {
                        S d = domain();
                        if (domainTarget < 0) {
                            domainTarget = d.retiredOpaque(); // opaque: our own lock orders it; plain would do
                        }
                        held = scanDomainReleasing();
                        // acquire: pairs with publishDomainOldest (held: the scan is complete)
                        if (held && d.oldestPendingAcquire() > domainTarget) {
                            return true;
                        }
                    }
                } finally {
                    if (held) {
                        unlockDomain();
                    }
                }
            }
            if (expired(deadline)) {
                return false;
            }
            SlotSupport.backoff(round++);
        }
    }
}
