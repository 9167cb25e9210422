package dev.reclaim.arc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The global, grow-only table of {@link DebtSlot}s shared by every {@link ArcSwap}. Slots are claimed per load
 * by a CAS on their debt word (no ThreadLocal: a virtual thread, or a guard closed on another thread, never
 * strands a slot) and the table doubles under a lock when a reader's probe finds every slot busy, so a load
 * never waits for a slot. The table only grows (bounded by the most loads ever open at once).
 */
final class DebtPool {

    /** The slot table; replaced (copy-on-write, old slots kept) under LOCK. Via TABLE. */
    private static volatile DebtSlot[] table;
    private static final Object LOCK = new Object();

    private DebtPool() {
    }

    static DebtSlot[] tableVolatile() {
        return (DebtSlot[]) TABLE.getVolatile(); // volatile: SC after the reader's first load of the swap (see ArcSwap)
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
            if (s.debtVolatile() != null) {
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
        // initial size: 4 slots per core (a power of two, at least 8); grows on demand
        int n = Integer.highestOneBit(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()) - 1) << 1;
        DebtSlot[] t = new DebtSlot[n];
        for (int i = 0; i < n; i++) {
            t[i] = DebtSlot.create(false);
        }
        TABLE.setVolatile(t); // volatile: pairs with tableVolatile()
    }
}
