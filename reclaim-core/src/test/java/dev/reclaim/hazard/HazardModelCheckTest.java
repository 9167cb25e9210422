package dev.reclaim.hazard;

import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hazard pointers' publish, validate and scan under Lincheck's model checker (see {@link ProtocolModelCheck}), with
 * a scan of every free slot's retired list on flush.
 */
class HazardModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static HazardReclaimer eager() {
        return HazardReclaimer.builder().scanThreshold(1).build();
    }

    @Test
    void noExploredInterleavingReadsAFreedNode() {
        ProtocolModelCheck.assertSafe(check, "hp", HazardModelCheckTest::eager);
    }

    @Test
    void freeingWithoutAGracePeriodIsCaught() {
        ProtocolModelCheck.assertControlCaught(check, "hp", HazardModelCheckTest::eager);
    }
}
