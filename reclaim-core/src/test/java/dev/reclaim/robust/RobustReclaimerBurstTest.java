package dev.reclaim.robust;

import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import dev.reclaim.testing.ThreadPerTaskBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ThreadPerTaskBurst}: reclamation and the slot table follow thread-per-task load, nobody flushing. */
class RobustReclaimerBurstTest {
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void virtualThreadBurstIsReclaimedWithoutFlushAndTheTableShrinksBack() throws Exception {
        SlabAllocator mem = check.allocator();
        RobustReclaimer r = check.reclaimer(RobustReclaimer::create);
        ThreadPerTaskBurst.check(r, mem);
    }
}
