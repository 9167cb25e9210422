package dev.reclaim.robust;

import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.internal.GuardSlot;
import dev.reclaim.internal.GuardTable;
import dev.reclaim.internal.PooledGuard;
import dev.reclaim.internal.SlotTable;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Interval-based reclamation (2GE-IBR, Wen et al. 2018): readers reserve an interval of eras, retired nodes
 * carry the interval {@code [birth era, retire era]} of their lifetime, and a node is freed once its interval
 * overlaps no reservation. Reads cost about what epochs cost (two loads and a compare per protect), and a
 * stalled reader holds back only the nodes born before its reservation's upper era, so garbage stays bounded
 * ({@link #garbageBound(int, long)}). See the package documentation for the user guide.
 *
 * <p>Each instance is one domain: create one per data structure ({@link #create()}, {@link #builder()}).
 * Every method is thread-safe; guards are not bound to threads. Structures get the bound by stamping
 * {@link Guard#birthEra()} into each node before publishing it and passing it back to
 * {@link Guard#retire(long, long, dev.reclaim.Deleter)}.
 */
public final class RobustReclaimer implements Reclaimer {

    /*
     * Implementation notes
     * ====================
     *
     * Why 2GE-IBR and not Hyaline-S
     * -----------------------------
     * Both bound garbage under a stalled reader by comparing a node's [birth, retire] eras with per-reader
     * era reservations. Hyaline-S additionally needs, per retired node, a batch link, a reference count and a
     * list link (three words in the node or in a header the Deleter API does not have), a double-width CAS
     * on every slot head (Java has none; packing pointer and count into 64 bits limits both), and it pays a
     * CAS on every active slot for each retired batch. Its headline advantage -- no thread registration, so
     * it stays fast when threads outnumber slots -- does not apply here: our slots belong to guards, not
     * threads (SlotTable), so a preempted thread occupies one slot and an idle one none. 2GE-IBR needs only
     * the birth era (Guard.birthEra / retire(pointer, birthEra, deleter), one word in the node, stored by the
     * structure) and plain per-slot retired lists, which the shared SlotTable already has.
     *
     * Slots
     * -----
     * The slot table, guard pooling, abandoned-guard recovery and close are dev.reclaim.internal.GuardTable's
     * (shared with every scheme); retired lists and the scan loop, defer, flush and synchronize are
     * SlotTable's (shared with hazard pointers; see their notes). A RobustSlot adds its reservation
     * [lower, upper] (lower/upper: longs) and an advance countdown; Table, configured once from the builder,
     * holds the era clock and the interval rule.
     *
     * Heap references (protect(int, AtomicReference)) are an acquire load with no era check: a heap object is
     * given up only through defer(), whose grace period waits for every guard open at the call (slot
     * generations, not eras), so an era published for it would have no reader.
     *
     * Eras
     * ----
     * One global era E (EraClock, padded, starts at 1). It advances by one CAS every Q retirements of a slot
     * (a per-slot countdown from a random phase, so on average once per Q retirements over the table), on
     * every synchronize() round and every flush(). Q is the era quantum, next to E in EraClock:
     *  - on the first table (platform threads, no burst) Q = R = eraEvery (default 64);
     *  - while the table is grown for a burst of open guards, each scan adjusts it from the previous scan of
     *    the same list: if more than a quarter of the birth-stamped entries retired since the scan before were
     *    kept (their [b, r] overlapped an open reservation), Q halves, down to 0; if none was kept it doubles,
     *    up to R. Q = 0 means one retirement per era and, in addition, birthEra() advances the era and
     *    returns the era after the advance, so a guard that reserved an era before a node existed never holds
     *    it back. A thread-per-task burst needs this: nearly every guard is open at once (the tasks queue
     *    behind the submissions), so with R retirements per era every era contains an open guard's
     *    reservation and everything born in it is held until that guard closes.
     * Q is a hint (opaque reads and writes; racing scans may overwrite each other): any Q only changes how
     * often E moves, never what a scan may free. birthEra() returning the re-read era is safe for the same
     * reason any era read before the publication is (argument (2) below: the reader's era read follows its
     * load of the published node, so it reads at least that value). A retire whose countdown exceeds a
     * smaller Q redraws its phase in [0, Q) (0: advance now).
     * Scans with more than 32 open reservations index them (RobustSlot.indexReservations: prefix maximum of
     * the upper eras over buckets of lower eras; eras that share a bucket only keep more), so an entry is an
     * O(1) test instead of O(open guards). Birth era 0 means "unknown":
     * older than every era, so plain retire(pointer, deleter) and nodes stamped 0 are kept like EBR keeps
     * them (until every guard whose lower era is at most their retire era has closed) -- conservative.
     *
     * Reader (light side)                              Reclaimer (heavy side)
     *   enter: claim CAS (full fence); e = E (volatile)  unlink X (the structure's CAS, volatile)
     *          lower = e (release, if changed)           retire: r = E (volatile); append [b, r]
     *          upper = e (volatile, if changed)          scan: fullFence; for every OPEN slot read
     *   protect: p = *addr (acquire); e = E (acquire)          state, upper, lower (volatile)
     *     e == upper ? return p                          free X iff for every reservation [l, u]:
     *     : upper = e (volatile: StoreLoad), reload            b > u  or  r < l
     *   close: release FREE (the reservation is ignored from then on)
     *
     * Why a node a reader may dereference is never freed. The reader dereferences p only after a protect
     * returned it with reservation [l, u] published (at enter or by a protect's volatile store) before the
     * final pointer load, and with the era read after that load equal to u.
     *  (1) r >= l: p was linked when the reader loaded it, so the unlink came later; the retirer read r
     *      after its unlink; the reader read l (after its claim CAS) before its loads. If r < l, the era was
     *      advanced past r after the retirer's read, and the reader read that advance before its loads:
     *      unlink < retirer's read < advance < reader's read of l < reader's load, so the load could not
     *      return p. (The era reads are volatile, the unlink and claim are volatile CASes;
     *      the reader's pointer load is an acquire load ordered after its volatile era read. Like the HP
     *      argument this relies on HotSpot's volatile CAS being a full fence and on multi-copy-atomic
     *      stores, which every HotSpot port provides.)
     *  (2) b <= u: the birth era was read before the node was published (release/CAS), the reader's acquire
     *      load saw the publication, and its era read came after that load, so it read at least b; protect
     *      returns only when that era equals the published u.
     *  (3) The scanner sees [l, u] or something safe: if its volatile read of upper came before the reader's
     *      volatile store of u, the unlink (before the scan's fence) precedes that store, which precedes the
     *      reader's reload, so the reader cannot see p (same argument as hazard pointers). A stale lower is
     *      always smaller (eras only grow, and the slot passed from the previous owner through release/CAS),
     *      which only keeps more. A scanner that saw the slot FREE scanned before the claim CAS, so after the
     *      unlink: that guard cannot reach p.
     * Hence freeing X needs b > u or r < l for every reservation, which excludes every reader of X.
     *
     * Protect needs no store while the era does not move: the reservation published at enter (or by the
     * previous protect) still covers the load. Only when the era advanced since does it publish the new
     * upper era and pay a StoreLoad, once per era per guard (with R = 64 that is at most once per 64
     * retirements of a slot, and never for readers while nobody retires).
     *
     * Garbage bound
     * -------------
     * Between two scans a slot gains fewer than T = max(R0, S) entries (S = slots of the first table, R0 =
     * scanThreshold, default 64; lists of a table grown for a burst go to SlotTable's domain list), and after a scan it keeps only entries whose [b, r] overlaps an open reservation. A
     * reservation [l, u] keeps only nodes born at an era <= u and retired at an era >= l: nodes that were
     * alive when era l began, or allocated during eras l..u. A guard that stops running (a stalled reader, but
     * just as well a worker descheduled for a time slice in the middle of an operation) has a fixed [l, u], so
     * it keeps at most L_i + (what was allocated in eras l..u), L_i = the structure's nodes alive at its last
     * read. The era advances at the latest after S x R retirements (one slot's countdown reaches 0), so a
     * structure that retires about as often as it allocates allocates about S x R nodes per era; an operation's
     * guard spans its enter era and at most one more era when it stalls, and guards that keep running hold
     * only the nodes retired in the current era. Summing over the G guards that may be open (stalled or
     * descheduled) at once:
     *     pending <= S x T + G x (2 x S x R + L)      (garbageBound(G, L); garbageBound(L) is G = 1)
     * with L the most nodes the structure holds while they are open. G cannot be 1 in general: every thread
     * inside an operation can be descheduled, and while it is, its guard is a stalled reader. How much of L a
     * stalled guard really keeps depends on the structure's order: in a LIFO stack the nodes alive at the
     * stall sit below the top and are rarely retired soon, so almost nothing is kept; in a FIFO queue they are
     * exactly the nodes polled next, so a descheduled poller keeps every node polled during its pause, up to
     * the queue's length (the torture saw 6,000-12,000 pending nodes for 4 threads on 2 cores, where the old
     * single-stall formula S x T + 2 x S x R + L claimed 3,074). Nodes retired with birth era 0 (plain retire,
     * defer) are outside this bound: a stalled reader holds them all, as with EBR.
     * Deferred actions use the SlotTable's grace periods (a snapshot of the open slots' generations).
     *
     * Linearization points: as in SlotTable; protect = the last pointer load (the one whose following era
     * read matched the published upper era); a node's reclamation = the snapshot that missed it.
     *
     * References: H. Wen, J. Izraelevitz, W. Cai, H. A. Beadle, M. L. Scott, "Interval-based memory
     * reclamation", PPoPP 2018 (2GE-IBR); R. Nikolaev, B. Ravindran, "Snapshot-free, transparent, and robust
     * memory reclamation for lock-free data structures", PLDI 2021 (Hyaline-S, considered above).
     */

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    final Table table; // package-private: tests read its diagnostics
    /** The table's first slots: enter() claims from them directly (see GuardTable.claim). */
    private final GuardSlot[] first;

    private RobustReclaimer(Builder b) {
        this.table = new Table(this, b);
        this.first = table.slots();
    }

    /** The shared slot machinery with the interval rule; configured once, from the builder. */
    static final class Table extends SlotTable<RobustSlot> {
        /** R0: the smallest number of retirements between two scans of a slot. */
        private final int r0;
        /** R: a slot advances the era every eraEvery retirements. */
        final int eraEvery;
        /** The global era. */
        final EraClock clock = new EraClock();
        /**
         * Up to this many open reservations a scan tests each entry against all of them; above it (a burst of
         * open guards) the snapshot is indexed by lower era ({@link RobustSlot#indexReservations}).
         */
        static final int LINEAR_SCAN = 32;
        /** A scan adjusts the era rate only from at least this many birth-stamped entries. */
        static final int ADAPT_SAMPLE = 16;
        /**
         * The most birth-stamped entries one scan kept because their eras overlapped open reservations (what the
         * era rate decides; entries waiting for a scan are not counted). Plain: written racily by scanners, read
         * by tests.
         */
        long peakKeptStamped;
        /** Whether scans adjust the era rate (the builder's test seam turns it off). */
        private final boolean adaptive;

        Table(Reclaimer owner, Builder b) {
            super(owner, b, "robust", INSTANCES);
            this.r0 = b.scanThreshold;
            this.eraEvery = b.eraEvery;
            this.adaptive = b.adaptiveEras;
            clock.setQuantumOpaque(eraEvery); // opaque: before any guard exists (published with the reclaimer)
            start();
        }

        @Override
        protected RobustSlot createSlot(int index) {
            return new RobustSlot(index, eraEvery);
        }

        @Override
        protected PooledGuard newGuard(RobustSlot slot) {
            return new RobustGuard(owner(), this, slot);
        }

        @Override
        protected int scanThreshold(int slotCount) {
            return Math.max(r0, slotCount);
        }

        @Override
        protected int snapshot(RobustSlot scanner, GuardSlot[] slots) {
            adaptEraRate(scanner, slots.length > initialLength());
            scanner.ensureSnapshotCapacity(32);
            long[] lo = scanner.lowers;
            long[] up = scanner.uppers;
            long min = Long.MAX_VALUE;
            int n = 0;
            long retired = 0;
            for (GuardSlot b : slots) {
                RobustSlot t = (RobustSlot) b;
                long v = t.stateVolatile(); // volatile: pairs with the claim CAS (see notes, (3))
                retired += retiredCount(t, v);
                if (GuardSlot.isOpen(v)) {
                    long u = t.upperVolatile(); // volatile: pairs with setUpperVolatile in enter/protect
                    long l = t.lowerVolatile(); // volatile: pairs with setLowerRelease; stale = smaller = safe
                    if (n == lo.length) {
                        scanner.ensureSnapshotCapacity(n + 1);
                        lo = scanner.lowers;
                        up = scanner.uppers;
                    }
                    lo[n] = l;
                    up[n] = u;
                    n++;
                    if (l < min) {
                        min = l;
                    }
                }
            }
            sawRetired(scanner, retired);
            scanner.minLower = min;
            if (n > LINEAR_SCAN) {
                scanner.indexReservations(n);
            }
            return n;
        }

        /**
         * While the table is grown for a burst of open guards, adjusts the era rate from what the previous scan
         * of {@code scanner} did with the birth-stamped entries retired since the scan before it (older ones
         * may be held by a stalled guard, which no era rate frees): kept more than a quarter of them (their
         * eras overlap open reservations): halve the retirements per era, down to 0 (birthEra advances too);
         * kept none: double them, up to eraEvery. On the first table (platform threads, no burst) the rate is
         * eraEvery: protect then publishes at most once per
         * eraEvery retirements.
         */
        private void adaptEraRate(RobustSlot scanner, boolean burst) {
            int examined = scanner.examined;
            int kept = scanner.kept;
            scanner.examined = 0;
            scanner.kept = 0;
            if (scanner.keptStamped > peakKeptStamped) {
                peakKeptStamped = scanner.keptStamped; // plain: a racy diagnostic, read by tests
            }
            scanner.keptStamped = 0;
            scanner.sampleFrom = scanner.snapshotEra;
            scanner.snapshotEra = clock.eraVolatile(); // volatile: after the scan fence; only a sampling boundary
            int q = clock.quantumOpaque(); // opaque: a hint; racing scans may overwrite each other
            if (!burst) {
                if (q != eraEvery) {
                    clock.setQuantumOpaque(eraEvery); // opaque: the table is back to its first size: the fixed rate
                }
                return;
            }
            if (!adaptive || examined < ADAPT_SAMPLE) {
                return;
            }
            if (kept > examined >>> 2) {
                if (q > 0) {
                    clock.setQuantumOpaque(q >>> 1); // opaque: read by retire and birthEra
                }
            } else if (kept == 0 && q < eraEvery) {
                clock.setQuantumOpaque(Math.min(eraEvery, Math.max(1, q << 1))); // opaque: as above
            }
        }

        @Override
        protected boolean isProtected(RobustSlot scanner, int n, long pointer, long birth, long era) {
            boolean keep = overlaps(scanner, n, birth, era);
            if (keep && birth != 0) {
                scanner.keptStamped++;
            }
            // only entries new since the previous scan: old ones a stalled guard holds do not count
            if (birth != 0 && era >= scanner.sampleFrom) {
                scanner.examined++;
                if (keep) {
                    scanner.kept++;
                }
            }
            return keep;
        }

        private static boolean overlaps(RobustSlot scanner, int n, long birth, long era) {
            if (era < scanner.minLower) {
                return false; // retired before every open reservation began
            }
            if (n > LINEAR_SCAN) {
                return scanner.reachFrom(era) >= birth; // some reservation began by `era` and reaches `birth`
            }
            long[] lo = scanner.lowers;
            long[] up = scanner.uppers;
            for (int i = 0; i < n; i++) {
                if (birth <= up[i] && era >= lo[i]) {
                    return true; // [birth, era] overlaps the reservation [lo, up]
                }
            }
            return false;
        }

        @Override
        protected void beforeSynchronizeRound() {
            clock.advanceFrom(clock.eraVolatile()); // new guards reserve eras after every pending retire
        }

        @Override
        protected long reservedEpoch(RobustSlot slot) {
            return slot.lowerVolatile(); // volatile (inside): diagnostics; pairs with setLowerRelease
        }

        @Override
        protected Scheme scheme() {
            return Scheme.ROBUST;
        }

        @Override
        protected long currentEpoch() {
            return clock.eraVolatile(); // volatile: a fresh value for stats
        }

        /** The open guard with the smallest lower era (the one holding back the most garbage); age unknown. */
        @Override
        public GuardInfo oldestGuard(boolean withStack) {
            RobustSlot oldest = null;
            long oldestLower = Long.MAX_VALUE;
            for (GuardSlot b : slots()) {
                RobustSlot s = (RobustSlot) b;
                if (GuardSlot.isOpen(s.stateVolatile())) { // volatile: pairs with the claim CAS
                    long l = s.lowerVolatile(); // volatile: diagnostics
                    if (oldest == null || l < oldestLower) {
                        oldest = s;
                        oldestLower = l;
                    }
                }
            }
            return oldest == null ? null : GuardTable.info(oldest, 0, oldestLower, withStack);
        }
    }

    // ---------------------------------------------------------------- factories

    /**
     * Creates an interval-based reclaimer with default settings. The caller owns it and must close it.
     *
     * @return a new reclaimer
     */
    public static RobustReclaimer create() {
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
     * The bound on pending retired pointers when at most one guard can be stalled or descheduled at a time:
     * {@link #garbageBound(int, long) garbageBound(1, live)}, i.e. {@code S x T + 2 x S x R + live}. With
     * several threads inside guards each of them can be descheduled in the middle of an operation, and while
     * it is its guard holds back what a stalled reader holds: use {@link #garbageBound(int, long)} with the
     * number of guards that may be open at once.
     *
     * @param live the most nodes the structure holds while the guard is stalled (what it could reach)
     * @return the bound for the current slot table and one stalled guard
     */
    public long garbageBound(long live) {
        return garbageBound(1, live);
    }

    /**
     * The bound on pending retired pointers, {@code S x T + guards x (2 x S x R + live)}, with {@code S}
     * slots, {@code T} the scan threshold, {@code R} the era interval ({@code eraEvery}), {@code guards} the
     * number of guards that may be open at the same time (every thread that operates on the structure: any of
     * them can be descheduled inside a guard, and a descheduled guard is a stalled reader), and {@code live}
     * the most nodes the structure holds while they are open. Each stalled guard keeps at most the nodes alive
     * at its last read plus those allocated in its one or two reserved eras; how much of that it really keeps
     * depends on the structure's order (a FIFO queue retires exactly the nodes alive at the stall, so a
     * descheduled poller keeps up to the queue's length; a LIFO stack rarely retires them). It holds for nodes
     * retired with their birth era, when the structure retires about as often as it allocates; nodes retired
     * with birth era 0 and deferred actions are not covered (see the package documentation).
     *
     * @param guards the guards that may be open at once (at least 1)
     * @param live   the most nodes the structure holds while they are open (at least 0)
     * @return the bound for the current slot table
     * @throws IllegalArgumentException if {@code guards < 1} or {@code live < 0}
     */
    public long garbageBound(int guards, long live) {
        if (guards < 1 || live < 0) {
            throw new IllegalArgumentException("garbageBound(" + guards + ", " + live + "): pass the number of"
                    + " guards that may be open at once (>= 1, e.g. the threads using the structure) and the most"
                    + " nodes the structure holds meanwhile (>= 0)");
        }
        int s = table.slots().length;
        return (long) s * table.scanThreshold(s) + guards * (2L * s * table.eraEvery + live);
    }

    /**
     * The current global era (what {@link Guard#birthEra()} returns now).
     *
     * @return the era, at least 1
     */
    public long era() {
        return table.clock.eraVolatile(); // volatile: a fresh value for diagnostics
    }

    // ---------------------------------------------------------------- the Reclaimer interface

    @Override
    public Guard enter() {
        RobustGuard g = (RobustGuard) table.claim(first, GuardSlot.OPEN);
        g.reserve();
        return g;
    }

    /**
     * Advances the era and scans the retired lists of every slot whose guard is not open (stealing each
     * briefly), freeing what no reservation covers. Lists of open guards are scanned by their owners.
     */
    @Override
    public void flush() {
        table.checkNotClosed("flush()");
        table.clock.advanceFrom(table.clock.eraVolatile());
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
        table.close();
    }

    @Override
    public ReclaimerStats stats() {
        return table.stats();
    }

    /**
     * Describes the open guard with the oldest reservation (the smallest lower era: the one holding back the
     * most garbage). No timestamps are kept (enter reads no clock), so the age is reported as 0.
     *
     * @param withStack whether to capture the holder thread's current stack (costly)
     * @return the oldest open guard, or null when none is open
     */
    public GuardInfo oldestGuard(boolean withStack) {
        return table.oldestGuard(withStack);
    }

    @Override
    public Scheme scheme() {
        return Scheme.ROBUST;
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
        return "RobustReclaimer[" + table.name() + ", era " + table.clock.eraVolatile()
                + (table.isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link RobustReclaimer}. */
    public static final class Builder extends ReclaimerBuilder<Builder> {
        private int scanThreshold = 64;
        private int eraEvery = 64;
        private boolean adaptiveEras = true;

        private Builder() {
        }

        /**
         * Tuning knob and test seam: R0, the smallest number of retirements a slot collects between two scans
         * (default 64). The scan threshold is {@code max(R0, slots of the first table)}.
         *
         * @param r0 at least 1
         * @return this builder
         */
        public Builder scanThreshold(int r0) {
            this.scanThreshold = atLeastOne(r0, "scanThreshold");
            return this;
        }

        /**
         * Tuning knob and test seam: R, a slot advances the global era every {@code retirements} retirements
         * (default 64); while the slot table is grown for a burst of open guards the scans may lower the rate
         * below R (down to an advance per retirement and per birth era), never above it. Smaller values make
         * protect publish more often and bound garbage tighter.
         *
         * @param retirements at least 1
         * @return this builder
         */
        public Builder eraEvery(int retirements) {
            this.eraEvery = atLeastOne(retirements, "eraEvery");
            return this;
        }

        /**
         * Test seam (negative controls): with {@code false} the era advances every {@code eraEvery} retirements
         * whatever the scans keep.
         */
        Builder adaptiveEras(boolean on) {
            this.adaptiveEras = on;
            return this;
        }

        /**
         * Creates the reclaimer.
         *
         * @return a new reclaimer; the caller owns it and must close it
         */
        public RobustReclaimer build() {
            return new RobustReclaimer(this);
        }
    }
}
