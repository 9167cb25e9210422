package dev.reclaim.testing;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * Runs one fixed scenario under Lincheck's model checker and counts the interleavings it explored.
 *
 * <p>The scenario is spelled out (which thread runs which operations), not generated, so a check always
 * explores the same interleaving tree: the model checker switches threads only at shared on-heap accesses
 * (fields, arrays, VarHandles, atomics, monitors), explores schedules with an increasing number of switches and
 * stops at the first failure or after {@code maxInvocations} (the trees here are larger than the bounds used). Every invocation makes a fresh object under
 * test through its no-argument constructor, which calls {@link #invocation}; the count is how many
 * interleavings were run.
 */
public final class ModelCheck {

    private static final AtomicLong INVOCATIONS = new AtomicLong();
    /**
     * The object under test of the running interleaving. A precaution: the model checker does not switch threads
     * at accesses to objects it believes local to one thread, and a static field makes the object under test and
     * everything reachable from it (the reclaimer, its slots and hazard arrays) shared. The controls were caught
     * with it; whether they are without it was not measured.
     */
    @SuppressWarnings("unused")
    private static volatile Object current;
    /** Iterations of one loop before the checker suspects a spin loop and switches threads. */
    private static final int LOOP_ITERATIONS = 10_000;
    /**
     * Iterations of one loop after which the checker reports a livelock ("the execution has hung"). It must exceed
     * {@link #LOOP_ITERATIONS}: Lincheck checks the switch first and the bound after it, so with its default (50)
     * any loop that ran 50 times -- a waiter spinning on a lock whose holder the schedule had switched away from --
     * was reported as hung before the holder ever got to run again.
     */
    private static final int LOOP_BOUND = 4 * LOOP_ITERATIONS;
    /** Classes whose calls are one step each (see {@link #run}). */
    private static final String[] ATOMIC = {"dev.reclaim.internal.RetiredList", "dev.reclaim.internal.Reclamation",
            "dev.reclaim.internal.DirtyMap", "dev.reclaim.epoch.Bag", "dev.reclaim.memory.SlabAllocator"};
    /** The objects under test of the running check, closed after it. */
    private static final Queue<AutoCloseable> MADE = new ConcurrentLinkedQueue<>();

    private ModelCheck() {
    }

    /**
     * What a run found.
     *
     * @param name        what was checked
     * @param invocations interleavings executed (one object under test each)
     * @param millis      wall time
     * @param failure     Lincheck's report of the first failing interleaving, or null when none failed
     */
    public record Result(String name, long invocations, long millis, AssertionError failure) {

        /**
         * The first lines of the failure report (the scenario, the results and the start of the trace).
         *
         * @param lines how many lines
         * @return the summary, or "passed"
         */
        public String summary(int lines) {
            if (failure == null) {
                return "passed";
            }
            String[] all = String.valueOf(failure.getMessage()).split("\n");
            return String.join("\n", java.util.Arrays.copyOf(all, Math.min(lines, all.length)));
        }

        @Override
        public String toString() {
            return String.format("model check %s: %s after %d interleavings in %d ms", name,
                    failure == null ? "passed" : "FAILED", invocations, millis);
        }
    }

    /**
     * Called by the constructor of every object under test: counts one explored interleaving and closes the
     * object after the run (when no thread uses it any more).
     *
     * @param underTest the new object under test
     */
    public static void invocation(AutoCloseable underTest) {
        INVOCATIONS.incrementAndGet();
        MADE.add(underTest);
        current = underTest; // volatile: see the field
    }

    /**
     * A thread of the scenario.
     *
     * @param operations names of no-argument {@code @Operation} methods of the class under test, in order
     * @return the thread
     */
    public static List<String> thread(String... operations) {
        return List.of(operations);
    }

    /**
     * Model-checks one scenario.
     *
     * @param name           what is checked, for the report
     * @param underTest      the class Lincheck instantiates per interleaving (its constructor calls
     *                       {@link #invocation})
     * @param specification  the sequential specification (same operation names, same results)
     * @param init           operations run before the parallel part, on one thread
     * @param threads        the parallel part, one list of operation names per thread
     * @param maxInvocations the bound on interleavings
     * @return what the run found; a failure is returned, not thrown, so negative controls can assert on it
     */
    public static synchronized Result run(String name, Class<?> underTest, Class<?> specification,
                                          List<String> init, List<List<String>> threads, int maxInvocations) {
        List<List<Actor>> parallel = new ArrayList<>();
        for (List<String> t : threads) {
            parallel.add(actors(underTest, t));
        }
        ExecutionScenario scenario = new ExecutionScenario(actors(underTest, init), parallel, List.of(), null);
        INVOCATIONS.set(0);
        long t0 = System.nanoTime();
        AssertionError failure = null;
        try {
            new ModelCheckingOptions()
                    .iterations(0)
                    .addCustomScenario(scenario)
                    .invocationsPerIteration(maxInvocations)
                    .minimizeFailedScenario(false)
                    // a flush walks every slot and hazard word: without this the checker takes those loops for
                    // spin loops and switches away in the middle, so schedules where the writer completes a
                    // scan while the reader waits at one point were never explored
                    .loopIterationsBeforeThreadSwitch(LOOP_ITERATIONS)
                    .loopBound(LOOP_BOUND)
                    .sequentialSpecification(specification)
                    // the sanitizer's check of one access, and its allocate and free, are one step each: their
                    // skip list changes shape between interleavings, which would make replays diverge
                    .addGuarantee(forClasses("dev.reclaim.memory.Sanitizer").methods("check").treatAsAtomic())
                    .addGuarantee(forClasses("dev.reclaim.memory.SanitizingSlab").allMethods().treatAsAtomic())
                    // owner-only bookkeeping (a slot's retired list or bag, deleter runs, the allocator, dirty
                    // bits): one step per call, so the switches the checker explores are the protocol's own
                    .addGuarantee(forClasses(ATOMIC).allMethods().treatAsAtomic())
                    // EBR's pool of empty bags (an allocation cache behind a bounded try-lock): one step per
                    // call; a switch inside it, with the lock held, made Lincheck 3.7 report a hang of the stack's
                    // scenario although the other thread's spin is bounded (64 tries, then a new bag)
                    .addGuarantee(forClasses("dev.reclaim.epoch.GarbageState").methods("takeEmptyBag", "recycle")
                            .treatAsAtomic())
                    // a structure's back-off after a failed CAS is a delay (spin hints, then Thread.yield), no
                    // shared access: one step, so its spin loop is neither a switch point nor counted as a loop
                    .addGuarantee(forClasses("dev.reclaim.collections.Backoff").methods("pause").treatAsAtomic())
                    .check(underTest);
        } catch (AssertionError e) {
            failure = e;
        } finally {
            System.out.println("model check " + name + ": " + INVOCATIONS.get() + " invocations");
            for (AutoCloseable c; (c = MADE.poll()) != null; ) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing an object under test of " + name + " failed", e);
                }
            }
        }
        Result r = new Result(name, INVOCATIONS.get(), (System.nanoTime() - t0) / 1_000_000, failure);
        System.out.println(r);
        if (failure != null) {
            System.out.println(r.summary(40));
        }
        return r;
    }

    /**
     * Asserts that a negative control failed because of {@code expected} (e.g. a use after free), not
     * something else.
     *
     * @param r        the control's result
     * @param expected the exception the failing interleaving must report
     */
    public static void assertReports(Result r, Class<? extends Throwable> expected) {
        if (r.failure() == null || !String.valueOf(r.failure().getMessage()).contains(expected.getSimpleName())) {
            throw new AssertionError(r + ": expected a failure reporting " + expected.getSimpleName() + ", got:\n"
                    + r.summary(80));
        }
    }

    private static List<Actor> actors(Class<?> underTest, List<String> names) {
        List<Actor> actors = new ArrayList<>();
        for (String n : names) {
            try {
                Method m = underTest.getMethod(n);
                actors.add(new Actor(m, List.of()));
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("no public no-argument operation " + n + " in " + underTest, e);
            }
        }
        return actors;
    }
}
