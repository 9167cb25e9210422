package dev.reclaim.hazard;

import dev.reclaim.Guard;
import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerBuilder;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.internal.AsymmetricFence;
import dev.reclaim.internal.GuardSlot;
import dev.reclaim.internal.GuardTable;
import dev.reclaim.internal.PooledGuard;
import dev.reclaim.internal.SlotTable;
import dev.reclaim.memory.Memory;

import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

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
     * The slot table, guard pooling, abandoned-guard recovery and close are dev.reclaim.internal.GuardTable's
     * (shared with every scheme); retired lists, the scan loop, defer, flush and synchronize are SlotTable's
     * (shared with the robust scheme; see their notes). A hazard slot (HazardSlot) adds its 4 hazard words
     * (longs, tag bits masked); HazardGuard adds protect, and Table, configured once from the builder, the
     * reclamation rule: a retired pointer is kept while some published hazard equals it.
     *
     * Heap references (protect(int, AtomicReference)) publish nothing: they are an acquire load, as under
     * every scheme. A heap object can only be given up through defer(), whose grace period waits for every
     * guard open at the call whatever it loaded (see SlotTable and Deferred), so a hazard naming it would have
     * no reader. Only off-heap pointers, which retire() frees by address, have hazards.
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
     * Asymmetric mode (builder asymmetricFence(true), when dev.reclaim.internal.AsymmetricFence is asymmetric,
     * as folly's hazptr does with membarrier): the publish is an opaque store followed by AsymmetricFence.light() (a
     * compiler barrier) and the scan's fence is AsymmetricFence.heavy(). The argument above holds with "SC
     * order" replaced by the membarrier argument: the barrier heavy() forces on the reader's CPU falls after
     * W (the scan then reads X) or before it (then q, after W, sees the unlink, which precedes heavy()). A
     * scan then costs a system call, so the default R0 rises from 64 to 1024 (the bound below grows with it).
     * Symmetric mode (the default, and whenever membarrier is unusable): the StoreLoad lives in protect as the
     * volatile hazard store (x86: a lock-prefixed store/xchg; AArch64: stlr, which the ldar of the re-read
     * cannot pass), and the fullFence in scan orders the plain retire appends and the unlink before the
     * hazard reads; one fence per scan.
     *
     * ABA: protect compares the re-read word with the first one. If addr went X -> Y -> X between the loads,
     * the second X is a valid node (it is linked now, after our publish), so protecting it is correct. A
     * node's address can only be reused after it was freed, and it cannot be freed while our hazard equals it.
     * Tag bits are masked in the hazard and in the scan, so a tagged link protects the untagged node.
     *
     * The folded hazard (enterProtecting): the claim CAS of the slot's state (FREE -> p | OPEN, volatile) is
     * the publish W of the argument above, and protect's first load is its re-read q; the scan reads the
     * state (volatile, after its fullFence) as one more hazard word, so both cases go through unchanged (in
     * asymmetric mode the CAS is a full fence on the reader's side anyway). Giving the folded hazard up is a
     * release store of plain OPEN by the owner, like clearing a hazard word: no one else writes an open slot's
     * state while its guard is reachable (steals CAS from FREE; recovery CASes only unreachable guards).
     *
     * Retire and scan
     * ---------------
     * Retired lists and the scan loop are SlotTable's. This scheme's snapshot (Table.snapshot) copies the
     * non-zero hazards of every open slot (volatile reads, after the scan's fullFence; a slot read FREE claims
     * after that read in the SC order, hence after the unlink, so its guard cannot reach a listed pointer) into
     * the scanning slot's
     * reused long[] and sorts it; isProtected is a binary search of the untagged pointer. Above HASH_FROM
     * hazards (a burst of open guards, one hazard each, mostly naming the same few nodes) the array is put into
     * an open-addressing set of its distinct hazards instead (HazardSlot.hashSnapshot, linear probing, sized
     * from the previous scan's distinct count) and isProtected is a set lookup: a scan costs O(S + H) instead
     * of O(S + H log H), and the set stays cache-sized. The threshold of a
     * slot's list is T = max(R0, K x H0), H0 = 4 x the first table's length, K = 2, R0 = the builder's
     * scanThreshold (default 64; 1024 in asymmetric mode): at least T retires between two scans of a slot,
     * each costing O(H log H + list length). On a table grown for a burst a full list goes to SlotTable's
     * domain list instead, scanned every max(T, S / 64) entries (S = table length; see SlotTable's notes).
     *
     * Garbage bound: after a scan a slot keeps at most H pointers (each equals a distinct published hazard:
     * an address is reused only after it was freed); before the next scan it gains fewer than T more. So a
     * slot holds at most H + T pending pointers, and the reclaimer at most S x (H + T) with S slots, H = 4S:
     * with the defaults on a machine with S = 16, 16 x (64 + 128) = 3072 pointers -- with or without a stalled
     * reader. Deferred actions are outside this bound (they wait for guards to close, like EBR).
     *
     * defer, synchronize and close: see SlotTable's and GuardTable's notes (grace periods by slot generation;
     * scan requests to open guards; close waits for guards, then frees everything regardless of hazards).
     *
     * Linearization points: enter = the claim CAS; close = the release store of FREE; protect = the
     * validating re-read; retire = the plain append (published by the slot's next release); a pointer's
     * reclamation = the scan's hazard snapshot that missed it.
     *
     * References: M. M. Michael, "Hazard pointers: safe memory reclamation for lock-free objects", IEEE TPDS
     * 2004; folly/synchronization/Hazptr.h (domains, amortised scan thresholds, light/heavy fence naming);
     * P2530 (hazard pointers for C++26).
     */

    /** Default R0 with a fence per protect: a scan costs one full fence. */
    static final int SYMMETRIC_R0 = 64;
    /** Default R0 with asymmetric fences: a scan costs a membarrier call (microseconds), amortised over R0 retires. */
    static final int ASYMMETRIC_R0 = 1024;

    /** Multiplier K of the scan threshold T = max(R0, K x H). */
    static final int K = 2;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Table table;
    /** The table's first slots: enter() claims from them directly (see GuardTable.claim). */
    private final GuardSlot[] first;

    private HazardReclaimer(Builder b) {
        this.table = new Table(this, b);
        this.first = table.slots();
    }

    /**
     * Above this many published hazards (a burst of open guards) a scan's snapshot is a set of the distinct
     * hazards instead of a sorted array: O(H) instead of O(H log H) per scan.
     */
    static final int HASH_FROM = 1024;

    /** The shared slot machinery with the hazard-pointer rule; configured once, from the builder. */
    static final class Table extends SlotTable<HazardSlot> {
        /** R0: the smallest number of retirements between two scans of a slot. */
        private final int r0;
        /** Whether protect publishes with a compiler barrier and scans run AsymmetricFence.heavy(). */
        private final boolean asymmetric;

        Table(Reclaimer owner, Builder b) {
            super(owner, b, "hp", INSTANCES);
            this.asymmetric = b.asymmetricFence && AsymmetricFence.isAsymmetric();
            this.r0 = b.scanThreshold > 0 ? b.scanThreshold : asymmetric ? ASYMMETRIC_R0 : SYMMETRIC_R0;
            start();
        }

        @Override
        protected HazardSlot createSlot(int index) {
            return new HazardSlot(index);
        }

        @Override
        protected PooledGuard newGuard(HazardSlot slot) {
            return new HazardGuard(owner(), this, slot, asymmetric);
        }

        @Override
        protected int scanThreshold(int slotCount) {
            return Math.max(r0, K * Guard.PROTECT_SLOTS * slotCount);
        }

        @Override
        protected void scanFence() {
            if (asymmetric) {
                AsymmetricFence.heavy(); // pairs with the light() between protect's publish and re-read
            } else {
                VarHandle.fullFence(); // pairs with protect's volatile publication
            }
        }

        @Override
        protected int snapshot(HazardSlot scanner, GuardSlot[] slots) {
            long[] hz = scanner.snapshotBuffer(64);
            int nh = 0;
            long retired = 0;
            for (GuardSlot b : slots) {
                HazardSlot t = (HazardSlot) b;
                long v = t.stateVolatile(); // volatile: a slot not open now claims after this read (SC), after the unlink
                retired += retiredCount(t, v);
                if (!GuardSlot.isOpen(v)) {
                    continue; // skip its words
                }
                if (nh + Guard.PROTECT_SLOTS + 1 > hz.length) {
                    hz = scanner.snapshotBuffer(nh + Guard.PROTECT_SLOTS + 1);
                }
                if (v != GuardSlot.OPEN) {
                    hz[nh++] = v & ~GuardSlot.OPEN; // the hazard an enterProtecting claim folded into the state
                }
                for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                    long h = t.hazardVolatile(i); // volatile: pairs with setHazardVolatile in protect
                    if (h != 0) {
                        hz[nh++] = h;
                    }
                }
            }
            sawRetired(scanner, retired);
            if (nh > HASH_FROM) {
                scanner.hashSnapshot(nh); // a burst's guards mostly protect the same few nodes: a small set
            } else {
                scanner.hashed = false;
                if (nh > 1) {
                    Arrays.sort(hz, 0, nh);
                }
            }
            return nh;
        }

        @Override
        protected boolean isProtected(HazardSlot scanner, int nh, long pointer, long birth, long era) {
            if (scanner.hashed) {
                return scanner.inSet(pointer & ~Guard.TAG_MASK);
            }
            return nh != 0 && Arrays.binarySearch(scanner.snapshot, 0, nh, pointer & ~Guard.TAG_MASK) >= 0;
        }

        /** A guard holds garbage back only while one of its hazard words is set. */
        @Override
        protected boolean holdsBack(HazardSlot slot) {
            long v = slot.stateVolatile(); // volatile: diagnostics; pairs with the claim CAS
            if (GuardSlot.isOpen(v) && v != GuardSlot.OPEN) {
                return true; // a hazard folded into the state
            }
            for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                if (slot.hazardVolatile(i) != 0) { // volatile: diagnostics; pairs with setHazardVolatile in protect
                    return true;
                }
            }
            return false;
        }

        @Override
        protected void clearProtections(HazardSlot slot) {
            slot.clearHazardsFully();
        }

        @Override
        protected Scheme scheme() {
            return Scheme.HP;
        }

        @Override
        protected long currentEpoch() {
            return -1;
        }

        /** An open guard, preferring one that currently protects a pointer (hazard pointers keep no clock). */
        @Override
        public GuardInfo oldestGuard(boolean withStack) {
            HazardSlot found = null;
            for (GuardSlot b : slots()) {
                HazardSlot s = (HazardSlot) b;
                long v = s.stateVolatile(); // volatile: pairs with the claim CAS
                if (!GuardSlot.isOpen(v)) {
                    continue;
                }
                if (found == null) {
                    found = s;
                }
                if (v != GuardSlot.OPEN) {
                    return GuardTable.info(s, 0, -1, withStack); // a hazard folded into the state
                }
                for (int i = 0; i < Guard.PROTECT_SLOTS; i++) {
                    if (s.hazardVolatile(i) != 0) { // volatile: diagnostics
                        return GuardTable.info(s, 0, -1, withStack);
                    }
                }
            }
            return found == null ? null : GuardTable.info(found, 0, -1, withStack);
        }
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
        int s = table.slots().length;
        long h = (long) Guard.PROTECT_SLOTS * s;
        return s * (h + table.scanThreshold(s));
    }

    /** Slots in the first table, the one enter()'s fast path probes (tests). */
    int firstTableLength() {
        return first.length;
    }

    /** The scan threshold T = max(R0, K x H) for the current slot table (tests). */
    int scanThreshold() {
        return table.scanThreshold(table.slots().length);
    }

    // ---------------------------------------------------------------- the Reclaimer interface

    @Override
    public Guard enter() {
        return table.claim(first, GuardSlot.OPEN);
    }

    /**
     * Opens a guard whose claim CAS also publishes the pointer {@code address} holds as the hazard of
     * {@code index} (the slot's state becomes {@code pointer | OPEN}, which scans read as one more hazard), so
     * the {@code protect(index, address)} that follows validates it with one load and no fence of its own when
     * {@code address} still holds that pointer. See {@link Reclaimer#enterProtecting}.
     */
    @Override
    public Guard enterProtecting(int index, long address) {
        Objects.checkIndex(index, Guard.PROTECT_SLOTS);
        long p = Memory.getLongAcquire(address) & ~Guard.TAG_MASK; // acquire: a guess only; protect validates it
        HazardGuard g = (HazardGuard) table.claim(first, p | GuardSlot.OPEN); // CAS: claims and publishes p (StoreLoad)
        g.folded(index, p);
        return g;
    }

    /**
     * Scans the retired lists of every slot whose guard is not open (stealing each briefly), freeing what no
     * hazard protects. Lists of open guards are scanned by their owners (when they fill up, or on close
     * while a {@link #synchronize()} waits).
     */
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
        table.close();
    }

    @Override
    public ReclaimerStats stats() {
        return table.stats();
    }

    /**
     * Describes an open guard, preferring one that currently protects a pointer. Hazard pointers keep no
     * timestamps (enter reads no clock), so the age is reported as 0 and the epoch as -1.
     *
     * @param withStack whether to capture the holder thread's current stack (costly)
     * @return an open guard, or null when none is open
     */
    public GuardInfo oldestGuard(boolean withStack) {
        return table.oldestGuard(withStack);
    }

    @Override
    public Scheme scheme() {
        return Scheme.HP;
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
        return "HazardReclaimer[" + table.name() + (table.isClosed() ? ", closed]" : "]");
    }

    // ---------------------------------------------------------------- builder

    /** Configures a {@link HazardReclaimer}. */
    public static final class Builder extends ReclaimerBuilder<Builder> {
        private int scanThreshold;
        private boolean asymmetricFence;

        private Builder() {
        }

        /**
         * Whether to use asymmetric fences when they are available (default false; see the README's "Asymmetric
         * fences"): {@code protect} then publishes with a compiler barrier instead of a CPU fence, and each scan
         * pays one {@code membarrier} system call instead, amortised over a larger default scan threshold (1024
         * instead of 64). Off by default because on the machines measured so far (docs/performance.md) the
         * fence was not what bounded hazard-pointer traversals, while the larger threshold raises the garbage
         * bound; turn it on where a StoreLoad fence is expensive and profiles show it.
         *
         * @param enabled true to publish hazards without a CPU fence when membarrier is usable
         * @return this builder
         */
        public Builder asymmetricFence(boolean enabled) {
            this.asymmetricFence = enabled;
            return this;
        }

        /**
         * Tuning knob and test seam: R0, the smallest number of retirements a slot collects between two scans
         * (default 64, or 1024 with asymmetric fences). The scan threshold is {@code max(R0, 2 x hazard
         * words)}; a small R0 with few slots makes scans frequent, which tests use to exercise them.
         *
         * @param r0 at least 1
         * @return this builder
         */
        public Builder scanThreshold(int r0) {
            this.scanThreshold = atLeastOne(r0, "scanThreshold");
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

}
