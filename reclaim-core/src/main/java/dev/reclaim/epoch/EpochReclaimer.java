package dev.reclaim.epoch;

import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.internal.GuardSlot;
import dev.reclaim.internal.GuardTable;
import dev.reclaim.internal.PooledGuard;
import dev.reclaim.internal.SlotSupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

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
     * The slot table, its claim and release, pooled guards, abandoned-guard recovery, the close protocol
     * (wait, timeout message, drain) and the counters are dev.reclaim.internal.GuardTable's, shared with
     * every scheme (see its notes: state machine, recovery, the Dekker pair of enter and close). What EBR
     * adds lives in Table below: the slot's open value is a pin, (epoch << 1) | 1, so the claim CAS
     * FREE -> pin(e) both takes exclusive ownership of the slot (its guard, bag and counters) and publishes
     * the epoch the guard reads under; repin stores a new pin (volatile). A slot keeps the garbage retired
     * through it (a bag), so garbage belongs to a slot, never to a thread.
     * enter() itself stays in the facade, reading the global epoch (EpochCell, padded: written once per
     * advance) and the table's first slots from final fields of its own (see GuardTable.claim), so a pin
     * loads no more before its CAS than the epoch and its home slot.
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
     * the claim also performs a volatile read of `closed` right after the CAS, which later acquire loads
     * cannot move above. The advancer's scan uses volatile reads (not just acquire) so that it is in the SC
     * order.
     *
     * Garbage
     * -------
     * retire() appends to the slot's bag with plain writes (the pinned slot is exclusively owned; the bag's
     * size is release-stored so that abandoned-guard recovery, which has no other edge, sees the entries).
     * A full bag is sealed with the global epoch read after the retire and kept by its slot: appended to the
     * slot's chain of kept bags (sealedHead .. sealedTail, oldest first; owner only, like the bag). After the
     * seal's maintain() the owner runs the chain's ready bags itself (collectKept: sealEpoch <= global - 2; the
     * chain's seal epochs never decrease, each seal reading the epoch after the one before, so it stops at the
     * first bag not ready) and keeps the first one emptied as the slot's spare for its next seal. The freed
     * blocks go to the retiring thread's allocator cache, where its next allocations find them, and the bag's
     * arrays stay in its caches: at 2 threads a Treiber stack in batches ran 1.15-1.4x faster than with one
     * shared collector, which freed every thread's nodes into its own cache and handed bags across cores
     * (design notes, "EBR slots collect the bags they seal"). A chain still longer than MAX_KEPT_BAGS (4) after
     * that collection goes to the shared sealed stack whole: the epoch lags behind this slot's retires (a guard
     * stalls it, most often a preempted holder when threads outnumber cores), and there the shared collector
     * runs it: without the limit a Michael-Scott queue at 8 threads on 2 cores ran ~12% slower than with the
     * shared collector alone (design notes, same topic). It also bounds what one slot holds out of the shared
     * backlog to MAX_KEPT_BAGS bags, its open bag and its spare. Every bag run (runBag: the slot's own and the
     * shared collector's) asks for the trim (Reclamation.runBatch(..., true)): a deleter that is a CachingDeleter
     * (a MichaelScottQueue's nodes) then lets the running thread's allocator cache hand what it holds beyond one
     * batch per class to the allocator's depot (FastSlab.trim: while another thread takes batches of that
     * class; design notes, same topic).
     * Every other way out hands the chain to the sealed stack of GarbageState (handOverKept): a sweep of an
     * idle slot (drainIdle), and answerRequest (flush and synchronize of a free slot or at a request, the
     * close of a guard asked by synchronize, abandoned-guard recovery, shrink, close()). The sealed stack
     * (padded away from the fields every enter() reads) is an intrusive Treiber stack (push: CAS; take:
     * getAndSet(null) of the whole list, so there is no ABA). A slot without a spare gets an empty bag from the
     * pool (a stack guarded by a try-lock that spins at most 64 times: a retirer that still loses allocates
     * rather than waits, so it never blocks; the pool is capped so it cannot grow without bound).
     * Collection of the sealed stack: one collector at a time (CAS on `collecting`) takes it whole, runs the
     * deleters of bags with sealEpoch <= global - 2 (Reclamation.runAll: one Deleter.deleteAll per run of
     * consecutive entries with the same deleter), recycles them, and pushes the rest back as one chain.
     * maintain() (after each seal, and on one close in advanceEvery on average over the table: see
     * GuardTable.maintenance) tries to advance, sweeps idle slots' partial bags into a staging bag sealed at
     * the end of the sweep (GuardTable.sweep), and skips the collection while the epoch equals the
     * one the last collection read (collectedEpoch): the walk is O(sealed bags), and while a guard stalls that
     * is the whole backlog, which made every seal cost microseconds. Nothing becomes ready until the epoch
     * moves, except a bag whose seal read an older epoch just before the last collection: it waits one advance.
     * While no garbage is pending anywhere (sealed stack empty, no dirty slot, table at its first length),
     * maintain() returns before the advance: readers that only pin leave the epoch's line alone.
     *
     * synchronize()
     * -------------
     * Phase 1 makes every retire that completed before the call reach the sealed stack: a FREE slot is
     * stolen (CAS FREE -> LOCKED), its bag sealed and pushed, the slot released. A pinned slot is not waited
     * for until it happens to be free (a reader that re-enters at once would starve us: the FREE window is a
     * few nanoseconds); instead the caller sets the slot's request (volatile) and waits until an owner (the
     * guard's close(), or any stealer) has sealed the bag and cleared the request (release; we read it with
     * acquire, so the push happens-before our return from phase 1). A closer that read the request before our
     * write was made is harmless: whoever clears it owns the slot and seals every retire made on it so far,
     * which includes all retires completed before our call. Then E1 = global epoch: every pre-call retire is
     * in a bag sealed at <= E1, in the stack or in the hands of a collector (answering hands a slot's kept
     * bags over too, and an owner runs its kept bags only inside a seal, which ends before its close
     * answers). Phase 2 advances to E1 + 2 and collects once while holding the collector flag (so no bag is
     * in transit).
     *
     * Diagnostics
     * -----------
     * Guard ages are lower bounds: a guard pinned at e < global has been open at least since epoch e+1
     * started (its start time is recorded when the epoch advances); a guard at the current epoch reports age
     * 0. Using the start of epoch e would overstate the age when the epoch was idle. A guard that blocks an
     * advance for slowGuardThreshold emits one dev.reclaim.SlowGuard JFR event per pin: the blocking state identifies the
     * pin (a later pin of the slot, or a repin, carries a newer epoch). flush()'s "is this my own pinned
     * slot?" test reads the slot's holderId (a long written on every enter, cleared on close: no GC write
     * barrier; see GuardSlot.isHeldBy), not its holder Thread, which is written only when it changes
     * because a reference store per enter costs a G1 barrier.
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE; retire = the plain
     * append (published later by the bag's seal and push); advance = the CAS of the global epoch.
     *
     * Garbage bound: while a guard stalls, unbounded (the epoch cannot advance). Otherwise at most about
     * active slots x bagCapacity unsealed entries, plus two epochs' worth of sealed bags, plus per slot the kept
     * bags that became ready since its last seal (run at its next seal; idle slots' partial bags and kept bags
     * are swept within two maintenance runs once the slot is seen free).
     *
     * Oversubscription: with more runnable threads than cores, a thread preempted inside its guard holds the
     * epoch for the rest of the scheduler's time slice (milliseconds) while the running threads retire: at 8
     * threads on 2 cores, a Treiber stack held 0.2-0.4 million nodes pending with a guard per pop and 1.2-2.0
     * million in batches of 64 under one guard (2 threads: ~0.05 million). A retirer whose seals find the epoch
     * stalled by another slot 4 times in a row (256 retires) calls Thread.yield(), which hands its core to a
     * runnable thread, most often the preempted blocker (a virtual thread hands its carrier to a runnable
     * virtual thread). A stall by a running guard (another core) rarely lasts 4 seals; one by the retirer's
     * own old pin does not count. With the yield the 8-thread backlog stays at the 2-thread level.
     *
     * Advance scan: resumable. A blocked attempt stores (epoch, blocking index) with a release
     * (GarbageState.advanceCursor); the next attempt at the same epoch (read after its acquire of the cursor)
     * starts at that index. Every read of the split scan was made after a read of the global epoch returned
     * g, hence after the write of g, and before the CAS g -> g+1: the pin-vs-advance argument above uses
     * nothing else, so an attempt blocked by one slot costs O(1) and the table is walked once per epoch.
     *
     * References: K. Fraser, "Practical lock-freedom", 2004 (EBR); crossbeam-epoch (Rust) internals;
     * T. Hart et al., "Performance of memory reclamation for lockless synchronization", JPDC 2007.
     */

    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** Bits of a slot index in the advance cursor (GarbageState.advanceCursor); the rest hold the epoch. */
    private static final int CURSOR_INDEX_BITS = 24;
    private static final long CURSOR_INDEX_MASK = (1L << CURSOR_INDEX_BITS) - 1;
    private static final long CURSOR_EPOCH_MASK = (1L << (64 - CURSOR_INDEX_BITS)) - 1;

    private final Table table;
    /** The table's global epoch, read by every enter straight from here. */
    private final EpochCell global;
    /** The table's first slots: enter() claims from them directly (see GuardTable.claim). */
    private final GuardSlot[] first;
    private final boolean isGlobal;

    private EpochReclaimer(Builder b, boolean isGlobal) {
        this.table = new Table(this, b);
        this.global = table.global;
        this.first = table.slots();
        this.isGlobal = isGlobal;
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
            table.close(Math.min(table.closeTimeoutNanos(), 2_000_000_000L));
        } catch (RuntimeException e) {
            table.report("closing the global reclaimer at JVM exit failed; garbage still pending is dropped with"
                    + " the process", e);
        }
    }

    // ---------------------------------------------------------------- the Reclaimer interface

    @Override
    public Guard enter() {
        long pin = Slot.pinOf(global.epochVolatile()); // volatile: SC with the advancer's CAS (see notes)
        return table.claim(first, pin);
    }

    @Override
    public void flush() {
        table.flush();
    }

    @Override
    public void synchronize() {
        table.synchronize();
    }

    @Override
    public boolean synchronize(Duration timeout) {
        return table.synchronize(timeout);
    }

    @Override
    public void close() {
        if (isGlobal) {
            throw new IllegalStateException("the global reclaimer cannot be closed by users: it closes itself at"
                    + " JVM exit and runs every pending deleter then; create your own with EpochReclaimer.create()"
                    + " if you need to close one");
        }
        table.close();
    }

    @Override
    public ReclaimerStats stats() {
        return table.stats();
    }

    /**
     * Describes the open guard that has pinned the oldest epoch (the one holding back reclamation).
     *
     * @param withStack whether to capture the holder thread's current stack (costly)
     * @return the oldest open guard, or null when no guard is open
     */
    public GuardInfo oldestGuard(boolean withStack) {
        return table.oldestGuard(withStack);
    }

    @Override
    public Scheme scheme() {
        return Scheme.EBR;
    }

    /**
     * The longest chain of sealed bags any slot keeps (package-private, for tests: read the owners' plain fields
     * only while no thread retires).
     */
    int mostKeptBags() {
        int most = 0;
        for (GuardSlot gs : table.slots()) {
            int n = 0;
            for (Bag b = ((Slot) gs).sealedHead; b != null; b = b.next) {
                n++;
            }
            most = Math.max(most, n);
        }
        return most;
    }

    /** The global epoch (package-private, for tests). */
    long epoch() {
        return table.currentEpoch();
    }

    /** How many times retirers yielded because their seals found the epoch stalled (package-private, for tests). */
    long stallYields() {
        return table.stallYields.sum();
    }

    @Override
    public String name() {
        return table.name();
    }

    @Override
    public boolean isClosed() {
        return table.isClosed();
    }

    @Override
    public String toString() {
        return "EpochReclaimer[" + table.name() + ", epoch " + global.epochVolatile()
                + (table.isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- the algorithm

    /** The guard-slot skeleton with EBR's pins, bags and advance; configured once, from the builder. */
    static final class Table extends GuardTable<Slot> {
        /** Seals in a row without an advance (bags of 64: 256 retires) after which a retirer yields. */
        static final int STALLED_SEALS_BEFORE_YIELD = 4;
        /**
         * Most sealed bags a slot keeps after its own collection (bags of 64: 256 retires); a longer chain goes
         * to the shared sealed stack. See the implementation notes, "Garbage".
         */
        static final int MAX_KEPT_BAGS = 4;
        private final int bagCapacity;
        private final int advanceEvery;
        /** The global epoch, padded against the fields above (read by every enter). */
        final EpochCell global = new EpochCell();
        /** Sealed bags, collector flag and bag pool: written often, so padded away from the fields above. */
        private final GarbageState garbage = new GarbageState();
        /** Start time (System.nanoTime) of epoch e at index e & 3; written by the advancer after its CAS. */
        private final AtomicLongArray epochStart = new AtomicLongArray(4);
        /** Yields of retirers whose seals found the epoch stalled (yieldIfStalled); read by tests. */
        final LongAdder stallYields = new LongAdder();

        Table(Reclaimer owner, Builder b) {
            super(owner, b, "ebr", INSTANCES);
            this.bagCapacity = b.bagCapacity;
            this.advanceEvery = b.advanceEvery;
            long now = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                epochStart.set(i, now); // volatile: published with the table by start()'s release
            }
            start();
        }

        private long epochVolatile() {
            return global.epochVolatile(); // volatile: SC with pins, seals and scans (see notes)
        }

        // ------------------------------------------------------------ enter / repin / retire

        @Override
        protected int maintenanceEvery() {
            return advanceEvery;
        }

        /** One close in advanceEvery on average over the table: advance, sweep, collect, shrink. */
        @Override
        protected void maintenance() {
            maintain();
        }

        void repin(Slot s) {
            long v = Slot.pinOf(epochVolatile()); // volatile: as in enter()
            s.setStateVolatile(v); // volatile: republish; pairs with the advancer's volatile scan read
        }

        void retire(Slot s, long pointer, Object action, long sizeBytes) {
            Bag b = s.bag;
            if (b == null || b.isFull()) {
                b = replaceBag(s, b); // before counting: an OutOfMemoryError here fails this retire alone
            }
            s.countRetired(sizeBytes);
            b.add(pointer, action, sizeBytes);
            if (b.size == 1) { // plain: our own bag
                s.markDirty(); // a sweep finds the partial bag once the slot goes idle
            }
        }

        private Bag replaceBag(Slot s, Bag full) {
            Bag fresh = s.spare;
            if (fresh != null) {
                s.spare = null;
            } else {
                fresh = garbage.takeEmptyBag(bagCapacity);
            }
            s.bag = fresh;
            if (full != null) {
                sealFull(s, full);
            }
            return fresh;
        }

        /**
         * Seals the full bag the owner of {@code s} just replaced, keeps it, runs maintenance and the slot's
         * ready kept bags, and yields if another slot stalls the epoch. Out of line: once per bag.
         */
        private void sealFull(Slot s, Bag full) {
            long sealed = epochVolatile(); // volatile: read after the retires (see notes)
            full.sealEpoch = sealed;
            keepSealed(s, full);
            maintain();
            collectKept(s);
            if (s.keptBags > MAX_KEPT_BAGS) { // plain: the owner's field
                handOverKept(s); // the epoch lags behind this slot's retires: the shared collector runs them
            }
            yieldIfStalled(s, sealed);
        }

        /** Appends a bag the owner of {@code s} just sealed to the slot's chain of kept bags (newest last). */
        private static void keepSealed(Slot s, Bag sealed) {
            sealed.next = null;
            Bag tail = s.sealedTail;
            if (tail == null) {
                s.sealedHead = sealed;
            } else {
                tail.next = sealed;
            }
            s.sealedTail = sealed;
            s.keptBags++;
        }

        /**
         * Runs the kept bags of slot {@code s} whose grace period ended (oldest first; the chain's seal epochs
         * never decrease, so it stops at the first one not ready). The caller owns {@code s}. The first bag
         * reclaimed becomes the slot's spare, the others go back to the pool. See the notes, "Garbage".
         */
        private void collectKept(Slot s) {
            Bag b = s.sealedHead;
            if (b == null) {
                return;
            }
            long g = epochVolatile(); // volatile: bags sealed at <= g - 2 are past their grace period
            while (b != null && b.sealEpoch <= g - 2) {
                Bag next = b.next;
                s.sealedHead = next;
                if (next == null) {
                    s.sealedTail = null;
                }
                runBag(b, g);
                s.keptBags--;
                if (s.spare == null) {
                    b.clear();
                    s.spare = b;
                } else {
                    garbage.recycle(b, maxPooledBags());
                }
                b = next;
            }
        }

        /** Hands the kept bags of a slot the caller owns (pinned, or LOCKED) to the shared sealed stack. */
        private void handOverKept(Slot s) {
            Bag head = s.sealedHead;
            if (head != null) {
                Bag tail = s.sealedTail;
                s.sealedHead = null;
                s.sealedTail = null;
                s.keptBags = 0;
                garbage.pushSealed(head, tail);
            }
        }

        /**
         * Oversubscription: gives the CPU away after {@link #STALLED_SEALS_BEFORE_YIELD} seals in a row on slot
         * {@code s} that did not see the epoch move while the slot itself is pinned at the current epoch, so
         * that another slot blocks the advance. With more runnable threads than cores the blocker is usually
         * a thread preempted inside its guard: it holds the epoch until the scheduler runs it again (a time
         * slice), while the running threads fill bags it keeps alive. Yielding lets the scheduler run it
         * sooner. A slot pinned at an older epoch is itself a blocker and never yields (a long guard that
         * retires a lot). See the implementation notes, "Oversubscription".
         *
         * @param s      the retiring slot, owned by the caller (pinned)
         * @param sealed the epoch the seal read before maintain()
         */
        private void yieldIfStalled(Slot s, long sealed) {
            long g = epochVolatile(); // volatile: did maintain() (ours or a concurrent one) advance?
            // opaque: our own pin (written by our claim CAS or repin), no ordering needed
            if (g != sealed || Slot.epochOf(s.stateOpaque()) != g) {
                s.stalledSeals = 0; // plain: the owner's field
                return;
            }
            if (++s.stalledSeals >= STALLED_SEALS_BEFORE_YIELD) { // plain: the owner's field
                s.stalledSeals = 0;
                stallYields.increment();
                Thread.yield();
            }
        }

        /** Seals the bag of a slot the caller owns (pinned by it, or LOCKED by it), if non-empty. */
        private void sealSlotBag(Slot s) {
            handOverKept(s);
            Bag b = s.bag;
            if (b != null && b.sizeAcquire() > 0) { // acquire: pairs with Bag.add's release (recovery case)
                s.bag = null;
                b.sealEpoch = epochVolatile(); // volatile: read after the retires
                garbage.pushSealed(b, b);
            }
        }

        /** Seals the bag of a slot the caller owns and answers a pending synchronize() request, if any. */
        @Override
        protected void answerRequest(Slot s) {
            sealSlotBag(s);
            if (s.requestAcquire() != 0) { // acquire: pairs with the requester's volatile write
                s.setRequestRelease(0); // release: the push above happens-before the requester's acquire read
            }
        }

        // ------------------------------------------------------------ advance / collect

        /**
         * Tries to advance the epoch, then collects what is safe. Never blocks. Skips the collection while the
         * epoch has not moved since the last one: every bag that collection kept is still not ready, and so is
         * every bag sealed since (sealed at the current epoch), except one whose seal read an older epoch just
         * before that collection and was pushed just after it, which waits for the next advance. Without the
         * skip a stalled guard makes every seal walk the whole backlog of sealed bags. Returns at once while
         * nothing is pending anywhere ({@link #nothingPending}); flush() advances anyway ({@link #maintainNow}).
         */
        private void maintain() {
            if (nothingPending()) {
                return;
            }
            maintainNow();
        }

        /** {@link #maintain} without the early return: advance, sweep, collect, shrink. */
        private void maintainNow() {
            tryAdvance();
            if (garbage.tryLockCollector()) {
                try {
                    sweep();
                    sealStaging();
                    if (epochVolatile() != garbage.collectedEpoch) { // volatile: as in collect(); plain field: ours
                        collect(false);
                    }
                    maybeShrink();
                } finally {
                    garbage.unlockCollector();
                }
            }
        }

        /**
         * Whether no garbage is pending anywhere, so that an advance would make nothing reclaimable: the sealed
         * stack is empty, no slot is dirty and the table has not grown. A slot holding a partial bag or kept bags
         * is dirty (its owner's retire into an empty bag marks it; only a sweep or a shrink that takes both
         * clears it), and a grown table waits for a maintenance to shrink it. While nothing is pending, readers
         * that only pin do not advance the epoch: each advance writes the epoch's line, which every enter()
         * reads, so threads that only read would miss on it after every advance (docs/performance.md, "EBR
         * pin"). A hint read racily: a retire it misses is seen by a later maintenance (its owner's next seal,
         * one close in advanceEvery, a flush); guard ages stay lower bounds (see Diagnostics).
         */
        private boolean nothingPending() {
            return garbage.sealedVolatile() == null // volatile: pairs with pushSealed's CAS
                    && slots().length == initialLength() // acquire: pairs with the table's publication (grow, shrink)
                    && !anyDirty(); // opaque reads: a hint; pairs with the retirer's atomic set of its dirty bit
        }

        /**
         * Sweep: merges the partial bag of an idle slot (held LOCKED by the caller, who holds the collector flag)
         * into the staging bag, and gives the slot's bag back to the pool. Entries keep their order; the bag's
         * byte count moves with its first entry.
         */
        @Override
        protected void drainIdle(Slot s) {
            handOverKept(s);
            Bag b = s.bag;
            if (b == null) {
                return;
            }
            int n = b.sizeAcquire(); // acquire: pairs with Bag.add's release (the owner's writes, also via our CAS)
            s.bag = null;
            Bag st = garbage.staging; // plain: ours while we hold the collector flag
            long bytes = b.bytes;
            for (int i = 0; i < n; i++) {
                if (st == null || st.isFull()) {
                    if (st != null) {
                        seal(st);
                    }
                    st = garbage.takeEmptyBag(bagCapacity);
                }
                st.add(b.pointers[i], b.actions[i], bytes);
                bytes = 0;
            }
            garbage.staging = st;
            garbage.recycle(b, maxPooledBags());
        }

        /** Shrink: hands the bag of a slot being cut off to the collector and answers its request, if any. */
        @Override
        protected void evict(Slot s) {
            answerRequest(s);
        }

        /** Seals the staging bag of this sweep, if any. The caller holds the collector flag. */
        private void sealStaging() {
            Bag st = garbage.staging; // plain: ours while we hold the collector flag
            if (st != null) {
                garbage.staging = null;
                if (st.size > 0) {
                    seal(st);
                } else {
                    garbage.recycle(st, maxPooledBags());
                }
            }
        }

        /** Seals a bag the caller owns with the epoch now (read after every retire in it) and pushes it. */
        private void seal(Bag b) {
            b.sealEpoch = epochVolatile(); // volatile: read after the retires (see notes)
            garbage.pushSealed(b, b);
        }

        /** The pool keeps at most this many empty bags: two per slot, up to 512 slots' worth. */
        private int maxPooledBags() {
            return 16 + 2 * Math.min(512, slots().length);
        }

        /**
         * Advances the global epoch by one if every pinned slot is at the current epoch.
         *
         * @return whether the epoch is now larger than when the call started
         */
        private boolean tryAdvance() {
            long g = epochVolatile(); // volatile: SC with pins (see notes)
            // volatile, after the epoch: a slot missing from this table was created after the write of g, so a
            // pin in it is a CAS after that write, whose loads see every unlink sealed before g
            GuardSlot[] t = slotsVolatile();
            int start = 0;
            long cursor = garbage.advanceCursorAcquire(); // acquire: pairs with setAdvanceCursorRelease below
            if (t.length <= CURSOR_INDEX_MASK && (cursor >>> CURSOR_INDEX_BITS) == (g & CURSOR_EPOCH_MASK)) {
                // slots below the index were seen free or pinned at g by reads made while the epoch was g
                start = Math.min(t.length, (int) (cursor & CURSOR_INDEX_MASK));
            }
            for (int i = start; i < t.length; i++) {
                GuardSlot gs = t[i];
                long v = gs.stateVolatile(); // volatile: Dekker with the pin CAS / repin store
                if (GuardSlot.isOpen(v) && Slot.epochOf(v) != g) {
                    if (t.length <= CURSOR_INDEX_MASK) {
                        // release: our reads of slots start..i-1 happen-before a resumer's CAS
                        garbage.setAdvanceCursorRelease(((g & CURSOR_EPOCH_MASK) << CURSOR_INDEX_BITS) | i);
                    }
                    onBlocked((Slot) gs, v, g);
                    return epochVolatile() != g; // volatile: someone else may have advanced
                }
            }
            if (global.casEpoch(g, g + 1)) {
                epochStart.set((int) ((g + 1) & 3), System.nanoTime()); // volatile: read by guard-age estimates
            }
            return true; // advanced, by us or (the CAS failed) by another thread
        }

        /** Slow path when slot {@code s} (pinned at an older epoch) blocks an advance from {@code g}. */
        private void onBlocked(Slot s, long v, long g) {
            if (s.mayBeAbandoned(v)) {
                recoverIfAbandoned(s);
                return;
            }
            if (reclamation.slowGuardEnabled()) {
                long age = System.nanoTime() - epochStart.get((int) (g & 3)); // volatile: written by the advancer
                if (age >= slowGuardNanos() && s.slowReportedPin != v) { // v: the blocking pin, unique per pin
                    s.slowReportedPin = v; // plain: best-effort dedupe among scanners
                    reclamation.slowGuard(s.holder(), age, Slot.epochOf(v));
                }
            }
        }

        /** Runs ready bags (or all bags when {@code all}). The caller holds the collector flag. */
        private void collect(boolean all) {
            long g = epochVolatile(); // volatile: bags sealed at <= g - 2 are past their grace period
            garbage.collectedEpoch = g; // plain: guarded by the collector flag (see maintain())
            // the backlog at this step (once per epoch, see maintain()), before this collection and the slots'
            // own collections of their kept bags (collectKept) shrink it
            updatePeak();
            Bag list = garbage.takeAllSealed();
            Bag keepHead = null;
            Bag keepTail = null;
            while (list != null) {
                Bag next = list.next;
                if (all || list.sealEpoch <= g - 2) {
                    runBag(list, g);
                    garbage.recycle(list, maxPooledBags());
                } else {
                    list.next = keepHead;
                    keepHead = list;
                    if (keepTail == null) {
                        keepTail = list;
                    }
                }
                list = next;
            }
            if (keepHead != null) {
                garbage.pushSealed(keepHead, keepTail);
            }
        }

        private void runBag(Bag b, long g) {
            int n = b.sizeAcquire(); // acquire: pairs with Bag.add's release
            reclamation.runBatch(b.pointers, b.actions, n, b.bytes, g, 0, true); // trim: see CachingDeleter
        }

        // ------------------------------------------------------------ flush / synchronize

        void flush() {
            checkNotClosed("flush()");
            long me = Thread.currentThread().threadId();
            for (GuardSlot gs : slots()) {
                Slot s = (Slot) gs;
                long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE
                if (v == GuardSlot.FREE) {
                    if (tryLock(s)) {
                        answerRequest(s);
                        unlock(s);
                    }
                } else if (GuardSlot.isOpen(v) && s.isHeldBy(me)) {
                    sealSlotBag(s); // our own guard's slot: we own it
                }
            }
            maintainNow(); // advances even with nothing pending: flush() is asked for, and rare
        }

        @Override
        protected boolean synchronizeUntil(long deadline) {
            // Phase 1: seal every slot's bag: steal a free slot, or ask the owner of a pinned one to seal its bag
            // when its guard closes (so that a thread re-entering at once cannot starve us).
            for (GuardSlot gs : slots()) {
                Slot s = (Slot) gs;
                int round = 0;
                boolean requested = false;
                while (true) {
                    long v = s.stateVolatile(); // volatile: pairs with the pin CAS / release of FREE / DEAD
                    if (v == GuardSlot.FREE && tryLock(s)) {
                        answerRequest(s);
                        unlock(s);
                        break;
                    }
                    if (v == GuardSlot.DEAD) {
                        break; // a shrink sealed its bag before storing DEAD (release; our read acquired it)
                    }
                    if (!requested) {
                        s.setRequestVolatile(1); // volatile: the owner's close() seals; Dekker with its opaque read
                        requested = true;
                        continue;
                    }
                    if (s.requestAcquire() == 0) { // acquire: an owner sealed after our request (pairs with release)
                        break;
                    }
                    if (closeCompleted()) {
                        return true; // close() ran every deleter
                    }
                    if (GuardSlot.isOpen(v) && s.mayBeAbandoned(v) && recoverIfAbandoned(s)) {
                        break; // recovery sealed its bag
                    }
                    if (expired(deadline)) {
                        return false;
                    }
                    SlotSupport.backoff(round++);
                }
            }
            // Slots added by a concurrent grow() start empty, so their bags hold only later retires.
            // A sweep may hold entries of a slot handled above in its staging bag: wait for the collector flag,
            // which a sweep holds until it has sealed and pushed them.
            int waited = 0;
            while (!garbage.tryLockCollector()) {
                if (closeCompleted()) {
                    return true;
                }
                if (expired(deadline)) {
                    return false;
                }
                SlotSupport.backoff(waited++);
            }
            garbage.unlockCollector();
            long e1 = epochVolatile(); // volatile: every bag sealed so far has sealEpoch <= e1
            // Phase 2: advance to e1 + 2, then collect once while holding the collector flag.
            int round = 0;
            while (true) {
                if (closeCompleted()) {
                    return true;
                }
                if (epochVolatile() >= e1 + 2) { // volatile: as above
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
                    recoverAbandoned();
                }
                if (expired(deadline)) {
                    return false;
                }
                SlotSupport.backoff(round++);
            }
        }

        // ------------------------------------------------------------ GuardTable hooks

        @Override
        protected Slot newSlot(int index, int tableLength) {
            return new Slot(index);
        }

        @Override
        protected PooledGuard newGuard(Slot slot) {
            return new EpochGuard(owner(), this, slot);
        }

        @Override
        protected long openState() {
            return Slot.pinOf(epochVolatile()); // volatile: as in enter()
        }

        @Override
        protected void beforeCloseWaitRound() {
            tryAdvance(); // lets guard ages (measured from epoch starts) grow for the timeout message
        }

        @Override
        protected void drainSlot(Slot s) {
            answerRequest(s);
        }

        @Override
        protected boolean drained(boolean busy) {
            if (!garbage.tryLockCollector()) {
                return false;
            }
            try {
                collect(true);
            } finally {
                garbage.unlockCollector();
            }
            if (busy || garbage.sealedVolatile() != null) {
                return false;
            }
            for (GuardSlot gs : slots()) {
                Slot s = (Slot) gs;
                Bag b = s.bag; // plain: read after our own steals; only this thread retires while draining
                if (b != null && b.sizeAcquire() > 0) { // acquire: pairs with Bag.add's release
                    return false;
                }
                if (s.sealedHead != null) { // plain: as for the bag
                    return false;
                }
            }
            return true;
        }

        @Override
        protected Scheme scheme() {
            return Scheme.EBR;
        }

        @Override
        protected long currentEpoch() {
            return epochVolatile();
        }

        @Override
        public GuardInfo oldestGuard(boolean withStack) {
            Slot oldest = null;
            long oldestState = 0;
            for (GuardSlot gs : slots()) {
                long v = gs.stateVolatile(); // volatile: pairs with the pin CAS
                if (GuardSlot.isOpen(v) && (oldest == null || Slot.epochOf(v) < Slot.epochOf(oldestState))) {
                    oldest = (Slot) gs;
                    oldestState = v;
                }
            }
            return oldest == null ? null : describe(oldest, oldestState, withStack);
        }

        /** The guard's epoch and a lower bound of its age (see the Diagnostics note). */
        @Override
        protected GuardInfo describe(Slot s, long v, boolean withStack) {
            long e = Slot.epochOf(v);
            long g = epochVolatile(); // volatile: current epoch
            long age = e < g ? Math.max(0, System.nanoTime() - epochStart.get((int) ((e + 1) & 3))) : 0;
            return info(s, age, e, withStack);
        }

        void report(String what, Throwable error) {
            reclamation.report(what, error);
        }
    }

    // ---------------------------------------------------------------- builder

    /** Configures an {@link EpochReclaimer}. */
    public static final class Builder extends ReclaimerBuilder<Builder> {
        private int bagCapacity = 64;
        private int advanceEvery = 128;

        private Builder() {
        }

        /**
         * Test seam and tuning knob: how many retirements a slot's bag holds before it is sealed and handed
         * to the collector (default 64).
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder bagCapacity(int capacity) {
            this.bagCapacity = atLeastOne(capacity, "bagCapacity");
            return this;
        }

        /**
         * Test seam and tuning knob: on average one guard close in {@code pins}, over the whole slot table,
         * tries to advance the epoch, sweeps idle slots' partial bags and collects (default 128; each slot
         * counts its closes from a random phase). While nothing is retired and pending, those closes do
         * nothing: the epoch stays where it is.
         *
         * @param pins at least 1
         * @return this builder
         */
        public Builder advanceEvery(int pins) {
            this.advanceEvery = atLeastOne(pins, "advanceEvery");
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
    }
}
