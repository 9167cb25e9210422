package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.reclaim.testing.ReclaimCheck;
import dev.reclaim.testing.ReclaimCheckCoverage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every test class of this package registers a {@link ReclaimCheck} (through its suite) and makes no reclaimer
 * or allocator of its own, so that every test is checked for open guards, pending garbage and live blocks.
 */
class EveryTestUsesTheReclaimCheckTest {

    /** Required of every test class, this one included (it makes nothing for the check to verify). */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void everyTestClassGetsItsReclaimersAndAllocatorsFromTheCheck() {
        List<String> violations = ReclaimCheckCoverage.violationsInPackageOf(EveryTestUsesTheReclaimCheckTest.class);
        assertEquals(List.of(), violations, String.join("\n", violations));
    }
}
