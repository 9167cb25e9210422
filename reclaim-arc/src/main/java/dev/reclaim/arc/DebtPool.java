package dev.reclaim.arc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The global table of {@link DebtSlot}s shared by every {@link ArcSwap}, sized by the loads open at once. Slots
 * are claimed per load by a CAS on their debt word (no ThreadLocal: a virtual thread, or a guard closed on
 * another thread, never strands a slot), probing {@link #PROBE} slots from a start index, then a few
 * more from random starts ({@link #claimSlow}); when those are busy too the table doubles under a lock, so a claim
 * costs O(1) expected however many loads are open, and a load never waits for a slot. A platform thread starts
 * from a hash of its id (its own slot, as long as no other thread hashes there). A virtual thread starts from
 * the claim cursor of the CPU it runs on ({@link CpuHint}; the thread-id hash when that is unavailable): the
 * virtual threads a carrier runs one after another then reuse the slot that CPU's cache holds, and a cursor
 * moves on only when its slot is busy (a guard held across an unmount, or nested). After a burst of open loads (virtual threads parked inside
 * guards) the table shrinks back: a writer's scan, which visits every slot anyway, sees how many are claimed and
 * how high, and cuts the free top of the table off ({@link #shrink}), so that a store's scan follows the loads
 * open now, not the largest burst ever seen.
 */
final class DebtPool {

    /*
     * Implementation notes
     * ====================
     * Growth: copy-on-write; the new table keeps every old slot object at its index and appends fresh ones.
     * A load that claims a fresh slot read the new table, published after any writer's (a) that could miss it
     * (see ArcSwap's notes).
     *
     * Shrink (under LOCK, by a writer whose scan found the top of the table free): mark every slot of
     * [target, length) REMOVED by CAS FREE -> REMOVED, top down; if one CAS fails (a load claimed the slot
     * meanwhile), put back FREE in the slots already marked and give up. Otherwise publish a copy of
     * [0, target). Why no debt is lost: a writer scanning the smaller table misses only slots >= target; each
     * was REMOVED by a CAS that precedes the publication, which precedes the writer's (volatile) read of the
     * table, and a claim is a CAS FREE -> x on the same word: it either precedes the REMOVED CAS (which then
     * fails, and nothing is published) or fails. A load still probing a stale, longer table skips REMOVED
     * slots (they are never FREE again) and uses the shared slots below target, which the new table holds.
     * Removed slot objects are never reused: growth appends fresh slots, so a stale table's REMOVED slot can
     * never reappear in a current one.
     *
     * Hysteresis: shrink only to a quarter of the length or less, and never below twice the claimed slots
     * (nor below MIN_SIZE), so that a steady load does not make the table grow and shrink in turn.
     */

    /** Slots a load's fast path probes from its start index before it takes the slow path. */
    static final int PROBE = 8;
    /** Slots the slow path probes from each of its random starts. */
    static final int SLOW_PROBE = 32;
    /** The initial and smallest size: 4 slots per core (a power of two, at least 8). */
    static final int MIN_SIZE = Integer.highestOneBit(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;

    /**
     * Test seam, for a negative control only: {@link #shrink} publishes the smaller table without marking the
     * removed slots, so a debt in one of them is lost. Plain static: tests set it while single-threaded.
     */
    static boolean shrinkUnmarkedForTests;

    /** Claim cursors, one per CPU stripe ({@link #cursorIndex}), each on its own 128-byte span of the array. */
    static final int STRIPES = 64;
    private static final int CURSOR_SPACING = 32;
    /**
     * Where a virtual thread's fast-path probe starts on each CPU: the slot of that CPU's last claim that did not
     * land on the cursor itself (so a steady load, whose cursor slot is free again when the next load comes,
     * writes nothing here). Plain ints, read and written racily: a stale cursor only starts a probe elsewhere.
     * Stripe k starts at {@code k * PROBE / 2}, so that the CPUs of a fresh table (4 slots per core) start apart.
     */
    private static final int[] CURSORS = new int[STRIPES * CURSOR_SPACING];

    static {
        for (int k = 0; k < STRIPES; k++) {
            CURSORS[k * CURSOR_SPACING] = k * (PROBE / 2);
        }
    }

    /** The slot table; replaced (copy-on-write) under LOCK. Via TABLE. */
    private static volatile DebtSlot[] table;
    private static final Object LOCK = new Object();

    private DebtPool() {
    }

    static DebtSlot[] tableVolatile() {
        return (DebtSlot[]) TABLE.getVolatile(); // volatile: SC after the reader's first load of the swap (see ArcSwap)
    }

    /** The cursor of the stripe of {@code cpu} (any int: -1, "unknown", has a stripe too). */
    static int cursorIndex(int cpu) {
        return (cpu & (STRIPES - 1)) * CURSOR_SPACING;
    }

    static int cursorPlain(int index) {
        return CURSORS[index]; // plain: a probe hint (see CURSORS); the claim CAS validates the slot
    }

    static void setCursorPlain(int index, int slot) {
        CURSORS[index] = slot; // plain: a probe hint; read by cursorPlain on any carrier of this CPU
    }

    /**
     * The slow claim, after the fast path's probe found its slots busy: probes {@link #SLOW_PROBE} slots from two
     * random starts in the newest half of the table (after a growth the old half is still packed with the guards
     * that filled it, the new half is free), and doubles the table when both probes fail. The slot is claimed
     * without a debt ({@link DebtSlot#CLAIMED}).
     *
     * @return the claimed slot
     */
    static DebtSlot claimSlow() {
        for (;;) {
            DebtSlot[] t = tableVolatile();
            int mask = t.length - 1;
            int half = t.length >>> 1;
            for (int attempt = 0; attempt < 2; attempt++) {
                int start = half + (ThreadLocalRandom.current().nextInt() & (half - 1));
                for (int i = 0, n = Math.min(SLOW_PROBE, t.length); i < n; i++) {
                    DebtSlot s = t[(start + i) & mask];
                    if (s.poolDebtOpaque() == DebtSlot.FREE && s.casPoolDebt(DebtSlot.FREE, DebtSlot.CLAIMED)) { // hint; CAS claims
                        return s;
                    }
                }
            }
            grow(t);
        }
    }

    /** Doubles the table unless someone already replaced {@code seen}. */
    static void grow(DebtSlot[] seen) {
        synchronized (LOCK) {
            if (tableVolatile() != seen) {
                return;
            }
            DebtSlot[] bigger = Arrays.copyOf(seen, seen.length * 2);
            for (int i = seen.length; i < bigger.length; i++) {
                bigger[i] = DebtSlot.create(false);
            }
            TABLE.setVolatile(bigger); // volatile: publishes the new slots; pairs with tableVolatile()
        }
    }

    /**
     * A writer's scan of {@code seen} (the current table) found {@code claimed} claimed slots, the highest at
     * index {@code highest} (-1: none): shrinks the table when its free top is at least three quarters of it.
     * Costs nothing unless the table is bigger than {@link #MIN_SIZE}.
     */
    static void afterScan(DebtSlot[] seen, int claimed, int highest) {
        if (seen.length <= MIN_SIZE) {
            return;
        }
        int need = Math.max(MIN_SIZE, Math.max(highest + 1, 2 * claimed));
        int target = need <= MIN_SIZE ? MIN_SIZE : Integer.highestOneBit(need - 1) << 1;
        if (target <= seen.length / 4) {
            shrink(seen, target);
        }
    }

    /**
     * Cuts the table {@code seen} down to its first {@code target} slots if all the others are free (see the
     * notes), unless someone already replaced it.
     *
     * @return whether the table was shrunk
     */
    static boolean shrink(DebtSlot[] seen, int target) {
        synchronized (LOCK) {
            if (tableVolatile() != seen || target >= seen.length) {
                return false;
            }
            int i = seen.length - 1;
            while (i >= target && !shrinkUnmarkedForTests
                    && seen[i].casPoolDebt(DebtSlot.FREE, DebtSlot.REMOVED)) { // CAS: vs a load's claim of the slot
                i--;
            }
            if (shrinkUnmarkedForTests) {
                i = target - 1;
            }
            if (i >= target) { // slot i is claimed: put back the slots above it and give up
                for (int j = i + 1; j < seen.length; j++) {
                    seen[j].setPoolDebtRelease(DebtSlot.FREE); // release: claimable again; pairs with the next claim CAS
                }
                return false;
            }
            TABLE.setVolatile(Arrays.copyOf(seen, target)); // volatile: after every REMOVED CAS; pairs with tableVolatile()
            return true;
        }
    }

    /**
     * Test seam: replaces the table with {@code size} fresh slots when no slot is claimed (the model-checking
     * test needs a small table: a writer scans every slot, and earlier tests in the same JVM grow the pool).
     *
     * @return whether the table was replaced
     */
    static boolean resetForTests(int size) {
        synchronized (LOCK) {
            if (claimed() != 0) {
                return false;
            }
            DebtSlot[] t = new DebtSlot[size];
            for (int i = 0; i < size; i++) {
                t[i] = DebtSlot.create(false);
            }
            TABLE.setVolatile(t); // volatile: pairs with tableVolatile()
            return true;
        }
    }

    /** The number of slots now (tests, diagnostics). */
    static int size() {
        return tableVolatile().length;
    }

    /** Slots claimed now (tests: proves that no load leaks its slot). */
    static int claimed() {
        int n = 0;
        for (DebtSlot s : tableVolatile()) {
            long d = s.poolDebtVolatile();
            if (d != DebtSlot.FREE && d != DebtSlot.REMOVED) {
                n++;
            }
        }
        return n;
    }

    // VarHandle mechanics
    private static final VarHandle TABLE;

    static {
        try {
            TABLE = MethodHandles.lookup().findStaticVarHandle(DebtPool.class, "table", DebtSlot[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        DebtSlot[] t = new DebtSlot[MIN_SIZE];
        for (int i = 0; i < MIN_SIZE; i++) {
            t[i] = DebtSlot.create(false);
        }
        TABLE.setVolatile(t); // volatile: pairs with tableVolatile()
    }
}
