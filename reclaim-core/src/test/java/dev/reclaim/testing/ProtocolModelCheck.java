package dev.reclaim.testing;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.UseAfterFreeException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The model checks every scheme's protocol gets: {@link ProtectedCell} under one reader and one writer, once
 * with the shipped reclaimer (no explored interleaving may fail) and once with the negative control that frees
 * replaced nodes without a grace period (some interleaving must fail with a use after free).
 */
public final class ProtocolModelCheck {

    /** Interleavings explored for a shipped reclaimer: CI-sized (the tree is larger); -Dreclaim.modelcheck.bound=N. */
    public static final int BOUND = Integer.getInteger("reclaim.modelcheck.bound", 500);
    /** Interleavings a negative control may take to fail. */
    public static final int CONTROL_BOUND = 5_000;

    private ProtocolModelCheck() {
    }

    /**
     * The scenario: a reader protects the root and reads the node; concurrently a writer replaces the node
     * twice (retiring each old node) and flushes.
     *
     * @param check      the test's check (owns every reclaimer and allocator)
     * @param name       what is checked
     * @param reclaimers makes the reclaimer of each interleaving
     * @param retire     false for the negative control that frees replaced nodes without a grace period
     * @param bound      the bound on interleavings
     * @return what the model checker found
     */
    public static ModelCheck.Result readerAndWriter(ReclaimCheck check, String name,
                                                    Supplier<? extends Reclaimer> reclaimers, boolean retire,
                                                    int bound) {
        ProtectedCell.use(check, reclaimers, retire);
        return ModelCheck.run(name, ProtectedCell.class, ProtectedCell.Spec.class, List.of(),
                List.of(ModelCheck.thread("read"), ModelCheck.thread("replace", "replace", "flush")), bound);
    }

    /**
     * Checks the shipped reclaimer: no interleaving within {@link #BOUND} may fail.
     *
     * @param check      the test's check
     * @param name       the scheme, for the report
     * @param reclaimers makes the reclaimer of each interleaving
     */
    public static void assertSafe(ReclaimCheck check, String name, Supplier<? extends Reclaimer> reclaimers) {
        ModelCheck.Result r = readerAndWriter(check, name, reclaimers, true, BOUND);
        if (r.failure() != null) {
            throw new AssertionError(r + "\n" + r.summary(120), r.failure());
        }
    }

    /**
     * Checks that the model checker catches the negative control (replaced nodes freed without a grace period)
     * as a use after free within {@link #CONTROL_BOUND} interleavings.
     *
     * @param check      the test's check
     * @param name       the scheme, for the report
     * @param reclaimers makes the reclaimer of each interleaving
     */
    public static void assertControlCaught(ReclaimCheck check, String name,
                                           Supplier<? extends Reclaimer> reclaimers) {
        ModelCheck.assertReports(readerAndWriter(check, name + " freeing without a grace period", reclaimers, false,
                CONTROL_BOUND), UseAfterFreeException.class);
    }
}
