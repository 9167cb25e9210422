package dev.reclaim.collections;

import dev.reclaim.Reclaimer;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.testing.ControlledReclaimer;
import dev.reclaim.testing.EagerReclaimers;
import dev.reclaim.testing.ModelCheck;
import dev.reclaim.testing.ProtectedCell;
import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model checks of a shipped structure over each shipped scheme (one subclass per structure): a fixed scenario of
 * two threads runs under Lincheck's model checker ({@link ModelCheck}) on a fresh structure per interleaving, made
 * with the scheme's eager configuration ({@link EagerReclaimers}) and a sanitizing allocator, so a read of a freed
 * node throws {@link UseAfterFreeException} and a double free throws too. The checked property: no explored
 * interleaving throws, and every result is linearizable against the sequential specification.
 *
 * <p>Negative controls run the same structure over a {@link ControlledReclaimer}, which breaks the client's side of
 * the contract (free at once, load before protect) without a switch in the structure's code; each must be caught.
 */
abstract class StructureModelCheck {

    /** Interleavings explored per shipped scheme: CI-sized; -Dreclaim.modelcheck.bound=N. */
    static final int BOUND = Integer.getInteger("reclaim.modelcheck.bound", 100);

    /** What the running check hands to the structures the model checker makes. */
    private record Fixture(ReclaimCheck check, String scheme, ProtectedCell.Control control) {
    }

    /** A structure's reclaimer and allocator for one interleaving. */
    record Parts(Reclaimer reclaimer, SlabAllocator allocator) {
    }

    private static volatile Fixture fixture;

    /** Hands out each interleaving's reclaimer and allocator and checks them after the test. */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private final Class<? extends AutoCloseable> model;
    private final Class<?> specification;
    private final List<String> init;
    private final List<List<String>> threads;

    /**
     * A suite for one structure.
     *
     * @param model         the class the model checker instantiates per interleaving; its constructor builds the
     *                      structure on {@link #parts()} and calls {@link ModelCheck#invocation}
     * @param specification the sequential specification (same no-argument operations, same results)
     * @param init          operations run before the parallel part
     * @param threads       the parallel part, one list of operation names per thread
     */
    StructureModelCheck(Class<? extends AutoCloseable> model, Class<?> specification, List<String> init,
                        List<List<String>> threads) {
        this.model = model;
        this.specification = specification;
        this.init = init;
        this.threads = threads;
    }

    /**
     * Called by the model's constructor: a sanitizing allocator and the running check's reclaimer (seen through
     * its negative control, if any), both owned and verified by the test's {@link ReclaimCheck}.
     *
     * @return the parts of one interleaving's structure
     */
    static Parts parts() {
        Fixture f = fixture;
        SlabAllocator allocator = f.check().allocator(b -> b.sanitize(true).siteSampling(0)
                .quarantine(1 << 16, 1L << 24));
        Reclaimer reclaimer = f.check().reclaimer(ControlledReclaimer.around(EagerReclaimers.of(f.scheme()),
                f.control(), allocator));
        return new Parts(reclaimer, allocator);
    }

    private ModelCheck.Result run(String scheme, ProtectedCell.Control control, int bound) {
        fixture = new Fixture(check, scheme, control);
        String name = getClass().getSimpleName() + " " + scheme
                + (control == ProtectedCell.Control.NONE ? "" : " " + control);
        return ModelCheck.run(name, model, specification, init, threads, bound);
    }

    /**
     * The shipped structure over the shipped scheme: no explored interleaving reads a freed node, frees one twice
     * or returns a result no sequential order explains.
     *
     * @param scheme the scheme's id
     */
    @ParameterizedTest
    @ValueSource(strings = {"ebr", "hp", "robust"})
    void noExploredInterleavingFailsOverTheShippedScheme(String scheme) {
        ModelCheck.Result r = run(scheme, ProtectedCell.Control.NONE, BOUND);
        if (r.failure() != null) {
            throw new AssertionError(r + "\n" + r.summary(120), r.failure());
        }
    }

    /**
     * Each negative control is caught as a use after free within {@link ProtocolModelCheck#CONTROL_BOUND}
     * interleavings.
     *
     * @param scheme  the scheme's id
     * @param control the control
     */
    @ParameterizedTest
    @CsvSource({"ebr, FREE_AT_ONCE", "hp, FREE_AT_ONCE", "robust, FREE_AT_ONCE",
            "ebr, LOAD_BEFORE_PROTECT", "hp, LOAD_BEFORE_PROTECT", "robust, LOAD_BEFORE_PROTECT"})
    void clientControlsAreCaught(String scheme, ProtectedCell.Control control) {
        ModelCheck.assertReports(run(scheme, control, ProtocolModelCheck.CONTROL_BOUND), UseAfterFreeException.class);
    }
}
