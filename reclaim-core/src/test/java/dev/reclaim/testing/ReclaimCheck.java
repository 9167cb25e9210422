package dev.reclaim.testing;

import dev.reclaim.GuardInfo;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.LeakedBlock;
import dev.reclaim.memory.MemoryLeakException;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that checks, after every test, that the test left nothing behind in the reclaimers and
 * allocators it used (the way Caffeine validates a cache's invariants after every test):
 * <ol>
 *   <li>no guard is still open on any of them;</li>
 *   <li>once each reclaimer is closed (by the test, or else by this check), everything retired was reclaimed:
 *       {@code retired == reclaimed}, {@code pending == 0}, and no deleter failed;</li>
 *   <li>each allocator has 0 live blocks. The {@link Scheme#LEAK} baseline never frees by design, so the blocks
 *       retired to a leak reclaimer of the same test are allowed to stay live, and no others.</li>
 * </ol>
 * A test obtains every reclaimer and allocator from the check, so it cannot use one the check does not see:
 *
 * <pre>{@code
 * @RegisterExtension
 * final ReclaimCheck check = new ReclaimCheck();
 *
 * @ParameterizedTest
 * @EnumSource(Scheme.class)
 * void popReturnsWhatWasPushed(Scheme scheme) {
 *     Reclaimer reclaimer = check.reclaimer(scheme);
 *     SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
 *     try (TreiberStack stack = new TreiberStack(reclaimer, allocator)) {
 *         ...
 *     } // the check closes the reclaimer, then verifies it and the allocator, then closes the allocator
 * }
 * }</pre>
 *
 * <p>A test may close what it obtained itself (to assert on the state after close); the check then verifies
 * without closing again. A test that does not close its structure leaves its blocks live and fails. When a
 * guard is still open, the check reports it and closes nothing (closing would wait for the guard until the
 * reclaimer's close timeout); the memory of that test is leaked, the run goes on. Problems are reported
 * together in one {@link AssertionError} naming each reclaimer and allocator.
 *
 * <p>{@link ReclaimCheckCoverage} verifies that a module's test classes get their reclaimers and allocators only
 * from this check.
 */
public final class ReclaimCheck implements BeforeEachCallback, AfterEachCallback {

    /** How many live blocks a report lists with their allocation sites. */
    private static final int LISTED_BLOCKS = 3;

    private final List<Reclaimer> reclaimers = new CopyOnWriteArrayList<>();
    private final List<SlabAllocator> allocators = new CopyOnWriteArrayList<>();
    private volatile String testName = "test";

    /** Creates a check; register it with {@code @RegisterExtension} on a non-private field. */
    public ReclaimCheck() {
    }

    /**
     * A new reclaimer of {@code scheme} with default settings, checked after the test.
     *
     * @param scheme the scheme
     * @return the reclaimer; the test may close it, or leave that to the check
     */
    public Reclaimer reclaimer(Scheme scheme) {
        Objects.requireNonNull(scheme, "scheme must not be null; pass e.g. Scheme.EBR");
        return reclaimer(scheme::create);
    }

    /**
     * A new reclaimer made by {@code factory}, checked after the test: for a specific type or configuration,
     * e.g. {@code check.reclaimer(RobustReclaimer::create)}.
     *
     * @param factory makes the reclaimer
     * @param <R>     its type
     * @return the reclaimer; the test may close it, or leave that to the check
     */
    public <R extends Reclaimer> R reclaimer(Supplier<R> factory) {
        R reclaimer = Objects.requireNonNull(factory.get(), "the reclaimer factory returned null");
        reclaimers.add(reclaimer);
        return reclaimer;
    }

    /**
     * A new fast-mode allocator named after the test, checked after the test.
     *
     * @return the allocator; the check closes it unless the test did
     */
    public SlabAllocator allocator() {
        return allocator(UnaryOperator.identity());
    }

    /**
     * A new allocator configured by {@code settings}, e.g. {@code check.allocator(b -> b.sanitize(true))},
     * named after the test unless the settings name it, checked after the test. In sanitizer mode it records
     * every allocation and free stack ({@code siteSampling(1)}) unless the settings choose otherwise, so that a
     * leak report names where each live block was allocated.
     *
     * @param settings applied to a builder that already carries the test's name
     * @return the allocator; the check closes it unless the test did
     */
    public SlabAllocator allocator(UnaryOperator<SlabAllocator.Builder> settings) {
        SlabAllocator allocator = settings.apply(SlabAllocator.builder().name(testName).siteSampling(1)).build();
        allocators.add(allocator);
        return allocator;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        testName = context.getRequiredTestMethod().getName();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> problems = verifyAndClose();
        if (!problems.isEmpty()) {
            throw new AssertionError("ReclaimCheck after " + context.getDisplayName() + " ("
                    + context.getRequiredTestMethod().getName() + "):\n  - " + String.join("\n  - ", problems));
        }
    }

    /**
     * Verifies and releases everything this check handed out, and forgets it (so that one check can serve
     * several tests in sequence).
     *
     * @return the problems found, one line each; empty when the test left nothing behind
     */
    List<String> verifyAndClose() {
        List<String> problems = new ArrayList<>();
        boolean quiescent = true;
        long leakedByDesign = 0; // blocks retired to the LEAK baseline: allowed to stay live
        for (Reclaimer r : reclaimers) {
            ReclaimerStats before = r.stats();
            if (before.openGuards() > 0) {
                GuardInfo oldest = before.oldestGuard();
                problems.add(describe(r) + " still has " + before.openGuards() + " open guard(s)"
                        + (oldest == null ? "" : ", the oldest held by " + oldest.describe())
                        + "; close every guard (try-with-resources) before the test ends");
                quiescent = false;
                continue;
            }
            if (!r.isClosed()) {
                try {
                    r.close();
                } catch (RuntimeException e) {
                    problems.add(describe(r) + ": close() failed: " + e);
                    quiescent = false;
                    continue;
                }
            }
            ReclaimerStats after = r.stats();
            if (r.scheme() == Scheme.LEAK) {
                leakedByDesign += after.retired();
            } else if (after.pending() != 0 || after.retired() != after.reclaimed()) {
                problems.add(describe(r) + " closed with retired " + after.retired() + ", reclaimed "
                        + after.reclaimed() + ", pending " + after.pending()
                        + ": close() must run every pending deleter");
            }
            if (after.failures() != 0) {
                problems.add(describe(r) + " counted " + after.failures()
                        + " failure(s) (deleters that threw, or guards found abandoned)");
            }
        }
        for (SlabAllocator a : allocators) {
            long live = a.stats().liveBlocks();
            if (live > leakedByDesign) {
                problems.add(describeLive(a, live, leakedByDesign));
            }
            leakedByDesign = Math.max(0, leakedByDesign - live);
            if (quiescent && !a.isClosed()) {
                try {
                    a.close();
                } catch (MemoryLeakException expected) {
                    // a sanitizing allocator reports its live blocks again: counted above
                }
            }
        }
        reclaimers.clear();
        allocators.clear();
        return problems;
    }

    private static String describe(Reclaimer r) {
        return "reclaimer '" + r.name() + "' (" + r.scheme().id() + ")";
    }

    private static String describeLive(SlabAllocator a, long live, long allowed) {
        StringBuilder sb = new StringBuilder("allocator '").append(a.name()).append("' has ").append(live)
                .append(" live block(s)");
        if (allowed > 0) {
            sb.append(" (").append(allowed).append(" retired to the leak baseline may stay)");
        }
        sb.append(" after the test; close every structure (and let the reclaimer close) before the test ends");
        if (a.isSanitizing() && !a.isClosed()) {
            List<LeakedBlock> blocks = a.liveBlocks();
            for (LeakedBlock b : blocks.subList(0, Math.min(LISTED_BLOCKS, blocks.size()))) {
                sb.append("\n      ").append(b);
            }
        } else if (!a.isSanitizing()) {
            sb.append(" (build it with b -> b.sanitize(true) to see where they were allocated)");
        }
        return sb.toString();
    }
}
