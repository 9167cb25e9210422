package dev.reclaim.testing;

import dev.reclaim.Reclaimer;
import java.util.List;
import java.util.function.Supplier;

/**
 * The model checks every scheme's protocol gets: {@link ProtectedCell} under one reader and one writer, once
 * with the shipped reclaimer (no interleaving may fail) and once per negative control (some interleaving must).
 */
public final class ProtocolModelCheck {

    /** Interleavings explored for a shipped reclaimer: the CI-sized bound (the tree is larger). */
    public static final int BOUND = Integer.getInteger("reclaim.modelcheck.bound", 1_000);
    /** Interleavings a negative control may take to fail. */
    public static final int CONTROL_BOUND = 20_000;

    private ProtocolModelCheck() {
    }

    /**
     * The scenario: a reader protects the root and reads the node; concurrently a writer replaces the node
     * twice (retiring each old node) and flushes.
     *
     * @param check      the test's check (owns every reclaimer and allocator)
     * @param name       what is checked
     * @param reclaimers makes the reclaimer of each interleaving
     * @param bound      the bound on interleavings
     * @return what the model checker found
     */
    public static ModelCheck.Result readerAndWriter(ReclaimCheck check, String name,
                                                    Supplier<? extends Reclaimer> reclaimers, int bound) {
        ProtectedCell.use(check, reclaimers);
        return ModelCheck.run(name, ProtectedCell.class, ProtectedCell.Spec.class, List.of(),
                List.of(ModelCheck.thread("read"), ModelCheck.thread("replace", "replace", "flush")), bound);
    }
}
