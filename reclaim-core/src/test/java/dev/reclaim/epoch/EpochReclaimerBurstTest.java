package dev.reclaim.epoch;

import dev.reclaim.memory.SlabAllocator;
import dev.reclaim.testing.ReclaimCheck;
import dev.reclaim.testing.ThreadPerTaskBurst;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ThreadPerTaskBurst}: reclamation and the slot table follow thread-per-task load, nobody flushing. */
class EpochReclaimerBurstTest {
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void virtualThreadBurstIsReclaimedWithoutFlushAndTheTableShrinksBack() throws Exception {
        SlabAllocator mem = check.allocator();
        EpochReclaimer r = check.reclaimer(EpochReclaimer::create);
        ThreadPerTaskBurst.check(r, mem);
    }
}
