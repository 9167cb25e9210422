package dev.reclaim.arc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Linearizability of {@link ArcSwap} load/store/swap/compareAndSet/rcu against a plain int cell, with Lincheck's
 * model checker (the protocol is on-heap, so every interleaving of its volatile accesses is explored), once
 * with the fast path and once with every load forced onto the helping path. Every value records its release
 * and every load checks it, so a load that returns a released value fails the run as well as a stale one.
 *
 * <p>Negative control (checked by hand, 2026-11-23): with the writers' help step removed from
 * {@code ArcSwap.settle}, the helpingOnly run fails within seconds with "value 0 read after its release": the
 * reader reads the value (step 2), an rcu removes and releases it before the debt store (step 3), and the
 * reader's step 4 still succeeds. The stress test does not hit that two-instruction window on 2 cores.
 */
class ArcSwapLincheckTest {

    /** A value with an id that knows whether its Arc was released. */
    static final class Val {
        final int id;
        volatile boolean released;

        Val(int id) {
            this.id = id;
        }

        int checkedId() {
            if (released) {
                throw new IllegalStateException("value " + id + " read after its release");
            }
            return id;
        }
    }

    static Arc<Val> arc(int id) {
        return Arc.of(new Val(id), v -> v.released = true);
    }

    /** What Lincheck runs: a fresh swap per invocation holding value 0. */
    @Param(name = "v", gen = IntGen.class, conf = "0:2")
    public static final class SwapUnderTest {
        private final ArcSwap<Val> swap = ArcSwap.of(arc(0));

        /** Lincheck instantiates this class reflectively. */
        public SwapUnderTest() {
        }

        /**
         * Loads through a guard.
         *
         * @return the current id
         */
        @Operation
        public int load() {
            try (ArcGuard<Val> g = swap.load()) {
                return g.get().checkedId();
            }
        }

        /**
         * Stores a new value.
         *
         * @param v its id
         */
        @Operation
        public void store(@Param(name = "v") int v) {
            swap.store(arc(v));
        }

        /**
         * Swaps in a new value.
         *
         * @param v its id
         * @return the old id
         */
        @Operation
        public int swap(@Param(name = "v") int v) {
            try (Arc<Val> old = swap.swap(arc(v))) {
                return old.get().checkedId();
            }
        }

        /**
         * Installs {@code update} if the current id is {@code expect}.
         *
         * @param expect expected id
         * @param update new id
         * @return whether it was installed
         */
        @Operation
        public boolean compareAndSet(@Param(name = "v") int expect, @Param(name = "v") int update) {
            for (;;) {
                Val cur;
                try (ArcGuard<Val> g = swap.load()) {
                    cur = g.get();
                    if (cur.checkedId() != expect) {
                        return false;
                    }
                }
                Arc<Val> next = arc(update);
                if (swap.compareAndSet(cur, next)) {
                    return true;
                }
                next.close();
            }
        }

        /** Increments the id by read-copy-update. */
        @Operation
        public void rcu() {
            swap.rcu(v -> arc(v.checkedId() + 1));
        }
    }

    /** The sequential specification: an int cell. */
    public static final class Cell {
        private int cur;

        /** Holds 0. */
        public Cell() {
        }

        /**
         * Reads.
         *
         * @return the value
         */
        public int load() {
            return cur;
        }

        /**
         * Writes.
         *
         * @param v the value
         */
        public void store(int v) {
            cur = v;
        }

        /**
         * Writes, returning the old value.
         *
         * @param v the value
         * @return the old value
         */
        public int swap(int v) {
            int old = cur;
            cur = v;
            return old;
        }

        /**
         * Compare and set.
         *
         * @param expect expected
         * @param update new
         * @return whether it was set
         */
        public boolean compareAndSet(int expect, int update) {
            if (cur != expect) {
                return false;
            }
            cur = update;
            return true;
        }

        /** Increments. */
        public void rcu() {
            cur++;
        }
    }

    @AfterEach
    void reset() {
        ArcSwap.helpingOnly = false;
    }

    @ParameterizedTest(name = "helpingOnly={0}")
    @ValueSource(booleans = {false, true})
    void arcSwapIsLinearizableUnderModelChecking(boolean helpingOnly) {
        ArcSwap.helpingOnly = helpingOnly;
        // a small pool: writers scan every slot, and earlier tests in this JVM may have grown it
        assertTrue(DebtPool.resetForTests(8), "no debt slot may be claimed when the model check starts");
        long t0 = System.nanoTime();
        try {
            new ModelCheckingOptions()
                    .iterations(helpingOnly ? 8 : 4) // the fast path is also covered by the stress test
                    .invocationsPerIteration(150)
                    .threads(2)
                    .actorsPerThread(2)
                    .actorsBefore(1)
                    .actorsAfter(1)
                    .sequentialSpecification(Cell.class)
                    .check(SwapUnderTest.class);
        } finally {
            System.out.printf("lincheck model checking helpingOnly=%s: %d ms%n", helpingOnly,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
