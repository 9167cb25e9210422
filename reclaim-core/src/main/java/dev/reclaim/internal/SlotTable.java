package dev.reclaim.internal;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The slot machinery every list-based scheme (hazard pointers, the robust interval scheme) shares: a table of
 * padded {@link SlotBase}s claimed per guard, pooled {@link SlotGuard}s, per-slot retired lists with an
 * amortised scan, abandoned-guard recovery, {@code flush}, {@code synchronize}, {@code close} and the
 * counters behind {@code stats}. A scheme subclasses it with its slot type and its reclamation rule
 * ({@link #snapshot}, {@link #isProtected}); its {@link Reclaimer} delegates to it.
 *
 * @param <S> the scheme's slot type
 */
public abstract class SlotTable<S extends SlotBase> {

    /*
     * Implementation notes
     * ====================
     *
     * Slots
     * -----
     * A copy-on-write table of padded slots (doubled under tableLock when a probe finds no free slot; read
     * with acquire), claimed per guard (not per thread) by a CAS from a Fibonacci hash of the thread id; no
     * ThreadLocal, so virtual threads that unmount inside a guard and guards handed to another thread are
     * correct by construction. state = (generation << 2) | kind, kind FREE (0), OPEN (1) or LOCKED (2: held by
     * a stealer: flush, synchronize, close, recovery). enter() CASes FREE(g) -> OPEN(g+1); close() releases
     * FREE(g+1); a stealer CASes FREE(g) -> LOCKED(g) and releases FREE(g). repin() stores OPEN(g+1)
     * (volatile). The generation makes every open value unique, which defer() relies on. The claim CAS is
     * also the full fence (StoreLoad) a reader's later loads need after publishing that it is open.
     *
     *   FREE(g) --enter CAS--> OPEN(g+1) --repin--> OPEN(g+2) --close release--> FREE(g+2)
     *   FREE(g) --steal CAS--> LOCKED(g) --release--> FREE(g)
     *   OPEN(g) (guard unreachable) --recovery CAS under tableLock--> LOCKED(g) --release--> FREE(g)
     *
     * Invariant: while FREE a slot holds its guard strongly (freeGuard); while OPEN only the user does (the
     * slot keeps a WeakReference). An OPEN slot whose weak reference was cleared is abandoned: nobody can
     * close it, so recovery (slow paths only: stats, synchronize, close) takes it over under tableLock,
     * reports it, lets the scheme clear its protections (onRecovered) and puts a fresh guard in the slot.
     *
     * Retire and scan
     * ---------------
     * retire appends (pointer, deleter, size, seq, birth era, retire era) to the owning slot's list (plain:
     * owner only). When the list reaches scanAt the owner scans: the scheme takes its snapshot of what open
     * guards protect (after a full fence, the "heavy" side that pairs with the reader's volatile publish),
     * then the list is partitioned into kept entries (protected, or a deferred action not yet ready) and
     * freed ones (compacted in place, retire order kept); the freed deleters run, one Deleter.deleteAll per
     * run of consecutive entries with the same deleter. scanAt = kept + T with T = the scheme's threshold.
     * Lists of FREE slots are stolen (CAS FREE -> LOCKED) and scanned by flush(), synchronize() and close();
     * a slot's own list is scanned by its owner on retire and, when a synchronize() asked (scanRequest), on
     * close.
     *
     * defer(action): grace-period semantics (runs once every guard open at the call has closed): the action
     * is stored with a snapshot of the open slots' states (volatile reads); it is ready when each such slot's
     * state has changed (the generation makes states unique). The snapshot is allocated per defer.
     *
     * synchronize(): target[i] = slot i's retired counter at the call. Done when every slot's oldestPending
     * (seq of its first listed entry, Long.MAX_VALUE when empty; release-written after the deleters ran, read
     * with acquire) exceeds its target. Meanwhile it steals and scans FREE slots, sets scanRequest on OPEN
     * ones (their owner scans when closing) and recovers abandoned ones; the scheme's beforeSynchronizeRound
     * hook may advance its clock (eras). It refuses to run inside the caller's own guard (holderId).
     *
     * close(): writes closed (volatile), waits for open guards (Dekker with enter's claim CAS then read of
     * closed), then steals every slot and runs every entry regardless of protections (no guard is open)
     * until every list is empty; deleters may enter guards and retire meanwhile (drainingThread).
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE; retire = the plain
     * append (published by the slot's next release); a pointer's reclamation = the snapshot that missed it.
     */

    // ---------------------------------------------------------------- configuration

    private final String name;
    private final FailureHandler failureHandler;
    private final long closeTimeoutNanos;
    private final Reclaimer owner;

    // ---------------------------------------------------------------- shared state

    /** Slot table; replaced (never mutated in place) under tableLock. Accessed via SLOTS. */
    private volatile SlotBase[] slots;
    private final Object tableLock = new Object();
    private final AtomicLong reclaimed = new AtomicLong();
    private final AtomicLong reclaimedBytes = new AtomicLong();
    private final AtomicLong peakPending = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    /** Set (volatile) when close() starts; Dekker with enter(). */
    private volatile boolean closed;
    /** Set once close() has run every deleter. */
    private volatile boolean closeCompleted;
    /** The thread draining garbage in close(): its deleters may still enter guards and retire. */
    private volatile Thread drainingThread;
    private final Object closeLock = new Object();

    /**
     * Configures a table; the subclass calls {@link #start()} at the end of its constructor.
     *
     * @param owner        the reclaimer this table implements
     * @param name         the reclaimer's name
     * @param handler      where failures go
     * @param closeTimeout how long close() waits for open guards
     */
    protected SlotTable(Reclaimer owner, String name, FailureHandler handler, Duration closeTimeout) {
        this.owner = owner;
        this.name = name;
        this.failureHandler = handler;
        this.closeTimeoutNanos = closeTimeout.toNanos();
    }

    /** Builds the initial table: {@code max(16, 4 x cores)} slots rounded up to a power of two. */
    protected final void start() {
        int n = Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        SlotBase[] table = new SlotBase[n];
        for (int i = 0; i < n; i++) {
            table[i] = build(i, n);
        }
        SLOTS.setRelease(this, table); // release: pairs with slotsAcquire()
    }

    private SlotBase build(int index, int slotCount) {
        S s = newSlot(index);
        SlotGuard g = newGuard(s);
        s.freeGuard = g;
        s.guardRef = new WeakReference<>(g);
        s.list.scanAt = scanThreshold(slotCount);
        return s;
    }

    // ---------------------------------------------------------------- scheme hooks

    /**
     * Creates slot {@code index}.
     *
     * @param index the slot's index
     * @return a new slot
     */
    protected abstract S newSlot(int index);

    /**
     * Creates the guard of a slot (once per slot, and again when an abandoned guard was recovered).
     *
     * @param slot the slot
     * @return its guard
     */
    protected abstract SlotGuard newGuard(S slot);

    /**
     * The scan threshold T for a table of {@code slotCount} slots: retirements a slot collects between scans.
     *
     * @param slotCount the table's length
     * @return at least 1
     */
    protected abstract int scanThreshold(int slotCount);

    /**
     * Takes the scheme's snapshot of what open guards protect, into buffers of {@code scanner} (which the
     * caller owns). Called after a full fence (the "heavy" side).
     *
     * @param scanner the slot whose list is scanned
     * @param table   the current table
     * @return a count the scheme passes itself in {@link #isProtected}
     */
    protected abstract int snapshot(S scanner, SlotBase[] table);

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
     * Clears the protections of a slot whose guard was abandoned (its owner is gone). Called under the
     * table lock while the slot is LOCKED by the caller.
     *
     * @param slot the slot
     */
    protected void onRecovered(S slot) {
    }

    /** Called once per waiting round of {@code synchronize()}, before checking: lets a scheme advance its clock. */
    protected void beforeSynchronizeRound() {
    }

    // ---------------------------------------------------------------- enter / release

    /**
     * Claims a free slot for the calling thread and returns its guard, open. Allocates nothing unless the
     * table grows.
     *
     * @return the guard
     * @throws IllegalStateException if the reclaimer is closed
     */
    public final SlotGuard enter() {
        Thread t = Thread.currentThread();
        SlotBase[] table = slotsAcquire();
        int mask = table.length - 1;
        int start = SlotSupport.spread(t.threadId()) & mask;
        SlotBase home = table[start];
        long hv = home.stateOpaque(); // opaque: a hint; the CAS below validates it
        if (SlotBase.isFree(hv) && home.casState(hv, SlotBase.nextOpen(hv))) { // CAS: claims the home slot
            return claimed(home, t);
        }
        for (int i = 1; i <= mask; i++) {
            SlotBase s = table[(start + i) & mask];
            long v = s.stateOpaque(); // opaque: a hint; the CAS below validates it
            if (SlotBase.isFree(v) && s.casState(v, SlotBase.nextOpen(v))) { // CAS: claims the slot
                return claimed(s, t);
            }
        }
        return enterSlow(t);
    }

    private SlotGuard enterSlow(Thread t) {
        while (true) {
            checkNotClosed("enter()");
            SlotBase[] table = slotsAcquire();
            int mask = table.length - 1;
            int start = SlotSupport.spread(t.threadId()) & mask;
            for (int i = 0; i <= mask; i++) {
                SlotBase s = table[(start + i) & mask];
                long v = s.stateVolatile(); // volatile: as in enter()
                if (SlotBase.isFree(v) && s.casState(v, SlotBase.nextOpen(v))) { // CAS: claims the slot
                    return claimed(s, t);
                }
            }
            grow(table);
        }
    }

    private SlotGuard claimed(SlotBase s, Thread t) {
        if (closed && t != drainingThread) { // volatile reads: Dekker with close()'s write-then-scan
            s.setStateRelease(SlotBase.freeOf(s.state())); // release: undo the claim; pairs with close()'s scan
            throw closedException("enter()");
        }
        SlotGuard g = s.freeGuard; // plain: published by the releaser's store of FREE, acquired by our CAS
        s.freeGuard = null;
        s.holderId = t.threadId(); // plain: read by our own self-checks
        if (s.holder != t) {
            s.holder = t; // plain: diagnostics only; written on change to skip the GC barrier
        }
        g.open = true;
        return g;
    }

    /** Releases the slot of a closing guard (after the scheme's onClose). */
    final void release(SlotBase s, SlotGuard g) {
        if (s.scanRequestOpaque() != 0) { // opaque: a synchronize() waits for this slot's garbage
            answerScanRequest(s);
        }
        s.holderId = 0;  // plain: published by the release below (synchronize's self-check)
        s.freeGuard = g; // plain: published by the release below; the next claimer takes it after its CAS
        s.setStateRelease(SlotBase.freeOf(s.state())); // release: pairs with the claimer's CAS, scanners' reads
    }

    private void grow(SlotBase[] seen) {
        synchronized (tableLock) {
            if (slotsAcquire() != seen) {
                return;
            }
            SlotBase[] bigger = Arrays.copyOf(seen, seen.length * 2);
            for (int i = seen.length; i < bigger.length; i++) {
                bigger[i] = build(i, bigger.length);
            }
            SLOTS.setRelease(this, bigger); // release: pairs with slotsAcquire(); new slots are fully built
        }
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

    private void append(SlotBase s, long pointer, Object action, long sizeBytes, long birth, long era) {
        long seq = s.retired + 1; // plain: the owner reading its own counter
        s.setRetiredOpaque(seq); // opaque: summed by stats(), target of synchronize()
        if (sizeBytes != 0) {
            s.setRetiredBytesOpaque(s.retiredBytes + sizeBytes); // opaque: summed by stats()
        }
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

    final void defer(SlotBase s, Runnable action) {
        SlotBase[] table = slotsAcquire();
        long[] openStates = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            long v = table[i].stateVolatile(); // volatile: SC with the claim CAS of every guard open now
            if (SlotBase.isOpen(v)) {
                openStates[i] = v;
            }
        }
        append(s, 0, new Deferred(action, openStates), 0, 0, 0);
    }

    /** Scans the list of {@code s} (the caller owns the slot) and answers a pending synchronize() request. */
    private void answerScanRequest(SlotBase s) {
        scan(s, false);
        s.setScanRequestRelease(0); // release: the requester re-reads oldestPending (acquire) anyway
    }

    /**
     * Frees every entry of {@code s}'s list that the scheme does not protect (every entry when {@code all}:
     * close, when no guard is open). The caller owns {@code s}.
     */
    @SuppressWarnings("unchecked")
    private void scan(SlotBase s, boolean all) {
        RetiredList l = s.list;
        SlotBase[] table = slotsAcquire();
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
            runFreed(freeP, freeA, nf);
            Arrays.fill(freeA, 0, nf, null);
            reclaimed.addAndGet(nf);
            if (freedBytes != 0) {
                reclaimedBytes.addAndGet(freedBytes);
            }
        }
        s.setOldestPendingRelease(keep == 0 ? Long.MAX_VALUE : seqs[0]); // release: after the deleters ran
    }

    private void runFreed(long[] ptrs, Object[] acts, int n) {
        int i = 0;
        while (i < n) {
            // A run of consecutive entries with the same deleter goes through one deleteAll call.
            int end = i + 1;
            Object a = acts[i];
            if (ptrs[i] != 0) {
                while (end < n && acts[end] == a && ptrs[end] != 0) {
                    end++;
                }
            }
            if (end - i == 1) {
                try {
                    if (ptrs[i] != 0) {
                        ((Deleter) a).delete(ptrs[i]);
                    } else {
                        ((Deferred) a).action.run();
                    }
                } catch (Throwable e) {
                    failures.incrementAndGet();
                    report((ptrs[i] != 0 ? "deleter " + a + " of pointer 0x" + Long.toHexString(ptrs[i])
                            : "deferred action " + a) + " threw; the remaining deleters still ran", e);
                }
            } else {
                try {
                    ((Deleter) a).deleteAll(ptrs, i, end);
                } catch (Throwable e) {
                    int count = 1 + e.getSuppressed().length;
                    failures.addAndGet(count);
                    report("deleter " + a + " of " + (end - i) + " pointers (0x" + Long.toHexString(ptrs[i])
                            + " .. 0x" + Long.toHexString(ptrs[end - 1]) + ") threw (" + count
                            + " failures, the later ones suppressed); the remaining deleters still ran", e);
                }
            }
            i = end;
        }
    }

    private void updatePeak() {
        long p = pending();
        long cur;
        while (p > (cur = peakPending.get()) && !peakPending.compareAndSet(cur, p)) {
            Thread.onSpinWait();
        }
    }

    private long pending() {
        long r = 0;
        for (SlotBase s : slotsAcquire()) {
            r += s.retiredOpaque();
        }
        return Math.max(0, r - reclaimed.get());
    }

    // ---------------------------------------------------------------- abandoned guards

    @SuppressWarnings("unchecked")
    private boolean recoverIfAbandoned(SlotBase s) {
        synchronized (tableLock) {
            WeakReference<SlotGuard> ref = s.guardRef; // plain under tableLock: recoveries are serialized
            if (ref.get() != null) {
                return false;
            }
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS
            if (!SlotBase.isOpen(v) || !s.casState(v, SlotBase.lockedOf(SlotBase.freeOf(v)))) { // CAS: take it over
                return false;
            }
            Thread h = s.holder;
            failures.incrementAndGet();
            report("guard entered by " + SlotSupport.describeThread(h) + " was never closed (its thread died or it was"
                    + " dropped unclosed); it has been released. Close every guard with try-with-resources", null);
            onRecovered((S) s);
            answerScanRequest(s);
            SlotGuard g = newGuard((S) s);
            s.guardRef = new WeakReference<>(g);
            s.freeGuard = g;
            s.holderId = 0;
            s.setStateRelease(SlotBase.freeOf(v)); // release: publishes the new guard; pairs with the claim CAS
            return true;
        }
    }

    private void recoverAbandonedSlots() {
        for (SlotBase s : slotsAcquire()) {
            if (SlotBase.isOpen(s.stateVolatile()) && s.guardRef.get() == null) { // volatile: pairs with the claim CAS
                recoverIfAbandoned(s);
            }
        }
    }

    // ---------------------------------------------------------------- flush / synchronize

    /**
     * Scans the retired lists of every slot whose guard is not open (stealing each briefly).
     *
     * @throws IllegalStateException if closed
     */
    public final void flush() {
        checkNotClosed("flush()");
        for (SlotBase s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
            if (SlotBase.isFree(v) && s.casState(v, SlotBase.lockedOf(v))) { // CAS: steal a free slot
                scan(s, false);
                s.setStateRelease(v); // release: hands the slot back; pairs with the next claim CAS
            }
        }
    }

    /**
     * {@link Reclaimer#synchronize(Duration)}: waits until everything retired before the call is reclaimed.
     *
     * @param timeout how long at most, or null for no limit
     * @return whether it completed
     */
    public final boolean synchronize(Duration timeout) {
        long deadline = Long.MAX_VALUE;
        String op = "synchronize()";
        if (timeout != null) {
            long nanos = timeout.toNanos();
            long now = System.nanoTime();
            deadline = nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, nanos);
            op = "synchronize(timeout)";
        }
        checkNotClosed(op);
        checkNoOwnGuard(Thread.currentThread(), op);
        SlotBase[] table = slotsAcquire();
        long[] target = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            target[i] = table[i].retiredOpaque(); // opaque: every retire that happened-before us is counted
        }
        // Slots added by a concurrent grow() start empty, so their lists hold only later retires.
        int round = 0;
        while (true) {
            if (closeCompleted) {
                return true; // close() ran every deleter
            }
            beforeSynchronizeRound();
            boolean done = true;
            for (int i = 0; i < table.length; i++) {
                SlotBase s = table[i];
                if (s.oldestPendingAcquire() > target[i]) { // acquire: pairs with the release after the deleters ran
                    continue;
                }
                done = false;
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
                if (SlotBase.isFree(v)) {
                    if (s.casState(v, SlotBase.lockedOf(v))) { // CAS: steal; pairs with the releaser
                        scan(s, false);
                        s.setStateRelease(v); // release: pairs with the next claim CAS
                    }
                } else if (SlotBase.isOpen(v)) {
                    if (s.guardRef.get() == null && recoverIfAbandoned(s)) {
                        continue;
                    }
                    if (s.scanRequestOpaque() == 0) { // opaque: avoid re-writing a pending request
                        s.setScanRequestVolatile(1); // volatile: the owner's close() scans; Dekker with its read
                    }
                }
            }
            if (done) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            SlotSupport.backoff(round++);
        }
    }

    private void checkNoOwnGuard(Thread t, String op) {
        for (SlotBase s : slotsAcquire()) {
            // volatile state read, then plain holderId: a closer clears it before its release
            if (SlotBase.isOpen(s.stateVolatile()) && s.holderId == t.threadId()) {
                throw new IllegalStateException(op + " called on reclaimer '" + name + "' by thread \""
                        + t.getName() + "\" while it holds an open guard of it (it would wait for itself forever);"
                        + " close the guard first");
            }
        }
    }

    // ---------------------------------------------------------------- close

    /** {@link Reclaimer#close()}: waits for open guards, then runs every pending entry. */
    public final void close() {
        synchronized (closeLock) {
            if (closeCompleted) {
                throw new IllegalStateException("reclaimer '" + name + "' is already closed; close it exactly once");
            }
            Thread t = Thread.currentThread();
            checkNoOwnGuard(t, "close()");
            closed = true; // volatile write: Dekker with enter()'s claim-then-read
            waitForGuards(System.nanoTime() + closeTimeoutNanos);
            drainingThread = t; // volatile: lets this thread's deleters enter and retire while draining
            try {
                drainAll();
            } finally {
                drainingThread = null;
            }
            closeCompleted = true; // volatile: synchronize() waiters return
        }
    }

    private void waitForGuards(long deadline) {
        int round = 0;
        while (true) {
            boolean open = false;
            for (SlotBase s : slotsAcquire()) {
                if (SlotBase.isOpen(s.stateVolatile())) { // volatile: Dekker with the claim CAS
                    open = true;
                    break;
                }
            }
            if (!open) {
                return;
            }
            recoverAbandonedSlots();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(openGuardsMessage());
            }
            SlotSupport.backoff(round++);
        }
    }

    private String openGuardsMessage() {
        StringBuilder sb = new StringBuilder("reclaimer '").append(name).append("' could not close: guards were")
                .append(" still open after ").append(closeTimeoutNanos / 1_000_000).append(" ms. Close them (or")
                .append(" raise closeTimeout) and call close() again. Open guards:");
        for (SlotBase s : slotsAcquire()) {
            if (!SlotBase.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                continue;
            }
            GuardInfo info = info(s, 0, -1, true);
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
            boolean busy = false;
            for (SlotBase s : slotsAcquire()) {
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
                if (SlotBase.isFree(v) && s.casState(v, SlotBase.lockedOf(v))) { // CAS: steal
                    scan(s, true);
                    s.setStateRelease(v); // release: a racing enter may claim it and will see closed
                } else if (!SlotBase.isFree(v)) {
                    busy = true; // a transient claim undone by a racing enter(), or a draining deleter's guard
                }
            }
            if (!busy) {
                boolean empty = true;
                for (SlotBase s : slotsAcquire()) {
                    if (s.oldestPendingAcquire() != Long.MAX_VALUE) { // acquire: pairs with retire/scan releases
                        empty = false;
                        break;
                    }
                }
                if (empty) {
                    return;
                }
            }
            SlotSupport.backoff(round++);
        }
    }

    // ---------------------------------------------------------------- stats and diagnostics

    /**
     * The reclaimer's statistics; recovers abandoned guards first (unless closed).
     *
     * @param scheme      the scheme to report
     * @param epoch       the scheme's epoch or era, -1 if none
     * @param oldestGuard the scheme's choice of the guard holding back reclamation the longest
     * @return the snapshot
     */
    public final ReclaimerStats stats(Scheme scheme, long epoch, GuardInfo oldestGuard) {
        long retired = 0;
        long retiredBytes = 0;
        int open = 0;
        for (SlotBase s : slotsAcquire()) {
            retired += s.retiredOpaque();
            retiredBytes += s.retiredBytesOpaque();
            if (SlotBase.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                open++;
            }
        }
        long rec = reclaimed.get();
        long pendingCount = Math.max(0, retired - rec);
        long pendingBytes = Math.max(0, retiredBytes - reclaimedBytes.get());
        return new ReclaimerStats(name, scheme, retired, rec, pendingCount, pendingBytes,
                Math.max(pendingCount, peakPending.get()), epoch, open, oldestGuard, failures.get());
    }

    /** Recovers every abandoned guard now (stats() calls it before taking its snapshot). */
    public final void recoverAbandoned() {
        if (!closed) {
            recoverAbandonedSlots();
        }
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
    public static GuardInfo info(SlotBase s, long ageNanos, long epoch, boolean withStack) {
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
    public final SlotBase[] slots() {
        return slotsAcquire();
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
     * The reclaimer this table implements.
     *
     * @return the reclaimer
     */
    public final Reclaimer reclaimer() {
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

    private void report(String what, Throwable error) {
        SlotSupport.report(failureHandler, name, what, error);
    }

    private SlotBase[] slotsAcquire() {
        return (SlotBase[]) SLOTS.getAcquire(this); // acquire: pairs with the release in grow()/start()
    }

    // VarHandle mechanics
    private static final VarHandle SLOTS;

    static {
        try {
            SLOTS = MethodHandles.lookup().findVarHandle(SlotTable.class, "slots", SlotBase[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
