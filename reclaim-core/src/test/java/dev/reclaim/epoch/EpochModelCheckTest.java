package dev.reclaim.epoch;

import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EBR's pin, seal and advance under Lincheck's model checker (see {@link ProtocolModelCheck}), with one-entry
 * bags and an advance attempt on every close so that two replaces and a flush can free a node.
 */
class EpochModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static EpochReclaimer eager() {
        return EpochReclaimer.builder().bagCapacity(1).advanceEvery(1).build();
    }

    @Test
    void noExploredInterleavingReadsAFreedNode() {
        ProtocolModelCheck.assertSafe(check, "ebr", EpochModelCheckTest::eager);
    }

    @Test
    void freeingWithoutAGracePeriodIsCaught() {
        ProtocolModelCheck.assertControlCaught(check, "ebr", EpochModelCheckTest::eager);
    }
}
