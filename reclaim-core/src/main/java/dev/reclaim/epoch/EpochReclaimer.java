package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;
import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Epoch-based reclamation (EBR): readers pin the global epoch while inside a {@link Guard}; garbage retired
 * at epoch {@code e} is freed once the global epoch reaches {@code e + 2}, which it can only do after every
 * guard pinned at {@code e} or earlier has closed. See the package documentation for the user guide.
 *
 * <p>Create one per data structure ({@link #create()}, {@link #builder()}), or share the process-wide
 * {@link #global()} instance. Every method is thread-safe; guards are not bound to threads.
 */
public final class EpochReclaimer implements Reclaimer {

    /*
     * Implementation notes
     * ====================
     *
     * Guard slots, not thread-locals
     * ------------------------------
     * The reclaimer owns a table of padded Slots (copy-on-write array, doubled under `tableLock` when a probe
     * finds no free slot; read with acquire). Slot.state is FREE (0), LOCKED (2: held by a stealer: flush,
     * synchronize, close or abandoned-guard recovery) or a pin ((epoch << 1) | 1). enter() reads the global
     * epoch e, picks a start index from a Fibonacci hash of the thread id and probes for a FREE slot, claiming
     * it with CAS(FREE -> pin(e)). That single volatile CAS both takes exclusive ownership of the slot (its
     * guard, bag and counters) and publishes the pin. No ThreadLocal exists: a virtual thread that unmounts,
     * or a guard handed to another thread, keeps working because everything lives in the slot; a thread that
     * dies cannot strand garbage because the bag is the slot's, not the thread's.
     *
     * State machine of a slot:  FREE --enter CAS--> PINNED(e) --repin--> PINNED(e') --close release--> FREE
     *                           FREE --steal CAS--> LOCKED --release--> FREE
     *                           PINNED (guard unreachable) --recovery CAS under tableLock--> LOCKED
     * Invariant: while FREE, slot.freeGuard holds the slot's guard strongly; while PINNED only the user does
     * (the slot keeps a WeakReference). A PINNED slot whose weak reference was cleared is abandoned: nobody
     * can close it any more (the guard object is gone), so recovery may take it over. Detecting this needs a
     * GC; it is checked only on slow paths (a failed advance, stats(), synchronize()/close() waits).
     * Recovery runs under tableLock so that two recoverers cannot ABA on the same pin value.
     *
     * Pin vs. advance (why "free at seal epoch + 2" is safe)
     * ------------------------------------------------------
     * All accesses involved are volatile (pin CAS, repin setVolatile, global epoch reads and CAS, the
     * advancer's scan reads), so they are totally ordered (SC). A writer unlinks X, then retires it into its
     * slot's bag; the bag is sealed later with s = a volatile read of the global epoch (sealing later than
     * retiring is only more conservative). The advancer moves the epoch from g to g+1 only after a scan that
     * saw every pinned slot at g. Suppose X is freed: the global epoch went s+1 -> s+2 after a scan S. Take a
     * reader R that could dereference X: R pinned with a CAS P carrying epoch p read before P.
     *  - If P precedes S in SC order, S saw R pinned (R is still pinned: it uses X), so p == s+1; R read
     *    p == s+1, which was written after the sealer read s, hence after the unlink: R cannot reach X.
     *  - If S precedes P, the unlink precedes P as well (unlink -> seal read s -> write of s+1 -> S), and
     *    R's loads after P see the unlink: R cannot reach X either.
     * A stale pin (p older than the global epoch) only blocks advancing: conservative.
     * The reader side needs its loads ordered after the pin CAS (StoreLoad). HotSpot implements a volatile
     * CAS as a two-way full fence on every port (x86 lock cmpxchg; AArch64 casal/ldaxr-stlxr with ldar for
     * later acquire loads, which RCsc keeps after the release), so, like crossbeam-epoch on x86 (which uses
     * a SeqCst read-modify-write instead of a separate fence), no extra fullFence is issued after the claim;
     * enter() also performs a volatile read of `closed` right after the CAS, which later acquire loads cannot
     * move above. The advancer's scan uses volatile reads (not just acquire) so that it is in the SC order.
     *
     * Closing (Dekker): enter() claims (volatile CAS) then reads `closed` (volatile); close() writes `closed`
     * (volatile) then scans the states (volatile). Either the entering thread sees closed and undoes its
     * claim, or close() sees the pin and waits for it.
     *
     * Garbage
     * -------
     * retire() appends to the slot's bag with plain writes (the pinned slot is exclusively owned; the bag's
     * size is release-stored so that abandoned-guard recovery, which has no other edge, sees the entries).
     * A full bag is sealed with the global epoch read after the retire and pushed onto `sealed`, an intrusive
     * Treiber stack (push: CAS; take: getAndSet(null) of the whole list, so there is no ABA). The slot gets an
     * empty bag from the pool (a stack guarded by a try-lock: a retirer that loses the race allocates rather
     * than waits, so it never blocks; the pool is capped so it cannot grow without bound).
     * Collection: one collector at a time (CAS on `collecting`) takes the whole sealed stack, runs the
     * deleters of bags with sealEpoch <= global - 2, recycles them, and pushes the rest back as one chain.
     * Counters: per-slot retired/retiredBytes (owner writes, opaque), shared reclaimed/reclaimedBytes
     * (getAndAdd once per bag), peakPending updated by the collector.
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE; retire = the plain
     * append (published later by the bag's seal and push); advance = the CAS of the global epoch.
     *
     * Garbage bound: while a guard stalls, unbounded (the epoch cannot advance). Otherwise at most about
     * slots x bagCapacity unsealed entries, plus two epochs' worth of sealed bags.
     *
     * References: K. Fraser, "Practical lock-freedom", 2004 (EBR); crossbeam-epoch (Rust) internals;
     * T. Hart et al., "Performance of memory reclamation for lockless synchronization", JPDC 2007.
     *
     * Deviations from the original brief, with reasons:
     *  - Slot.holder is also cleared on close (not only written when it changes): synchronize()'s
     *    "do I hold a guard?" check would otherwise see its own stale thread in a slot just re-pinned by
     *    another thread that has not written holder yet. Both stores hit the line the CAS already owns.
     *  - Guard ages are lower bounds: a guard pinned at e < global has been open at least since epoch e+1
     *    started (its start time is recorded when the epoch advances); a guard at the current epoch reports
     *    age 0. Using the start of epoch e would overstate the age when the epoch was idle.
     */

    private static final long FREE = Slot.FREE;
    private static final long LOCKED = Slot.LOCKED;
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final jdk.jfr.EventType RECLAIM_EVENT = jdk.jfr.EventType.getEventType(ReclaimBatchEvent.class);
    private static final jdk.jfr.EventType SLOW_GUARD_EVENT = jdk.jfr.EventType.getEventType(SlowGuardEvent.class);

    // ---------------------------------------------------------------- configuration

    private final String name;
    private final FailureHandler failureHandler;
    private final long closeTimeoutNanos;
    private final long slowGuardNanos;
    private final int bagCapacity;
    private final int advanceEvery;
    private final boolean isGlobal;

    // ---------------------------------------------------------------- shared state

    /** Global epoch, padded against the fields below (read on every enter). */
    private final EpochCell global = new EpochCell();
    /** Slot table; replaced (never mutated in place) under tableLock. Accessed via SLOTS. */
    private volatile Slot[] slots;
    private final Object tableLock = new Object();
    /** Head of the sealed-bag stack. Accessed via SEALED. */
    private volatile Bag sealed;
    /** 1 while a collector runs. Accessed via COLLECTING. */
    private volatile int collecting;
    /** 1 while a thread uses the empty-bag pool. Accessed via POOL_LOCK. */
    private volatile int poolLock;
    private Bag poolHead;   // plain: guarded by poolLock
    private int poolSize;   // plain: guarded by poolLock
    /** Start time (System.nanoTime) of epoch e at index e & 3; written by the advancer after its CAS. */
    private final AtomicLongArray epochStart = new AtomicLongArray(4);
    /** Accessed via RECLAIMED / RECLAIMED_BYTES (getAndAdd per bag). */
    private volatile long reclaimed;
    private volatile long reclaimedBytes;
    /** Largest pending seen by the collector. Accessed via PEAK_PENDING. */
    private volatile long peakPending;
    /** Deleters that threw plus abandoned guards. Accessed via FAILURES. */
    private volatile long failures;

    /** Set (volatile) when close() starts; see the Dekker note. */
    private volatile boolean closed;
    /** Set once close() has run every deleter. */
    private volatile boolean closeCompleted;
    /** The thread draining garbage in close(): its deleters may still enter guards and retire. */
    private volatile Thread drainingThread;
    private final Object closeLock = new Object();

    private EpochReclaimer(Builder b, boolean isGlobal) {
        this.name = b.name != null ? b.name : "ebr-" + INSTANCES.incrementAndGet();
        this.failureHandler = b.failureHandler;
        this.closeTimeoutNanos = b.closeTimeout.toNanos();
        this.slowGuardNanos = b.slowGuardThreshold.toNanos();
        this.bagCapacity = b.bagCapacity;
        this.advanceEvery = b.advanceEvery;
        this.isGlobal = isGlobal;
        int n = Integer.highestOneBit(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        Slot[] table = new Slot[n];
        for (int i = 0; i < n; i++) {
            table[i] = new Slot(i, this, advanceEvery);
        }
        long now = System.nanoTime();
        for (int i = 0; i < 4; i++) {
            epochStart.set(i, now); // volatile: publication via the final field / SLOTS release below
        }
        SLOTS.setRelease(this, table); // release: pairs with slotsAcquire()
    }

    // ---------------------------------------------------------------- factories

    /**
     * Creates a per-structure reclaimer with default settings. The caller owns it and must close it.
     *
     * @return a new reclaimer
     */
    public static EpochReclaimer create() {
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
     * The process-wide reclaimer, created on first use. It cannot be closed by users: a JVM shutdown hook
     * closes it at exit and runs every pending deleter (disable the hook with
     * {@code -Dreclaim.epoch.global.shutdownHook=false}; garbage still pending at exit is then dropped with
     * the process).
     *
     * @return the global reclaimer, named {@code "global"}
     */
    public static EpochReclaimer global() {
        return GlobalHolder.INSTANCE;
    }

    private static final class GlobalHolder {
        static final EpochReclaimer INSTANCE = createGlobal();

        private static EpochReclaimer createGlobal() {
            EpochReclaimer r = new EpochReclaimer(new Builder().name("global"), true);
            if (!"false".equalsIgnoreCase(System.getProperty("reclaim.epoch.global.shutdownHook", "true"))) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("reclaim-epoch-global-exit")
                        .unstarted(r::closeAtExit));
            }
            return r;
        }
    }

    /** Shutdown hook body: closes the global reclaimer, waiting at most 2 s for guards still open at exit. */
    private void closeAtExit() {
        try {
            closeInternal(Math.min(closeTimeoutNanos, 2_000_000_000L));
        } catch (RuntimeException e) {
            report("closing the global reclaimer at JVM exit failed; garbage still pending is dropped with the"
                    + " process", e);
        }
    }

    // ---------------------------------------------------------------- enter / close

    @Override
    public Guard enter() {
        long pin = Slot.pinOf(global.epochVolatile()); // volatile: SC with the advancer's CAS (see notes)
        Thread t = Thread.currentThread();
        Slot[] table = slotsAcquire();
        int mask = table.length - 1;
        int start = spread(t.threadId()) & mask;
        for (int i = 0; i <= mask; i++) {
            Slot s = table[(start + i) & mask];
            if (s.stateOpaque() == FREE && s.casState(FREE, pin)) { // CAS: claims and publishes the pin
                return claimed(s, t);
            }
        }
        return enterSlow(t);
    }

    private Guard enterSlow(Thread t) {
        while (true) {
            checkNotClosed("enter()");
            Slot[] table = slotsAcquire();
            long pin = Slot.pinOf(global.epochVolatile()); // volatile: as in enter()
            int mask = table.length - 1;
            int start = spread(t.threadId()) & mask;
            for (int i = 0; i <= mask; i++) {
                Slot s = table[(start + i) & mask];
                if (s.stateOpaque() == FREE && s.casState(FREE, pin)) { // CAS: as in enter()
                    return claimed(s, t);
                }
            }
            grow(table);
        }
    }

    private Guard claimed(Slot s, Thread t) {
        if (closed && t != drainingThread) { // volatile reads: Dekker with close()'s write-then-scan
            s.setStateRelease(FREE); // release: undo the claim; pairs with close()'s volatile scan
            throw closedException("enter()");
        }
        EpochGuard g = s.freeGuard; // plain: published by the releaser's store of FREE, acquired by our CAS
        s.freeGuard = null;
        if (s.holder != t) {
            s.holder = t; // plain: read racily for diagnostics; synchronize's self-check reads its own write
        }
        g.open = true;
        s.setPinSeqOpaque(s.pinSeqOpaque() + 1); // opaque: read by scanners for once-per-pin reporting
        if (--s.advanceCountdown <= 0) {
            s.advanceCountdown = advanceEvery;
            maintain();
        }
        return g;
    }

    private static int spread(long threadId) {
        return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 32);
    }

    private void grow(Slot[] seen) {
        synchronized (tableLock) {
            if (slotsAcquire() != seen) {
                return;
            }
            Slot[] bigger = java.util.Arrays.copyOf(seen, seen.length * 2);
            for (int i = seen.length; i < bigger.length; i++) {
                bigger[i] = new Slot(i, this, advanceEvery);
            }
            SLOTS.setRelease(this, bigger); // release: pairs with slotsAcquire(); new slots are fully built
        }
    }

    void repin(Slot s) {
        long v = Slot.pinOf(global.epochVolatile()); // volatile: as in enter()
        s.setStateVolatile(v); // volatile: republish; pairs with the advancer's volatile scan read
    }

    // ---------------------------------------------------------------- retire

    void retire(Slot s, long pointer, Object action, long sizeBytes) {
        s.setRetiredOpaque(s.retired + 1);                    // opaque: summed by stats()
        if (sizeBytes != 0) {
            s.setRetiredBytesOpaque(s.retiredBytes + sizeBytes); // opaque: summed by stats()
        }
        Bag b = s.bag;
        if (b == null || b.isFull()) {
            b = replaceBag(s, b);
        }
        b.add(pointer, action, sizeBytes);
    }

    private Bag replaceBag(Slot s, Bag full) {
        Bag fresh = takeEmptyBag();
        s.bag = fresh;
        if (full != null) {
            full.sealEpoch = global.epochVolatile(); // volatile: read after the retires (see notes)
            pushSealed(full, full);
            maintain();
        }
        return fresh;
    }

    /** Seals the bag of a slot the caller owns (pinned by it, or LOCKED by it), if non-empty. */
    private void sealSlotBag(Slot s) {
        Bag b = s.bag;
        if (b != null && b.sizeAcquire() > 0) { // acquire: pairs with Bag.add's release (recovery case)
            s.bag = null;
            b.sealEpoch = global.epochVolatile(); // volatile: read after the retires
            pushSealed(b, b);
        }
    }

    private void pushSealed(Bag first, Bag last) {
        while (true) {
            Bag head = sealedVolatile();
            last.next = head; // plain: published by the CAS below
            if (casSealed(head, first)) {
                return;
            }
        }
    }

    private Bag takeEmptyBag() {
        if (casPoolLock(0, 1)) {
            Bag b = poolHead;
            if (b != null) {
                poolHead = b.next;
                poolSize--;
                b.next = null;
            }
            setPoolLockRelease(0);
            if (b != null) {
                return b;
            }
        }
        return new Bag(bagCapacity);
    }

    private void recycle(Bag b) {
        b.clear();
        if (casPoolLock(0, 1)) {
            if (poolSize < 16 + 2 * slotsAcquire().length) {
                b.next = poolHead;
                poolHead = b;
                poolSize++;
            }
            setPoolLockRelease(0);
        }
    }

    // ---------------------------------------------------------------- advance / collect

    /** Tries to advance the epoch, then collects what is safe. Never blocks. */
    private void maintain() {
        tryAdvance();
        if (casCollecting(0, 1)) {
            try {
                collect(false);
            } finally {
                setCollectingRelease(0);
            }
        }
    }

    /**
     * Advances the global epoch by one if every pinned slot is at the current epoch.
     *
     * @return whether the epoch is now larger than when the call started
     */
    private boolean tryAdvance() {
        long g = global.epochVolatile(); // volatile: SC with pins (see notes)
        Slot[] table = slotsAcquire();
        for (Slot s : table) {
            long v = s.stateVolatile(); // volatile: Dekker with the pin CAS / repin store
            if (Slot.isPinned(v) && Slot.epochOf(v) != g) {
                onBlocked(s, v, g);
                return global.epochVolatile() != g; // volatile: someone else may have advanced
            }
        }
        if (global.casEpoch(g, g + 1)) { // volatile CAS: the advance; pairs with the pins' volatile reads
            epochStart.set((int) ((g + 1) & 3), System.nanoTime()); // volatile: read by guard-age estimates
            return true;
        }
        return true; // the CAS failed because another thread advanced
    }

    /** Slow path when slot {@code s} (pinned at an older epoch) blocks an advance from {@code g}. */
    private void onBlocked(Slot s, long v, long g) {
        if (s.guardRef.get() == null) {
            recoverIfAbandoned(s);
            return;
        }
        if (slowGuardNanos >= 0 && SLOW_GUARD_EVENT.isEnabled()) {
            long age = System.nanoTime() - epochStart.get((int) (g & 3)); // volatile: written by the advancer
            long seq = s.pinSeqOpaque(); // opaque: pairs with setPinSeqOpaque in claimed()
            if (age >= slowGuardNanos && s.slowReportedSeq != seq) {
                s.slowReportedSeq = seq; // plain: best-effort dedupe among scanners
                SlowGuardEvent ev = new SlowGuardEvent();
                if (ev.shouldCommit()) {
                    Thread h = s.holder;
                    ev.reclaimer = name;
                    ev.thread = h == null ? "unknown" : h.getName();
                    ev.age = age;
                    ev.epoch = Slot.epochOf(v);
                    ev.commit();
                }
            }
        }
    }

    /**
     * Runs ready bags (or all bags when {@code all}). The caller holds the collector flag.
     *
     * @return the number of bags that are still pending
     */
    private int collect(boolean all) {
        long g = global.epochVolatile(); // volatile: bags sealed at <= g - 2 are past their grace period
        Bag list = getAndSetSealed(null);
        Bag keepHead = null;
        Bag keepTail = null;
        int kept = 0;
        boolean ran = false;
        while (list != null) {
            Bag next = list.next;
            if (all || list.sealEpoch <= g - 2) {
                if (!ran) {
                    updatePeak(); // the backlog at this reclamation step, before it shrinks
                    ran = true;
                }
                runBag(list, g);
                recycle(list);
            } else {
                list.next = keepHead;
                keepHead = list;
                if (keepTail == null) {
                    keepTail = list;
                }
                kept++;
            }
            list = next;
        }
        if (keepHead != null) {
            pushSealed(keepHead, keepTail);
        }
        return kept;
    }

    private void runBag(Bag b, long epoch) {
        int n = b.sizeAcquire(); // acquire: pairs with Bag.add's release
        boolean event = RECLAIM_EVENT.isEnabled();
        ReclaimBatchEvent ev = null;
        if (event) {
            ev = new ReclaimBatchEvent();
            ev.begin();
        }
        for (int i = 0; i < n; i++) {
            try {
                b.run(i);
            } catch (Throwable e) {
                addFailures(1);
                report(b.describe(i) + " threw; the remaining deleters still ran", e);
            }
        }
        addReclaimed(n, b.bytes);
        if (ev != null) {
            ev.end();
            if (ev.shouldCommit()) {
                ev.reclaimer = name;
                ev.epoch = epoch;
                ev.count = n;
                ev.bytes = b.bytes;
                ev.commit();
            }
        }
    }

    private void updatePeak() {
        long pending = pending();
        long peak;
        while (pending > (peak = peakPendingVolatile()) && !casPeakPending(peak, pending)) {
            Thread.onSpinWait();
        }
    }

    private long pending() {
        long r = 0;
        for (Slot s : slotsAcquire()) {
            r += s.retiredOpaque();
        }
        return Math.max(0, r - reclaimedVolatile());
    }

    // ---------------------------------------------------------------- abandoned guards

    /** If {@code s} is pinned and its guard object was garbage-collected, reports and releases it. */
    private boolean recoverIfAbandoned(Slot s) {
        synchronized (tableLock) {
            WeakReference<EpochGuard> ref = s.guardRef; // plain under tableLock: recoveries are serialized
            if (ref.get() != null) {
                return false;
            }
            long v = s.stateVolatile(); // volatile: pairs with the pin CAS
            if (!Slot.isPinned(v) || !s.casState(v, LOCKED)) { // CAS: only an unreachable guard could change it
                return false;
            }
            Thread h = s.holder;
            addFailures(1);
            report("guard entered by " + describeThread(h) + " was never closed (its thread died or it was"
                    + " dropped unclosed); it has been released. Close every guard with try-with-resources", null);
            sealSlotBag(s);
            EpochGuard g = new EpochGuard(this, s);
            s.guardRef = new WeakReference<>(g);
            s.freeGuard = g;
            s.holder = null;
            s.setStateRelease(FREE); // release: publishes the new guard; pairs with the claimer's CAS
            return true;
        }
    }

    private void recoverAbandonedSlots() {
        for (Slot s : slotsAcquire()) {
            if (Slot.isPinned(s.stateVolatile()) && s.guardRef.get() == null) { // volatile: pairs with pin CAS
                recoverIfAbandoned(s);
            }
        }
    }

    private static String describeThread(Thread h) {
        if (h == null) {
            return "an unknown thread";
        }
        return "thread \"" + h.getName() + "\" (id " + h.threadId() + (h.isAlive() ? ", alive)" : ", dead)");
    }

    // ---------------------------------------------------------------- flush / synchronize

    @Override
    public void flush() {
        checkNotClosed("flush()");
        Thread t = Thread.currentThread();
        for (Slot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE
            if (v == FREE) {
                if (s.casState(FREE, LOCKED)) { // CAS: steal a free slot; pairs with close()'s release
                    sealSlotBag(s);
                    s.setStateRelease(FREE); // release: hands the slot back; pairs with the next claim CAS
                }
            } else if (Slot.isPinned(v) && s.holder == t) {
                sealSlotBag(s); // our own guard's slot: we own it
            }
        }
        maintain();
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
        Thread t = Thread.currentThread();
        checkNoOwnGuard(t, op);
        // Phase 1: seal every slot's bag (waiting for pinned slots to be released).
        for (Slot s : slotsAcquire()) {
            int round = 0;
            while (true) {
                long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE
                if (v == FREE && s.casState(FREE, LOCKED)) { // CAS: steal; pairs with the releaser
                    sealSlotBag(s);
                    s.setStateRelease(FREE); // release: pairs with the next claim CAS
                    break;
                }
                if (closeCompleted) {
                    return true; // close() ran every deleter
                }
                if (Slot.isPinned(v) && s.guardRef.get() == null && recoverIfAbandoned(s)) {
                    break; // recovery sealed its bag
                }
                if (System.nanoTime() - deadline > 0) {
                    return false;
                }
                backoff(round++);
            }
        }
        // Slots added by a concurrent grow() start empty, so their bags hold only later retires.
        long e1 = global.epochVolatile(); // volatile: every bag sealed so far has sealEpoch <= e1
        // Phase 2: advance to e1 + 2, then collect once while holding the collector flag.
        int round = 0;
        while (true) {
            if (closeCompleted) {
                return true;
            }
            long g = global.epochVolatile(); // volatile: as above
            if (g >= e1 + 2) {
                if (casCollecting(0, 1)) {
                    try {
                        collect(false);
                    } finally {
                        setCollectingRelease(0);
                    }
                    return true;
                }
            } else if (tryAdvance()) {
                round = 0;
                continue;
            } else {
                recoverAbandonedSlots();
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            backoff(round++);
        }
    }

    private void checkNoOwnGuard(Thread t, String op) {
        for (Slot s : slotsAcquire()) {
            if (Slot.isPinned(s.stateVolatile()) && s.holder == t) { // volatile; holder is our own write
                throw new IllegalStateException(op + " called on reclaimer '" + name + "' by thread \""
                        + t.getName() + "\" while it holds an open guard of it (it would wait for itself forever);"
                        + " close the guard first");
            }
        }
    }

    /** Spin, then yield, then park with exponential backoff up to about 1 ms. */
    private static void backoff(int round) {
        if (round < 32) {
            Thread.onSpinWait();
        } else if (round < 48) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(1_000_000L, 1_000L << Math.min(10, round - 48)));
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        if (isGlobal) {
            throw new IllegalStateException("the global reclaimer cannot be closed by users: it closes itself at"
                    + " JVM exit and runs every pending deleter then; create your own with EpochReclaimer.create()"
                    + " if you need to close one");
        }
        closeInternal(closeTimeoutNanos);
    }

    private void closeInternal(long timeoutNanos) {
        synchronized (closeLock) {
            if (closeCompleted) {
                throw new IllegalStateException("reclaimer '" + name + "' is already closed; close it exactly once");
            }
            Thread t = Thread.currentThread();
            checkNoOwnGuard(t, "close()");
            closed = true; // volatile write: Dekker with enter()'s claim-then-read (see notes)
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

    private void waitForGuards(long deadline, long timeoutNanos) {
        int round = 0;
        while (true) {
            boolean pinned = false;
            for (Slot s : slotsAcquire()) {
                if (Slot.isPinned(s.stateVolatile())) { // volatile: Dekker with the pin CAS
                    pinned = true;
                    break;
                }
            }
            if (!pinned) {
                return;
            }
            recoverAbandonedSlots();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(openGuardsMessage(timeoutNanos));
            }
            backoff(round++);
        }
    }

    private String openGuardsMessage(long timeoutNanos) {
        StringBuilder sb = new StringBuilder("reclaimer '").append(name).append("' could not close: guards were")
                .append(" still open after ").append(timeoutNanos / 1_000_000).append(" ms. Close them (or")
                .append(" raise closeTimeout) and call close() again. Open guards:");
        for (Slot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the pin CAS
            if (!Slot.isPinned(v)) {
                continue;
            }
            GuardInfo info = info(s, v, true);
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
            for (Slot s : slotsAcquire()) {
                if (s.casState(FREE, LOCKED)) { // CAS: steal; pairs with the releaser
                    sealSlotBag(s);
                    s.setStateRelease(FREE); // release: a racing enter may claim it and will see closed
                } else if (s.stateVolatile() != FREE) { // volatile: a transient claim or another stealer
                    busy = true;
                }
            }
            if (!casCollecting(0, 1)) {
                backoff(round++);
                continue;
            }
            try {
                collect(true);
            } finally {
                setCollectingRelease(0);
            }
            if (!busy && sealedVolatile() == null && allSlotBagsEmpty()) {
                return;
            }
            backoff(round++);
        }
    }

    private boolean allSlotBagsEmpty() {
        for (Slot s : slotsAcquire()) {
            Bag b = s.bag; // plain: read after our own steals; only this thread retires while draining
            if (b != null && b.sizeAcquire() > 0) { // acquire: pairs with Bag.add's release
                return false;
            }
        }
        return true;
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
        for (Slot s : slotsAcquire()) {
            retired += s.retiredOpaque();
            retiredBytes += s.retiredBytesOpaque();
            if (Slot.isPinned(s.stateVolatile())) { // volatile: pairs with the pin CAS
                open++;
            }
        }
        long rec = reclaimedVolatile();
        long pendingCount = Math.max(0, retired - rec);
        long pendingBytes = Math.max(0, retiredBytes - reclaimedBytesVolatile());
        return new ReclaimerStats(name, Scheme.EBR, retired, rec, pendingCount, pendingBytes,
                Math.max(pendingCount, peakPendingVolatile()), global.epochVolatile(), open, oldestGuard(false),
                failuresVolatile());
    }

    /**
     * Describes the open guard that has pinned the oldest epoch (the one holding back reclamation).
     *
     * @param withStack whether to capture the holder thread's current stack (costly)
     * @return the oldest open guard, or null when no guard is open
     */
    public GuardInfo oldestGuard(boolean withStack) {
        Slot oldest = null;
        long oldestState = 0;
        for (Slot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the pin CAS
            if (Slot.isPinned(v) && (oldest == null || Slot.epochOf(v) < Slot.epochOf(oldestState))) {
                oldest = s;
                oldestState = v;
            }
        }
        return oldest == null ? null : info(oldest, oldestState, withStack);
    }

    private GuardInfo info(Slot s, long v, boolean withStack) {
        Thread h = s.holder; // plain: racy diagnostics read
        long e = Slot.epochOf(v);
        long g = global.epochVolatile(); // volatile: current epoch
        long age = e < g ? Math.max(0, System.nanoTime() - epochStart.get((int) ((e + 1) & 3))) : 0;
        StackTraceElement[] stack = withStack && h != null ? h.getStackTrace() : new StackTraceElement[0];
        return new GuardInfo(h == null ? "unknown" : h.getName(), h == null ? -1 : h.threadId(),
                h != null && h.isAlive(), age, e, stack);
    }

    // ---------------------------------------------------------------- misc

    @Override
    public Scheme scheme() {
        return Scheme.EBR;
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
        return "EpochReclaimer[" + name + ", epoch " + global.epochVolatile() + (closed ? ", closed]" : "]");
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
        try {
            failureHandler.failed(name, what, error);
        } catch (Throwable ignored) {
            // a handler must not throw; reclamation goes on
        }
    }

    // ---------------------------------------------------------------- builder

    /** Configures an {@link EpochReclaimer}. */
    public static final class Builder {
        private String name;
        private FailureHandler failureHandler = FailureHandler.LOG;
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration slowGuardThreshold = Duration.ofSeconds(1);
        private int bagCapacity = 64;
        private int advanceEvery = 128;

        private Builder() {
        }

        /**
         * The name for messages, statistics and JFR events (default: {@code "ebr-N"}).
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
         * How long {@link EpochReclaimer#close()} waits for open guards before failing (default 30 s).
         *
         * @param timeout a non-negative duration
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = nonNegative(timeout, "closeTimeout");
            return this;
        }

        /**
         * How long a guard may hold back the epoch before a {@code dev.reclaim.epoch.SlowGuard} JFR event is
         * emitted for it (default 1 s).
         *
         * @param threshold a non-negative duration
         * @return this builder
         */
        public Builder slowGuardThreshold(Duration threshold) {
            this.slowGuardThreshold = nonNegative(threshold, "slowGuardThreshold");
            return this;
        }

        /**
         * Test seam and tuning knob: how many retirements a slot's bag holds before it is sealed and handed
         * to the collector (default 64).
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder bagCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("bagCapacity must be at least 1, was " + capacity);
            }
            this.bagCapacity = capacity;
            return this;
        }

        /**
         * Test seam and tuning knob: a slot tries to advance the epoch and collect on every
         * {@code pins}-th pin (default 128).
         *
         * @param pins at least 1
         * @return this builder
         */
        public Builder advanceEvery(int pins) {
            if (pins < 1) {
                throw new IllegalArgumentException("advanceEvery must be at least 1, was " + pins);
            }
            this.advanceEvery = pins;
            return this;
        }

        /**
         * Creates the reclaimer.
         *
         * @return a new reclaimer; the caller owns it and must close it
         */
        public EpochReclaimer build() {
            return new EpochReclaimer(this, false);
        }

        private static Duration nonNegative(Duration d, String what) {
            Objects.requireNonNull(d, what + " must not be null");
            if (d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative, was " + d);
            }
            return d;
        }
    }

    // ---------------------------------------------------------------- accessors

    private Slot[] slotsAcquire() {
        return (Slot[]) SLOTS.getAcquire(this); // acquire: pairs with the release in grow()/constructor
    }

    private Bag sealedVolatile() {
        return (Bag) SEALED.getVolatile(this); // volatile: pairs with casSealed / getAndSetSealed
    }

    private boolean casSealed(Bag expect, Bag update) {
        return SEALED.compareAndSet(this, expect, update); // CAS: publishes the bag; pairs with getAndSetSealed
    }

    private Bag getAndSetSealed(Bag value) {
        return (Bag) SEALED.getAndSet(this, value); // volatile RMW: takes all; pairs with casSealed's publication
    }

    private boolean casCollecting(int expect, int update) {
        return COLLECTING.compareAndSet(this, expect, update); // CAS: lock; pairs with setCollectingRelease
    }

    private void setCollectingRelease(int value) {
        COLLECTING.setRelease(this, value); // release: unlock; pairs with the next casCollecting
    }

    private boolean casPoolLock(int expect, int update) {
        return POOL_LOCK.compareAndSet(this, expect, update); // CAS: try-lock; pairs with setPoolLockRelease
    }

    private void setPoolLockRelease(int value) {
        POOL_LOCK.setRelease(this, value); // release: unlock; pairs with the next casPoolLock
    }

    private long reclaimedVolatile() {
        return (long) RECLAIMED.getVolatile(this); // volatile: pairs with getAndAdd in addReclaimed
    }

    private long reclaimedBytesVolatile() {
        return (long) RECLAIMED_BYTES.getVolatile(this); // volatile: pairs with getAndAdd in addReclaimed
    }

    private void addReclaimed(long count, long bytes) {
        RECLAIMED.getAndAdd(this, count); // volatile RMW: read by stats()
        if (bytes != 0) {
            RECLAIMED_BYTES.getAndAdd(this, bytes); // volatile RMW: read by stats()
        }
    }

    private long peakPendingVolatile() {
        return (long) PEAK_PENDING.getVolatile(this); // volatile: pairs with casPeakPending
    }

    private boolean casPeakPending(long expect, long update) {
        return PEAK_PENDING.compareAndSet(this, expect, update); // CAS: monotonic max; read by stats()
    }

    private long failuresVolatile() {
        return (long) FAILURES.getVolatile(this); // volatile: pairs with getAndAdd in addFailures
    }

    private void addFailures(long n) {
        FAILURES.getAndAdd(this, n); // volatile RMW: read by stats()
    }

    /** The global epoch in its own padded cell (read by every enter, written once per advance). */
    static final class EpochCell extends EpochCellValue {
        long q00, q01, q02, q03, q04, q05, q06, q07;
        long q08, q09, q10, q11, q12, q13, q14, q15;

        long epochVolatile() {
            return (long) EPOCH.getVolatile(this); // volatile: SC with pins and scans (see notes)
        }

        boolean casEpoch(long expect, long update) {
            return EPOCH.compareAndSet(this, expect, update); // CAS: the advance; pairs with epochVolatile
        }

        private static final VarHandle EPOCH;

        static {
            try {
                EPOCH = MethodHandles.lookup().findVarHandle(EpochCellValue.class, "epoch", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Value field of {@link EpochCell}, between paddings. */
    abstract static class EpochCellValue extends EpochCellPad {
        volatile long epoch;
    }

    /** Left padding of {@link EpochCell}. */
    abstract static class EpochCellPad {
        long p00, p01, p02, p03, p04, p05, p06, p07;
        long p08, p09, p10, p11, p12, p13, p14, p15;
    }

    // VarHandle mechanics
    private static final VarHandle SLOTS;
    private static final VarHandle SEALED;
    private static final VarHandle COLLECTING;
    private static final VarHandle POOL_LOCK;
    private static final VarHandle RECLAIMED;
    private static final VarHandle RECLAIMED_BYTES;
    private static final VarHandle PEAK_PENDING;
    private static final VarHandle FAILURES;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLOTS = l.findVarHandle(EpochReclaimer.class, "slots", Slot[].class);
            SEALED = l.findVarHandle(EpochReclaimer.class, "sealed", Bag.class);
            COLLECTING = l.findVarHandle(EpochReclaimer.class, "collecting", int.class);
            POOL_LOCK = l.findVarHandle(EpochReclaimer.class, "poolLock", int.class);
            RECLAIMED = l.findVarHandle(EpochReclaimer.class, "reclaimed", long.class);
            RECLAIMED_BYTES = l.findVarHandle(EpochReclaimer.class, "reclaimedBytes", long.class);
            PEAK_PENDING = l.findVarHandle(EpochReclaimer.class, "peakPending", long.class);
            FAILURES = l.findVarHandle(EpochReclaimer.class, "failures", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
