package dev.reclaim.testing;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.UseAfterFreeException;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The model checks every scheme's protocol gets (one subclass per scheme, which passes the reclaimer to check): {@link ProtectedCell} under one reader and one writer, once
 * with the shipped reclaimer (no explored interleaving may fail) and once per negative control of the client
 * ({@link ProtectedCell.Control}: some interleaving must fail with a use after free).
 */
public abstract class ProtocolModelCheck {

    /** Interleavings explored for a shipped reclaimer: CI-sized (the tree is larger); -Dreclaim.modelcheck.bound=N. */
    public static final int BOUND = Integer.getInteger("reclaim.modelcheck.bound", 300);
    /** Interleavings a negative control may take to fail. */
    public static final int CONTROL_BOUND = 5_000;

    /** Hands out each interleaving's reclaimer and allocator and checks them after the test. */
    @RegisterExtension
    protected final ReclaimCheck check = new ReclaimCheck();

    private final String name;
    private final Supplier<? extends Reclaimer> reclaimers;

    /**
     * A suite for one scheme.
     *
     * @param name       the scheme, for the report
     * @param reclaimers makes the reclaimer of each interleaving, configured so that the scenario can free a node
     */
    protected ProtocolModelCheck(String name, Supplier<? extends Reclaimer> reclaimers) {
        this.name = name;
        this.reclaimers = reclaimers;
    }

    /** The shipped reclaimer: no explored interleaving reads a freed node. */
    @Test
    void noExploredInterleavingReadsAFreedNode() {
        assertSafe(check, name, reclaimers);
    }

    /**
     * Each client-side negative control is caught.
     *
     * @param control the control
     */
    @ParameterizedTest
    @EnumSource(value = ProtectedCell.Control.class, names = {"FREE_AT_ONCE", "LOAD_BEFORE_PROTECT"})
    void clientControlsAreCaught(ProtectedCell.Control control) {
        assertControlCaught(check, name, reclaimers, control);
    }

    /**
     * The scenario: a reader protects the root and reads the node; concurrently a writer replaces the node
     * twice (retiring each old node) and flushes, in one operation.
     *
     * @param check      the test's check (owns every reclaimer and allocator)
     * @param name       what is checked
     * @param reclaimers makes the reclaimer of each interleaving
     * @param control    the client's negative control, or {@link ProtectedCell.Control#NONE}
     * @param bound      the bound on interleavings
     * @return what the model checker found
     */
    public static ModelCheck.Result readerAndWriter(ReclaimCheck check, String name,
                                                    Supplier<? extends Reclaimer> reclaimers,
                                                    ProtectedCell.Control control, int bound) {
        ProtectedCell.use(check, reclaimers, control);
        return ModelCheck.run(name, ProtectedCell.class, ProtectedCell.Spec.class, List.of(),
                List.of(ModelCheck.thread("read"), ModelCheck.thread("replaceTwiceAndFlush")), bound);
    }

    /**
     * Checks the shipped reclaimer: no interleaving within {@link #BOUND} may fail.
     *
     * @param check      the test's check
     * @param name       the scheme, for the report
     * @param reclaimers makes the reclaimer of each interleaving
     */
    public static void assertSafe(ReclaimCheck check, String name, Supplier<? extends Reclaimer> reclaimers) {
        ModelCheck.Result r = readerAndWriter(check, name, reclaimers, ProtectedCell.Control.NONE, BOUND);
        if (r.failure() != null) {
            throw new AssertionError(r + "\n" + r.summary(120), r.failure());
        }
    }

    /**
     * Checks that the model checker catches a negative control as a use after free within
     * {@link #CONTROL_BOUND} interleavings.
     *
     * @param check      the test's check
     * @param name       the scheme, for the report
     * @param reclaimers makes the reclaimer of each interleaving
     * @param control    the control
     */
    public static void assertControlCaught(ReclaimCheck check, String name,
                                           Supplier<? extends Reclaimer> reclaimers, ProtectedCell.Control control) {
        ModelCheck.assertReports(readerAndWriter(check, name + " " + control, reclaimers, control, CONTROL_BOUND),
                UseAfterFreeException.class);
    }
}
