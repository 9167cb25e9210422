package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.FailureHandler;
import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.internal.SlotSupport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

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
     * A full bag is sealed with the global epoch read after the retire and pushed onto the sealed stack of
     * GarbageState (padded away from the fields every enter() reads), an intrusive Treiber stack (push: CAS;
     * take: getAndSet(null) of the whole list, so there is no ABA). The slot gets an empty bag from the pool (a
     * stack guarded by a try-lock that spins at most 64 times: a retirer that still loses allocates rather than
     * waits, so it never blocks; the pool is capped so it cannot grow without bound).
     * Collection: one collector at a time (CAS on `collecting`) takes the whole sealed stack, runs the
     * deleters of bags with sealEpoch <= global - 2, recycles them, and pushes the rest back as one chain.
     * maintain() (after each seal and every advanceEvery pins) skips the collection while the epoch equals the
     * one the last collection read (collectedEpoch): the walk is O(sealed bags), and while a guard stalls that
     * is the whole backlog, which made every seal cost microseconds. Nothing becomes ready until the epoch
     * moves, except a bag whose seal read an older epoch just before the last collection: it waits one advance.
     * Within a bag, a run of consecutive entries with the same Deleter goes through one Deleter.deleteAll call
     * (the slab allocator then pays its open check and thread-cache lookup once per run); a run that throws
     * counts one failure per exception (thrown plus suppressed) and is reported once.
     * Counters: per-slot retired/retiredBytes (owner writes, opaque), shared reclaimed/reclaimedBytes
     * (getAndAdd once per bag), peakPending updated by the collector.
     *
     * synchronize()
     * -------------
     * Phase 1 makes every retire that completed before the call reach the sealed stack: a FREE slot is
     * stolen (CAS FREE -> LOCKED), its bag sealed and pushed, the slot released. A pinned slot is not waited
     * for until it happens to be free (a reader that re-enters at once would starve us: the FREE window is a
     * few nanoseconds); instead the caller sets the slot's sealRequest (volatile) and waits until an owner
     * (the guard's close(), or any stealer) has sealed the bag and cleared the request (release; we read it
     * with acquire, so the push happens-before our return from phase 1). A closer that read the request
     * before our write was made is harmless: whoever clears it owns the slot and seals every retire made on
     * it so far, which includes all retires completed before our call. Then E1 = global epoch: every
     * pre-call retire is in a bag sealed at <= E1, in the stack or in the hands of a collector. Phase 2
     * advances to E1 + 2 and collects once while holding the collector flag (so no bag is in transit).
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
     *  - Besides Slot.holder (a Thread, written only when it changes, for diagnostics), a slot keeps
     *    holderId (a long: no GC write barrier), set on every enter and cleared on close. synchronize()'s
     *    "do I hold a guard?" check uses it: with holder alone it could see its own stale Thread in a slot
     *    just re-pinned by another thread that has not written holder yet, and clearing holder on close
     *    would cost a G1 write barrier per enter (measured on the 2-core dev box: enter+close took 17 ns
     *    with it, 9 ns without).
     *  - Guard ages are lower bounds: a guard pinned at e < global has been open at least since epoch e+1
     *    started (its start time is recorded when the epoch advances); a guard at the current epoch reports
     *    age 0. Using the start of epoch e would overstate the age when the epoch was idle.
     */

    private static final long FREE = Slot.FREE;
    private static final long LOCKED = Slot.LOCKED;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

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
    /** Sealed bags, collector flag, bag pool and counters: written often, so padded away from the above. */
    private final GarbageState garbage = new GarbageState();
    /** Start time (System.nanoTime) of epoch e at index e & 3; written by the advancer after its CAS. */
    private final AtomicLongArray epochStart = new AtomicLongArray(4);
    /** Set (volatile) when close() starts; see the Dekker note. */
    private volatile boolean closed;
    /** Set once close() has run every deleter. */
    private volatile boolean closeCompleted;
    /** The thread draining garbage in close(): its deleters may still enter guards and retire. */
    private volatile Thread drainingThread;
    private final Object closeLock = new Object();

    private EpochReclaimer(Builder b, boolean isGlobal) {
        this.name = b.configuredName() != null ? b.configuredName() : "ebr-" + INSTANCES.incrementAndGet();
        this.failureHandler = b.configuredFailureHandler();
        this.closeTimeoutNanos = b.configuredCloseTimeout().toNanos();
        this.slowGuardNanos = b.slowGuardThreshold.toNanos();
        this.bagCapacity = b.bagCapacity;
        this.advanceEvery = b.advanceEvery;
        this.isGlobal = isGlobal;
        int n = Integer.highestOneBit(Math.max(16, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
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
        int start = SlotSupport.spread(t.threadId()) & mask;
        Slot home = table[start];
        if (home.casState(FREE, pin)) { // CAS: claims and publishes the pin (home slot: usually free, no pre-read)
            return claimed(home, t);
        }
        for (int i = 1; i <= mask; i++) {
            Slot s = table[(start + i) & mask];
            if (s.stateOpaque() == FREE && s.casState(FREE, pin)) { // CAS: as above; the opaque pre-read skips busy slots
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
            int start = SlotSupport.spread(t.threadId()) & mask;
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
        s.holderId = t.threadId(); // plain: our own write is what our self-checks read; published by nothing else
        if (s.holder != t) {
            s.holder = t; // plain: read racily for diagnostics only; written on change to skip the GC barrier
        }
        g.open = true;
        s.setPinSeqOpaque(s.pinSeqOpaque() + 1); // opaque: read by scanners for once-per-pin reporting
        if (--s.advanceCountdown <= 0) {
            s.advanceCountdown = advanceEvery;
            maintain();
        }
        return g;
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
        Bag fresh = garbage.takeEmptyBag(bagCapacity);
        s.bag = fresh;
        if (full != null) {
            full.sealEpoch = global.epochVolatile(); // volatile: read after the retires (see notes)
            garbage.pushSealed(full, full);
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
            garbage.pushSealed(b, b);
        }
    }

    /** Seals the bag of a slot the caller owns and answers a pending synchronize() request, if any. */
    void sealForRequest(Slot s) {
        sealSlotBag(s);
        if (s.sealRequestAcquire() != 0) { // acquire: pairs with the requester's volatile write
            s.setSealRequestRelease(0); // release: the push above happens-before the requester's acquire read
        }
    }

    private void recycle(Bag b) {
        garbage.recycle(b, 16 + 2 * slotsAcquire().length);
    }

    // ---------------------------------------------------------------- advance / collect

    /**
     * Tries to advance the epoch, then collects what is safe. Never blocks. Skips the collection while the
     * epoch has not moved since the last one: every bag that collection kept is still not ready, and so is every
     * bag sealed since (sealed at the current epoch), except one whose seal read an older epoch just before that
     * collection and was pushed just after it, which waits for the next advance. Without the skip a stalled
     * guard makes every seal walk the whole backlog of sealed bags.
     */
    private void maintain() {
        tryAdvance();
        if (garbage.tryLockCollector()) {
            try {
                if (global.epochVolatile() != garbage.collectedEpoch) { // volatile: as in collect(); plain field: ours
                    collect(false);
                }
            } finally {
                garbage.unlockCollector();
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
        if (Jfr.slowGuardEnabled()) {
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
        garbage.collectedEpoch = g; // plain: guarded by the collector flag (see maintain())
        Bag list = garbage.takeAllSealed();
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
            garbage.pushSealed(keepHead, keepTail);
        }
        return kept;
    }

    private void runBag(Bag b, long epoch) {
        int n = b.sizeAcquire(); // acquire: pairs with Bag.add's release
        boolean event = Jfr.reclaimEnabled();
        ReclaimBatchEvent ev = null;
        if (event) {
            ev = new ReclaimBatchEvent();
            ev.begin();
        }
        long[] pointers = b.pointers;
        Object[] actions = b.actions;
        int i = 0;
        while (i < n) {
            // A run of consecutive entries with the same deleter goes through one deleteAll call.
            int end = i + 1;
            Object a = actions[i];
            if (pointers[i] != 0) {
                while (end < n && actions[end] == a && pointers[end] != 0) {
                    end++;
                }
            }
            if (end - i == 1) {
                try {
                    b.run(i);
                } catch (Throwable e) {
                    garbage.addFailure();
                    report(b.describe(i) + " threw; the remaining deleters still ran", e);
                }
            } else {
                try {
                    ((Deleter) a).deleteAll(pointers, i, end);
                } catch (Throwable e) {
                    garbage.addFailures(1 + e.getSuppressed().length);
                    report(b.describeRun(i, end) + " threw (" + (1 + e.getSuppressed().length)
                            + " failures, the later ones suppressed); the remaining deleters still ran", e);
                }
            }
            i = end;
        }
        garbage.addReclaimed(n, b.bytes);
        if (event) {
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
        garbage.updatePeak(pending());
    }

    private long pending() {
        long r = 0;
        for (Slot s : slotsAcquire()) {
            r += s.retiredOpaque();
        }
        return Math.max(0, r - garbage.reclaimedVolatile());
    }

    /**
     * JFR gates. Touching an event class (or EventType) starts JFR's machinery, about 150 ms, so nothing of
     * it is loaded unless the Flight Recorder is already initialized (a static volatile read); then the
     * event types are looked up once and their isEnabled() checks allocate nothing.
     */
    private static final class Jfr {
        static boolean reclaimEnabled() {
            return jdk.jfr.FlightRecorder.isInitialized() && Types.RECLAIM.isEnabled();
        }

        static boolean slowGuardEnabled() {
            return jdk.jfr.FlightRecorder.isInitialized() && Types.SLOW_GUARD.isEnabled();
        }

        private static final class Types {
            static final jdk.jfr.EventType RECLAIM = jdk.jfr.EventType.getEventType(ReclaimBatchEvent.class);
            static final jdk.jfr.EventType SLOW_GUARD = jdk.jfr.EventType.getEventType(SlowGuardEvent.class);
        }
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
            garbage.addFailure();
            report("guard entered by " + SlotSupport.describeThread(h) + " was never closed (its thread died or it was"
                    + " dropped unclosed); it has been released. Close every guard with try-with-resources", null);
            sealForRequest(s);
            EpochGuard g = new EpochGuard(this, s);
            s.guardRef = new WeakReference<>(g);
            s.freeGuard = g;
            s.holderId = 0;
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

    // ---------------------------------------------------------------- flush / synchronize

    @Override
    public void flush() {
        checkNotClosed("flush()");
        Thread t = Thread.currentThread();
        for (Slot s : slotsAcquire()) {
            long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE
            if (v == FREE) {
                if (s.casState(FREE, LOCKED)) { // CAS: steal a free slot; pairs with close()'s release
                    sealForRequest(s);
                    s.setStateRelease(FREE); // release: hands the slot back; pairs with the next claim CAS
                }
            } else if (Slot.isPinned(v) && s.holderId == t.threadId()) { // plain: see checkNoOwnGuard
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
        // Phase 1: seal every slot's bag: steal a free slot, or ask the owner of a pinned one to seal its bag
        // when its guard closes (so that a thread re-entering at once cannot starve us).
        for (Slot s : slotsAcquire()) {
            int round = 0;
            boolean requested = false;
            while (true) {
                long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE
                if (v == FREE && s.casState(FREE, LOCKED)) { // CAS: steal; pairs with the releaser
                    sealForRequest(s);
                    s.setStateRelease(FREE); // release: pairs with the next claim CAS
                    break;
                }
                if (!requested) {
                    s.setSealRequestVolatile(1); // volatile: the owner's close() seals; Dekker with its opaque read
                    requested = true;
                    continue;
                }
                if (s.sealRequestAcquire() == 0) { // acquire: an owner sealed after our request (pairs with release)
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
                SlotSupport.backoff(round++);
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
                if (garbage.tryLockCollector()) {
                    try {
                        collect(false);
                    } finally {
                        garbage.unlockCollector();
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
            SlotSupport.backoff(round++);
        }
    }

    private void checkNoOwnGuard(Thread t, String op) {
        for (Slot s : slotsAcquire()) {
            // volatile state read, then plain holderId: a pin we made carries our own id; a pin by another
            // thread carries its id or 0 (the closer cleared it before its release, which the claimer's CAS
            // acquired and our volatile read of that CAS's value acquires in turn), never our stale id.
            if (Slot.isPinned(s.stateVolatile()) && s.holderId == t.threadId()) {
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
            tryAdvance(); // lets guard ages (measured from epoch starts) grow for the timeout message
            recoverAbandonedSlots();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(openGuardsMessage(timeoutNanos));
            }
            SlotSupport.backoff(round++);
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
                    sealForRequest(s);
                    s.setStateRelease(FREE); // release: a racing enter may claim it and will see closed
                } else if (s.stateVolatile() != FREE) { // volatile: a transient claim or another stealer
                    busy = true;
                }
            }
            if (!garbage.tryLockCollector()) {
                SlotSupport.backoff(round++);
                continue;
            }
            try {
                collect(true);
            } finally {
                garbage.unlockCollector();
            }
            if (!busy && garbage.sealedVolatile() == null && allSlotBagsEmpty()) {
                return;
            }
            SlotSupport.backoff(round++);
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
        long rec = garbage.reclaimedVolatile();
        long pendingCount = Math.max(0, retired - rec);
        long pendingBytes = Math.max(0, retiredBytes - garbage.reclaimedBytesVolatile());
        return new ReclaimerStats(name, Scheme.EBR, retired, rec, pendingCount, pendingBytes,
                Math.max(pendingCount, garbage.peakPendingVolatile()), global.epochVolatile(), open, oldestGuard(false),
                garbage.failuresVolatile());
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
        SlotSupport.report(failureHandler, name, what, error);
    }

    // ---------------------------------------------------------------- builder

    /** Configures an {@link EpochReclaimer}. */
    public static final class Builder extends ReclaimerBuilder<Builder> {
        private Duration slowGuardThreshold = Duration.ofSeconds(1);
        private int bagCapacity = 64;
        private int advanceEvery = 128;

        private Builder() {
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

        // VarHandle mechanics
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

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SLOTS = l.findVarHandle(EpochReclaimer.class, "slots", Slot[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
