package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;
import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.internal.SlotSupport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hazard pointers (Michael 2004): a reader publishes each pointer it is about to dereference in a hazard
 * word of its guard; a retired pointer is freed by a scan once no hazard word holds it. One stalled reader
 * holds back at most the {@link Guard#PROTECT_SLOTS} pointers it protects, so pending garbage stays bounded
 * ({@link #garbageBound()}). See the package documentation for the user guide.
 *
 * <p>Each instance is one domain: create one per data structure ({@link #create()}, {@link #builder()}).
 * Every method is thread-safe; guards are not bound to threads.
 */
public final class HazardReclaimer implements Reclaimer {

    /*
     * Implementation notes
     * ====================
     *
     * Slots
     * -----
     * As in EpochReclaimer: a copy-on-write table of padded HazardSlots (doubled under tableLock when a probe
     * finds no free slot), claimed per guard (not per thread) by a CAS from a Fibonacci hash of the thread id;
     * no ThreadLocal. Slot.state = (generation << 2) | kind, kind FREE (0), OPEN (1) or LOCKED (2: held by a
     * stealer: flush, synchronize, close, recovery). enter() CASes FREE(g) -> OPEN(g+1); close() releases
     * FREE(g+1); a stealer CASes FREE(g) -> LOCKED(g) and releases FREE(g). repin() stores OPEN(g+1) (volatile).
     * The generation makes every open value unique, which defer() relies on. A slot owns its guard (pooled:
     * zero allocation per enter), its 4 hazard words (longs, tag bits masked), 4 object hazards and its retired
     * list. Abandoned guards (unreachable while open) are detected through the slot's WeakReference on slow
     * paths (stats, synchronize, close) and recovered under tableLock, as in EBR.
     *
     * Protect (reader, "light" side)          Scan (reclaimer, "heavy" side)
     *   p = load(addr)          acquire         unlink X (the data structure's CAS, volatile)
     *   H[i] = p & ~TAG         volatile store  retire X: append to the slot's list (plain, owner only)
     *   -- StoreLoad (the volatile store) --    fullFence()
     *   q = load(addr)          acquire         read every H[*] (volatile) into a sorted long[]
     *   q == p ? done : retry                   free every listed X not in the snapshot
     *
     * Why a validated pointer is never freed: suppose the reader's re-read q returned X (validated) and a
     * scan S frees X while the reader's hazard still holds X. The writer unlinked X (a volatile CAS U) before
     * retiring it; S's hazard reads come after its fullFence, after the retire, so U precedes them in the
     * synchronization order (SC: every access involved is volatile). The reader's publish W (volatile store)
     * precedes its re-read q in program order. Case 1: W precedes S's read of H[i] in the SC order: S reads
     * X (the hazard is unchanged until unprotect/close/reuse of index i) and keeps X -- contradiction.
     * Case 2: S's read of H[i] precedes W: then U precedes W, which precedes q, so q is ordered after the
     * unlink and cannot return X from addr -- unless X was linked into addr again, which for a retired node
     * requires its address to have been freed and reallocated, i.e. an earlier free that this same argument
     * excludes. Hence the reader only dereferences nodes that no scan frees until its hazard changes.
     * Java has no asymmetric fence (folly's light/heavy pair uses membarrier/FlushProcessWriteBuffers, which
     * the JDK does not expose), so the StoreLoad lives in protect as the volatile hazard store (x86: a
     * lock-prefixed store/xchg; AArch64: stlr, which the ldar of the re-read cannot pass). The fullFence in
     * scan orders the plain retire appends and the unlink before the hazard reads; one fence per scan.

     * ABA: protect compares the re-read word with the first one. If addr went X -> Y -> X between the loads,
     * the second X is a valid node (it is linked now, after our publish), so protecting it is correct. A
     * node's address can only be reused after it was freed, and it cannot be freed while our hazard equals it.
     * Tag bits are masked in the hazard and in the scan, so a tagged link protects the untagged node.
     *
     * Retire and scan
     * ---------------
     * retire appends (pointer, deleter, size, seq) to the owning slot's RetiredList (plain arrays, grown by
     * doubling, never shrunk: no allocation in steady state). When the list reaches scanAt, the owner scans:
     * snapshot the non-zero hazards of every slot (volatile reads) into a reused long[], sort it, and partition
     * the list into kept (pointer in the snapshot, or deferred action not yet ready) and freed entries
     * (compacted in place, retire order preserved); then run the freed deleters, one Deleter.deleteAll per run
     * of consecutive entries with the same deleter. scanAt = kept + T, T = max(R0, K x H), H = 4 x table
     * length (every hazard word that exists), K = 2, R0 = the builder's scanThreshold (default 64). Between two
     * scans of a slot at least T retires happen while a scan costs O(H log H + list length): amortised
     * O(log H) per retire. Lists of FREE slots are stolen (CAS FREE -> LOCKED) and scanned by flush(),
     * synchronize() and close(); a slot's own list is scanned by its owner on retire and, when a
     * synchronize() asked for it (scanRequest), on close.
     *
     * Garbage bound: after a scan a slot keeps at most H pointers (each equals a distinct published hazard:
     * an address is reused only after it was freed); before the next scan it gains fewer than T more. So a
     * slot holds at most H + T pending pointers, and the reclaimer at most S x (H + T) with S slots, H = 4S:
     * with the defaults on a machine with S = 16, 16 x (64 + 128) = 3072 pointers -- with or without a stalled
     * reader. Deferred actions are outside this bound (they wait for guards to close, like EBR).
     *
     * defer(action): grace period semantics (runs once every guard open at the call has closed): the action
     * is stored in the list with a snapshot of the open slots' states (volatile reads). It is ready when each
     * such slot's state has changed (closed, re-opened or repinned: the generation makes states unique). The
     * snapshot is allocated per defer (defer is not a hot path of the off-heap structures).
     *
     * synchronize(): target[i] = slot i's retired counter (its last sequence number) at the call. Done when
     * every slot's oldestPending (seq of the first entry still listed, Long.MAX_VALUE when empty; release-
     * written after the deleters ran, read with acquire) exceeds its target. Meanwhile it steals and scans
     * FREE slots, and sets scanRequest on OPEN ones so that their owner scans when closing (the slot's list
     * belongs to the guard while it is open). It refuses to run inside the caller's own guard (holderId).
     *
     * close(): writes closed (volatile), waits for open guards (Dekker with enter's claim-then-read of closed,
     * as in EBR), then steals every slot and runs every entry regardless of hazards (none are published: no
     * guard is open) until every list is empty; deleters may enter guards and retire meanwhile.
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE; protect = the
     * validating re-read; retire = the plain append (published by the slot's next release); a pointer's
     * reclamation = the scan's hazard snapshot that missed it.
     *
     * References: M. M. Michael, "Hazard pointers: safe memory reclamation for lock-free objects", IEEE TPDS
     * 2004; folly/synchronization/Hazptr.h (domains, amortised scan thresholds, light/heavy fence naming);
     * P2530 (hazard pointers for C++26).
     */

    /** Multiplier K of the scan threshold T = max(R0, K x H). */
    static final int K = 2;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    // ---------------------------------------------------------------- configuration

    private final String name;
    private final FailureHandler failureHandler;
    private final long closeTimeoutNanos;
    private final int r0;

    // ---------------------------------------------------------------- shared state

    /** Slot table; replaced (never mutated in place) under tableLock. Accessed via SLOTS. */
    private volatile HazardSlot[] slots;
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

    private HazardReclaimer(Builder b) {
        this.name = b.name != null ? b.name : "hp-" + INSTANCES.incrementAndGet();
        this.failureHandler = b.failureHandler;
        this.closeTimeoutNanos = b.closeTimeout.toNanos();
        this.r0 = b.scanThreshold;
        int n = Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        HazardSlot[] table = new HazardSlot[n];
        int t = threshold(n);
        for (int i = 0; i < n; i++) {
            table[i] = newSlot(i, t);
        }
        SLOTS.setRelease(this, table); // release: pairs with slotsAcquire()
    }

    private HazardSlot newSlot(int index, int threshold) {
        HazardSlot s = new HazardSlot(index, this);
        s.list.scanAt = threshold;
        return s;
    }

    // ---------------------------------------------------------------- factories

    /**
     * Creates a hazard-pointer domain with default settings. The caller owns it and must close it.
     *
     * @return a new reclaimer
     */
    public static HazardReclaimer create() {
        return builder().build();
    }

    /**
     * Starts configuring a reclaimer.
     *
     * @return a builder with the defaults documented on its setters
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The current bound on pending retired pointers: {@code S x (H + max(R0, K x H))} with {@code S} slots,
     * {@code H = 4 x S} hazard words, {@code K = 2} and {@code R0} the scan threshold. It holds whether or not
     * a reader stalls; it grows only when the slot table grows (more guards open at once than slots).
     * Deferred actions are not counted.
     *
     * @return the bound for the current slot table
     */
    public long garbageBound() {
        int s = slotsAcquire().length;
        long h = (long) Guard.PROTECT_SLOTS * s;
        return s * (h + threshold(s));
    }

    /** The scan threshold T = max(R0, K x H) for the current slot table (tests). */
    int scanThreshold() {
        return threshold(slotsAcquire().length);
    }

    private int threshold(int slotCount) {
        return Math.max(r0, K * Guard.PROTECT_SLOTS * slotCount);
    }

    // ---------------------------------------------------------------- enter

    @Override
    public Guard enter() {
        Thread t = Thread.currentThread();
        HazardSlot[] table = slotsAcquire();
        int mask = table.length - 1;
        int start = SlotSupport.spread(t.threadId()) & mask;
        HazardSlot home = table[start];
        long hv = home.stateOpaque(); // opaque: a hint; the CAS below validates it
        long ho = HazardSlot.nextOpen(hv);
        if (HazardSlot.isFree(hv) && home.casState(hv, ho)) { // CAS: claims the home slot (usually free)
            return claimed(home, ho, t);
        }
        for (int i = 1; i <= mask; i++) {
            HazardSlot s = table[(start + i) & mask];
            long v = s.stateOpaque(); // opaque: a hint; the CAS below validates it
            if (HazardSlot.isFree(v) && s.casState(v, HazardSlot.nextOpen(v))) { // CAS: claims the slot
                return claimed(s, HazardSlot.nextOpen(v), t);
            }
        }
        return enterSlow(t);
    }

    private Guard enterSlow(Thread t) {
        while (true) {
            checkNotClosed("enter()");
            HazardSlot[] table = slotsAcquire();
            int mask = table.length - 1;
            int start = SlotSupport.spread(t.threadId()) & mask;
            for (int i = 0; i <= mask; i++) {
                HazardSlot s = table[(start + i) & mask];
                long v = s.stateVolatile(); // volatile: as in enter()
                if (HazardSlot.isFree(v) && s.casState(v, HazardSlot.nextOpen(v))) { // CAS: claims the slot
                    return claimed(s, HazardSlot.nextOpen(v), t);
                }
            }
            grow(table);
        }
    }

    private Guard claimed(HazardSlot s, long openState, Thread t) {
        if (closed && t != drainingThread) { // volatile reads: Dekker with close()'s write-then-scan
            s.setStateRelease(HazardSlot.freeOf(openState)); // release: undo the claim; pairs with close()'s scan
            throw closedException("enter()");
        }
        HazardGuard g = s.freeGuard; // plain: published by the releaser's store of FREE, acquired by our CAS
        s.freeGuard = null;
        s.holderId = t.threadId(); // plain: read by our own self-checks
        if (s.holder != t) {
            s.holder = t; // plain: diagnostics only; written on change to skip the GC barrier
        }
        g.open = true;
        return g;
    }

    private void grow(HazardSlot[] seen) {
        synchronized (tableLock) {
            if (slotsAcquire() != seen) {
                return;
            }
            HazardSlot[] bigger = Arrays.copyOf(seen, seen.length * 2);
            int t = threshold(bigger.length);
            for (int i = seen.length; i < bigger.length; i++) {
                bigger[i] = newSlot(i, t);
            }
            SLOTS.setRelease(this, bigger); // release: pairs with slotsAcquire(); new slots are fully built
        }
    }

    // ---------------------------------------------------------------- retire / defer / scan

    void retire(HazardSlot s, long pointer, Object action, long sizeBytes) {
        long seq = s.retired + 1; // plain: the owner reading its own counter
        s.setRetiredOpaque(seq); // opaque: summed by stats(), target of synchronize()
        if (sizeBytes != 0) {
            s.setRetiredBytesOpaque(s.retiredBytes + sizeBytes); // opaque: summed by stats()
        }
        RetiredList l = s.list;
        boolean wasEmpty = l.size == 0;
        l.add(pointer, action, sizeBytes, seq);
        if (wasEmpty) {
            s.setOldestPendingRelease(seq); // release: pairs with synchronize()'s oldestPendingAcquire
        }
        if (l.size >= l.scanAt) {
            scan(s, false);
        }
    }

    void defer(HazardSlot s, Runnable action) {
        HazardSlot[] table = slotsAcquire();
        long[] openStates = new long[table.length];
        for (int i = 0; i < table.length; i++) {
            long v = table[i].stateVolatile(); // volatile: SC with the claim CAS of every guard open now
            if (HazardSlot.isOpen(v)) {
                openStates[i] = v;
            }
        }
        retire(s, 0, new Deferred(action, openStates), 0);
    }

    /** Scans the list of {@code s} (the caller owns the slot) and answers a pending synchronize() request. */
    void answerScanRequest(HazardSlot s) {
        scan(s, false);
        s.setScanRequestRelease(0); // release: the requester re-reads oldestPending (acquire) anyway
    }

    /**
     * Frees every entry of {@code s}'s list that no hazard protects (every entry when {@code all}: close, when
     * no guard is open). The caller owns {@code s}.
     */
    private void scan(HazardSlot s, boolean all) {
        RetiredList l = s.list;
        HazardSlot[] table = slotsAcquire();
        int threshold = threshold(table.length);
        int n = l.size;
        if (n == 0) {
            l.scanAt = threshold;
            return;
        }
        long[] hz = null;
        int nh = 0;
        if (!all) {
            VarHandle.fullFence(); // "heavy" fence: pairs with the volatile hazard store in protect (see notes)
            hz = l.hazardBuffer(table.length * Guard.PROTECT_SLOTS);
            for (HazardSlot t : table) {
                for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                    long h = t.hazardVolatile(i); // volatile: pairs with setHazardVolatile in protect
                    if (h != 0) {
                        hz[nh++] = h;
                    }
                }
            }
            if (nh > 1) {
                Arrays.sort(hz, 0, nh);
            }
        }
        updatePeak();
        l.ensureFreeCapacity(n);
        long[] ptrs = l.pointers;
        Object[] acts = l.actions;
        long[] sizes = l.sizes;
        long[] seqs = l.seqs;
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
                free = nh == 0 || Arrays.binarySearch(hz, 0, nh, p & ~Guard.TAG_MASK) < 0;
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
        for (HazardSlot s : slotsAcquire()) {
            r += s.retiredOpaque();
        }
        return Math.max(0, r - reclaimed.get());
    }

    // ---------------------------------------------------------------- abandoned guards

    private boolean recoverIfAbandoned(HazardSlot s) {
        synchronized (tableLock) {
            WeakReference<HazardGuard> ref = s.guardRef; // plain under tableLock: recoveries are serialized
            if (ref.get() != null) {
                return false;
            }
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS
            if (!HazardSlot.isOpen(v) || !s.casState(v, HazardSlot.lockedOf(HazardSlot.freeOf(v)))) { // CAS: take it over
                return false;
            }
            Thread h = s.holder;
            failures.incrementAndGet();
            report("guard entered by " + SlotSupport.describeThread(h) + " was never closed (its thread died or it was"
                    + " dropped unclosed); it has been released. Close every guard with try-with-resources", null);
            for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                s.setHazardRelease(i, 0); // release: unconditionally (the dead owner's writes were not acquired)
                s.setRefRelease(i, null); // release: as above
            }
            answerScanRequest(s);
            HazardGuard g = new HazardGuard(this, s);
            s.guardRef = new WeakReference<>(g);
            s.freeGuard = g;
            s.holderId = 0;
            s.setStateRelease(HazardSlot.freeOf(v)); // release: publishes the new guard; pairs with the claim CAS
            return true;
        }
    }

    private void recoverAbandonedSlots() {
        for (HazardSlot s : slotsAcquire()) {
            if (HazardSlot.isOpen(s.stateVolatile()) && s.guardRef.get() == null) { // volatile: pairs with the claim CAS
                recoverIfAbandoned(s);
            }
        }
    }

    // ---------------------------------------------------------------- flush / synchronize

    /**
     * Scans the retired lists of every slot whose guard is not open (stealing each briefly), freeing what no
     * hazard protects. Lists of open guards are scanned by their owners (when they fill up, or on close
     * while a {@link #synchronize()} waits).
     */
    @Override
    public void flush() {
        checkNotClosed("flush()");
        for (HazardSlot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
            if (HazardSlot.isFree(v) && s.casState(v, HazardSlot.lockedOf(v))) { // CAS: steal a free slot
                scan(s, false);
                s.setStateRelease(v); // release: hands the slot back; pairs with the next claim CAS
            }
        }
    }

    @Override
    public void synchronize() {
        synchronizeUntil(Long.MAX_VALUE, "synchronize()");
    }

    @Override
    public boolean synchronize(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long nanos = timeout.toNanos();
        long now = System.nanoTime();
        long deadline = nanos >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + Math.max(0, nanos);
        return synchronizeUntil(deadline, "synchronize(timeout)");
    }

    private boolean synchronizeUntil(long deadline, String op) {
        checkNotClosed(op);
        checkNoOwnGuard(Thread.currentThread(), op);
        HazardSlot[] table = slotsAcquire();
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
            boolean done = true;
            for (int i = 0; i < table.length; i++) {
                HazardSlot s = table[i];
                if (s.oldestPendingAcquire() > target[i]) { // acquire: pairs with the release after the deleters ran
                    continue;
                }
                done = false;
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
                if (HazardSlot.isFree(v)) {
                    if (s.casState(v, HazardSlot.lockedOf(v))) { // CAS: steal; pairs with the releaser
                        scan(s, false);
                        s.setStateRelease(v); // release: pairs with the next claim CAS
                    }
                } else if (HazardSlot.isOpen(v)) {
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
        for (HazardSlot s : slotsAcquire()) {
            // volatile state read, then plain holderId: as in EpochReclaimer (a closer clears it before its release)
            if (HazardSlot.isOpen(s.stateVolatile()) && s.holderId == t.threadId()) {
                throw new IllegalStateException(op + " called on reclaimer '" + name + "' by thread \""
                        + t.getName() + "\" while it holds an open guard of it (it would wait for itself forever);"
                        + " close the guard first");
            }
        }
    }

    /** Spin, then yield, then park with exponential backoff up to about 1 ms. */
    // ---------------------------------------------------------------- close

    @Override
    public void close() {
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
            for (HazardSlot s : slotsAcquire()) {
                if (HazardSlot.isOpen(s.stateVolatile())) { // volatile: Dekker with the claim CAS
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
        for (HazardSlot s : slotsAcquire()) {
            if (!HazardSlot.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                continue;
            }
            GuardInfo info = info(s, true);
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
            for (HazardSlot s : slotsAcquire()) {
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS / release of FREE
                if (HazardSlot.isFree(v) && s.casState(v, HazardSlot.lockedOf(v))) { // CAS: steal
                    scan(s, true);
                    s.setStateRelease(v); // release: a racing enter may claim it and will see closed
                } else if (!HazardSlot.isFree(v)) {
                    busy = true; // a transient claim undone by a racing enter(), or a draining deleter's guard
                }
            }
            if (!busy) {
                boolean empty = true;
                for (HazardSlot s : slotsAcquire()) {
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

    // ---------------------------------------------------------------- stats

    @Override
    public ReclaimerStats stats() {
        if (!closed) {
            recoverAbandonedSlots();
        }
        long retired = 0;
        long retiredBytes = 0;
        int open = 0;
        for (HazardSlot s : slotsAcquire()) {
            retired += s.retiredOpaque();
            retiredBytes += s.retiredBytesOpaque();
            if (HazardSlot.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                open++;
            }
        }
        long rec = reclaimed.get();
        long pendingCount = Math.max(0, retired - rec);
        long pendingBytes = Math.max(0, retiredBytes - reclaimedBytes.get());
        return new ReclaimerStats(name, Scheme.HP, retired, rec, pendingCount, pendingBytes,
                Math.max(pendingCount, peakPending.get()), -1, open, oldestGuard(false), failures.get());
    }

    /**
     * Describes an open guard, preferring one that currently protects a pointer. Hazard pointers keep no
     * timestamps (enter reads no clock), so the age is reported as 0 and the epoch as -1.
     *
     * @param withStack whether to capture the holder thread's current stack (costly)
     * @return an open guard, or null when none is open
     */
    public GuardInfo oldestGuard(boolean withStack) {
        HazardSlot found = null;
        for (HazardSlot s : slotsAcquire()) {
            if (!HazardSlot.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                continue;
            }
            if (found == null) {
                found = s;
            }
            for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                if (s.hazardVolatile(i) != 0 || s.refVolatile(i) != null) { // volatile: diagnostics
                    return info(s, withStack);
                }
            }
        }
        return found == null ? null : info(found, withStack);
    }

    private static GuardInfo info(HazardSlot s, boolean withStack) {
        Thread h = s.holder; // plain: racy diagnostics read
        StackTraceElement[] stack = withStack && h != null ? h.getStackTrace() : new StackTraceElement[0];
        return new GuardInfo(h == null ? "unknown" : h.getName(), h == null ? -1 : h.threadId(),
                h != null && h.isAlive(), 0, -1, stack);
    }

    // ---------------------------------------------------------------- misc

    @Override
    public Scheme scheme() {
        return Scheme.HP;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "HazardReclaimer[" + name + (closed ? ", closed]" : "]");
    }

    private void checkNotClosed(String op) {
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

    // ---------------------------------------------------------------- builder

    /** Configures a {@link HazardReclaimer}. */
    public static final class Builder {
        private String name;
        private FailureHandler failureHandler = FailureHandler.LOG;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private int scanThreshold = 64;

        private Builder() {
        }

        /**
         * The name for messages and statistics (default: {@code "hp-N"}).
         *
         * @param name the name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name must not be null");
            return this;
        }

        /**
         * Where deleters that throw and abandoned guards are reported (default {@link FailureHandler#LOG}).
         *
         * @param handler the handler
         * @return this builder
         */
        public Builder failureHandler(FailureHandler handler) {
            this.failureHandler = Objects.requireNonNull(handler, "failure handler must not be null");
            return this;
        }

        /**
         * How long {@link HazardReclaimer#close()} waits for open guards before failing (default 30 s).
         *
         * @param timeout a non-negative duration
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "closeTimeout must not be null");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("closeTimeout must not be negative, was " + timeout);
            }
            this.closeTimeout = timeout;
            return this;
        }

        /**
         * Tuning knob and test seam: R0, the smallest number of retirements a slot collects between two scans
         * (default 64). The scan threshold is {@code max(R0, 2 x hazard words)}; a small R0 with few slots
         * makes scans frequent, which tests use to exercise them.
         *
         * @param r0 at least 1
         * @return this builder
         */
        public Builder scanThreshold(int r0) {
            if (r0 < 1) {
                throw new IllegalArgumentException("scanThreshold must be at least 1, was " + r0);
            }
            this.scanThreshold = r0;
            return this;
        }

        /**
         * Creates the reclaimer.
         *
         * @return a new reclaimer; the caller owns it and must close it
         */
        public HazardReclaimer build() {
            return new HazardReclaimer(this);
        }
    }

    // ---------------------------------------------------------------- accessors

    private HazardSlot[] slotsAcquire() {
        return (HazardSlot[]) SLOTS.getAcquire(this); // acquire: pairs with the release in grow()/constructor
    }

    // VarHandle mechanics
    private static final VarHandle SLOTS;

    static {
        try {
            SLOTS = MethodHandles.lookup().findVarHandle(HazardReclaimer.class, "slots", HazardSlot[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
