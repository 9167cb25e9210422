package dev.reclaim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * {@link ReclaimCheck} fails a test that leaves something behind, and only then: each fixture below is a small
 * test class run through JUnit's {@link EngineTestKit}; the ones that leak a block, leave a guard open, let a
 * deleter throw or use a scheme that drops its garbage must fail with a message naming the problem, the clean
 * ones must pass. The fixtures run only inside the test kit (they are disabled in a normal run).
 */
class ReclaimCheckTest {

    /** The configuration parameter the test kit sets to enable the fixtures. */
    static final String FIXTURES = "reclaim.check.fixtures";

    @Test
    void aBlockNeverFreedFailsTheTestNamingTheAllocatorAndTheBlock() {
        String message = failureOf(LeavesABlockLive.class);
        assertTrue(message.contains("allocator 'leaks' has 1 live block(s)"), message);
        assertTrue(message.contains("LeavesABlockLive"), "a sanitizing allocator lists the allocation site: "
                + message);
    }

    @Test
    void aGuardLeftOpenFailsTheTestNamingTheHolder() {
        String message = failureOf(LeavesAGuardOpen.class);
        assertTrue(message.contains("1 open guard(s)") && message.contains(Thread.currentThread().getName()),
                message);
    }

    @Test
    void aDeleterThatThrowsFailsTheTest() {
        String message = failureOf(DeleterThrows.class);
        assertTrue(message.contains("1 failure(s)"), message);
    }

    @Test
    void aSchemeThatDropsItsGarbageOnCloseFailsTheTest() {
        String message = failureOf(DropsGarbageOnClose.class);
        assertTrue(message.contains("retired 1, reclaimed 0, pending 1"), message);
    }

    @Test
    void theLeakBaselineMayKeepTheBlocksRetiredToItButNoOthers() {
        assertPasses(LeakBaselineKeepsItsRetiredBlock.class);
        String message = failureOf(LeakBaselineDoesNotExcuseAnUnretiredBlock.class);
        assertTrue(message.contains("2 live block(s) (1 retired to the leak baseline may stay)"), message);
    }

    @Test
    void aTestThatReleasesEverythingPassesWhetherItClosesItselfOrLeavesThatToTheCheck() {
        assertPasses(RetiresAndLeavesClosingToTheCheck.class);
        assertPasses(ClosesEverythingItself.class);
    }

    // ---------------------------------------------------------------- running a fixture

    private static Events run(Class<?> fixture) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(FIXTURES, "true")
                .selectors(selectClass(fixture))
                .execute()
                .testEvents();
    }

    private static String failureOf(Class<?> fixture) {
        Events events = run(fixture);
        assertEquals(1, events.started().count(), fixture.getSimpleName() + " must run one test");
        List<Event> failed = events.failed().list();
        assertEquals(1, failed.size(), fixture.getSimpleName() + " must fail: ReclaimCheck missed its problem");
        Throwable t = failed.get(0).getPayload(TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
        assertTrue(t instanceof AssertionError && String.valueOf(t.getMessage()).startsWith("ReclaimCheck after"),
                "the failure must come from ReclaimCheck: " + t);
        return t.getMessage();
    }

    private static void assertPasses(Class<?> fixture) {
        Events events = run(fixture);
        assertEquals(1, events.started().count(), fixture.getSimpleName() + " must run one test");
        assertEquals(1, events.succeeded().count(), () -> fixture.getSimpleName() + " must pass: "
                + events.failed().list());
    }

    /**
     * Enables a fixture only inside the test kit.
     *
     * @param context the fixture's context
     * @return whether the test kit runs it
     */
    static boolean launchedByTheTestKit(ExtensionContext context) {
        return context.getConfigurationParameter(FIXTURES).isPresent();
    }

    // ---------------------------------------------------------------- fixtures

    /** Base of the fixtures: the check, and the condition that keeps them out of normal runs. */
    @EnabledIf("dev.reclaim.testing.ReclaimCheckTest#launchedByTheTestKit")
    abstract static class Fixture {
        @RegisterExtension
        final ReclaimCheck check = new ReclaimCheck();
    }

    /** Allocates a block and never frees it. */
    static class LeavesABlockLive extends Fixture {
        @Test
        void leaks() {
            SlabAllocator allocator = check.allocator(b -> b.name("leaks").sanitize(true));
            allocator.allocate(16);
        }
    }

    /** Enters a guard and never closes it. */
    static class LeavesAGuardOpen extends Fixture {
        @Test
        void forgetsTheGuard() {
            Guard forgotten = check.reclaimer(Scheme.EBR).enter();
            assertTrue(forgotten.isOpen());
        }
    }

    /** Retires a pointer whose deleter throws. */
    static class DeleterThrows extends Fixture {
        @Test
        void deleterThrows() {
            Reclaimer reclaimer = check.reclaimer(Scheme.EBR);
            try (Guard g = reclaimer.enter()) {
                g.retire(8, p -> {
                    throw new IllegalStateException("deliberately failing deleter");
                });
            }
        }
    }

    /** Retires a block to a scheme that claims to free but drops its garbage (a broken scheme). */
    static class DropsGarbageOnClose extends Fixture {
        @Test
        void retiresToABrokenScheme() {
            Reclaimer broken = check.reclaimer(DroppingReclaimer::new);
            SlabAllocator allocator = check.allocator();
            broken.retire(allocator.allocate(16), allocator);
        }
    }

    /** Retires a block to the leak baseline: it stays live, by design. */
    static class LeakBaselineKeepsItsRetiredBlock extends Fixture {
        @Test
        void retiresToLeak() {
            SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
            check.reclaimer(Scheme.LEAK).retire(allocator.allocate(16), allocator);
        }
    }

    /** Retires one block to the leak baseline and leaves another live without retiring it. */
    static class LeakBaselineDoesNotExcuseAnUnretiredBlock extends Fixture {
        @Test
        void leaksOneMore() {
            SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
            check.reclaimer(Scheme.LEAK).retire(allocator.allocate(16), allocator);
            allocator.allocate(16);
        }
    }

    /** Retires blocks under every freeing scheme and leaves closing to the check. */
    static class RetiresAndLeavesClosingToTheCheck extends Fixture {
        @Test
        void retires() {
            SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
            for (Scheme scheme : new Scheme[] {Scheme.EBR, Scheme.HP, Scheme.ROBUST}) {
                Reclaimer reclaimer = check.reclaimer(scheme);
                try (Guard g = reclaimer.enter()) {
                    g.retire(allocator.allocate(16), allocator);
                }
            }
        }
    }

    /** Closes its reclaimer and allocator itself, as tests that assert on the state after close do. */
    static class ClosesEverythingItself extends Fixture {
        @Test
        void closes() {
            SlabAllocator allocator = check.allocator(b -> b.sanitize(true));
            Reclaimer reclaimer = check.reclaimer(Scheme.HP);
            reclaimer.retire(allocator.allocate(16), allocator);
            reclaimer.close();
            assertEquals(0, allocator.stats().liveBlocks());
            allocator.close();
        }
    }

    /**
     * A broken scheme for the negative control: it says it is EBR but, like the leak baseline it wraps, never
     * runs a deleter, so after close its garbage is still pending.
     */
    static final class DroppingReclaimer implements Reclaimer {
        private final Reclaimer leak = Scheme.LEAK.create();

        @Override
        public Guard enter() {
            return leak.enter();
        }

        @Override
        public void flush() {
            leak.flush();
        }

        @Override
        public void synchronize() {
            leak.synchronize();
        }

        @Override
        public boolean synchronize(Duration timeout) {
            return leak.synchronize(timeout);
        }

        @Override
        public ReclaimerStats stats() {
            return leak.stats();
        }

        @Override
        public Scheme scheme() {
            return Scheme.EBR;
        }

        @Override
        public String name() {
            return "dropping";
        }

        @Override
        public boolean isClosed() {
            return leak.isClosed();
        }

        @Override
        public void close() {
            leak.close();
        }
    }
}
