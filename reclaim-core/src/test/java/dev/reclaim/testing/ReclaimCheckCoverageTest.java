package dev.reclaim.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.robust.RobustReclaimer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ReclaimCheckCoverage} finds a test class without the check and every reclaimer or allocator a class
 * makes itself, and passes classes that take them from the check. The fixtures are never run (only their
 * bytecode and declarations are read), and are disabled in case a runner picks them up.
 */
class ReclaimCheckCoverageTest {

    @Test
    void aTestClassWithoutTheCheckIsReported() {
        List<String> found = ReclaimCheckCoverage.violations(List.of(Unchecked.class));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("Unchecked runs tests but has no @RegisterExtension ReclaimCheck"),
                found.get(0));
    }

    @Test
    void everyReclaimerAndAllocatorMadeDirectlyIsReported() {
        List<String> found = ReclaimCheckCoverage.violations(List.of(MakesItsOwn.class));
        assertEquals(5, found.size(), String.join("\n", found));
        for (String call : new String[] {"Scheme.create()", "RobustReclaimer.create()", "SlabAllocator.create()",
                "Builder.build()", "LeakReclaimer.<init>()"}) {
            assertTrue(found.stream().anyMatch(v -> v.contains(call)), call + " not reported in " + found);
        }
    }

    @Test
    void classesThatUseTheCheckPassIncludingNestedAndInheritingOnes() {
        assertEquals(List.of(), ReclaimCheckCoverage.violations(
                List.of(Checked.class, Checked.Inner.class, InheritsTheCheck.class)));
    }

    // ---------------------------------------------------------------- fixtures (read, never run)

    /** Never true: keeps the fixtures out of any run. */
    static boolean never() {
        return false;
    }

    /** Has a test but no check. */
    @EnabledIf("dev.reclaim.testing.ReclaimCheckCoverageTest#never")
    static class Unchecked {
        @Test
        void test() {
        }
    }

    /** Has the check but makes its own reclaimers and allocators. */
    @EnabledIf("dev.reclaim.testing.ReclaimCheckCoverageTest#never")
    static class MakesItsOwn {
        @RegisterExtension
        final ReclaimCheck check = new ReclaimCheck();

        @ParameterizedTest
        @EnumSource(Scheme.class)
        void test(Scheme scheme) {
            Reclaimer r = scheme.create();
            RobustReclaimer robust = RobustReclaimer.create();
            SlabAllocator a = SlabAllocator.create();
            SlabAllocator b = SlabAllocator.builder().sanitize(true).build();
            Reclaimer leak = new dev.reclaim.LeakReclaimer();
            assertTrue(r != robust && a != b && leak != r);
        }
    }

    /** Takes everything from the check, in a nested class too. */
    @EnabledIf("dev.reclaim.testing.ReclaimCheckCoverageTest#never")
    static class Checked {
        @RegisterExtension
        final ReclaimCheck check = new ReclaimCheck();

        @Test
        void test() {
            assertTrue(check.reclaimer(RobustReclaimer::create) != check.reclaimer(Scheme.EBR));
            assertTrue(check.allocator(b -> b.sanitize(true)) != check.allocator());
        }

        /** A nested class: the enclosing instance's check covers it. */
        @org.junit.jupiter.api.Nested
        class Inner {
            @Test
            void test() {
                assertTrue(check.allocator() != null);
            }
        }
    }

    /** Inherits the check from its suite. */
    @EnabledIf("dev.reclaim.testing.ReclaimCheckCoverageTest#never")
    static class InheritsTheCheck extends Checked {
    }
}
