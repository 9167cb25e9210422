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
     * Slots: GuardTable's (claim, release, recovery, close). The open value is GuardSlot.OPEN.
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
     * caller owns). Called after {@link #scanFence()}.
     *
     * @param scanner the slot whose list is scanned
     * @param table   the current table
     * @return a count the scheme passes itself in {@link #isProtected}
     */
    protected abstract int snapshot(S scanner, GuardSlot[] table);

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
        s.list.scanAt = scanThreshold(tableLength);
        return s;
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

    final void defer(SlotBase s, Runnable action) {
        append(s, 0, Deferred.of(action, slots()), 0, 0, 0);
    }

    private void append(SlotBase s, long pointer, Object action, long sizeBytes, long birth, long era) {
        long seq = s.countRetired(sizeBytes);
        RetiredList l = s.list;
        boolean wasEmpty = l.size == 0;
        l.add(pointer, action, sizeBytes, seq, birth, era);
        if (wasEmpty) {
            s.setOldestPendingRelease(seq); // release: pairs with synchronize()'s oldestPendingAcquire
        }
        if (l.size >= l.scanAt) {
            scan(s, false);
        }
    }

    /**
     * Frees every entry of {@code s}'s list that the scheme does not protect (every entry when {@code all}:
     * close, when no guard is open). The caller owns {@code s}.
     */
    @SuppressWarnings("unchecked")
    private void scan(SlotBase s, boolean all) {
        RetiredList l = s.list;
        GuardSlot[] table = slots();
        int threshold = scanThreshold(table.length);
        int n = l.size;
        if (n == 0) {
            l.scanAt = threshold;
            return;
        }
        int snap = 0;
        if (!all) {
            scanFence(); // "heavy" side: pairs with the readers' publications (see notes and scanFence)
            snap = snapshot((S) s, table);
        }
        updatePeak();
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
                free = ((Deferred) a).ready(table);
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
        l.scanAt = keep + threshold;
        if (nf > 0) {
            reclamation.runAll(freeP, freeA, nf);
            Arrays.fill(freeA, 0, nf, null);
            reclamation.addReclaimed(nf, freedBytes);
        }
        s.setOldestPendingRelease(keep == 0 ? Long.MAX_VALUE : seqs[0]); // release: after the deleters ran
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
                scan((SlotBase) s, false);
                unlock(s);
            }
        }
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
                        scan(s, false);
                        unlock(s);
                    }
                } else if (GuardSlot.isOpen(v)) {
                    if (s.guardCollected() && recoverIfAbandoned(s)) {
                        continue;
                    }
                    if (s.requestOpaque() == 0) { // opaque: avoid re-writing a pending request
                        s.setRequestVolatile(1); // volatile: the owner's close() scans; Dekker with its read
                    }
                }
            }
            if (done) {
                return true;
            }
            if (expired(deadline)) {
                return false;
            }
            SlotSupport.backoff(round++);
        }
    }
}
