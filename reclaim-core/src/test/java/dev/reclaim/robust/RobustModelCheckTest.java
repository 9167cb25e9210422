package dev.reclaim.robust;

import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interval-based scheme's reservations and era checks under Lincheck's model checker (see
 * {@link ProtocolModelCheck}), with a scan and an era advance on every retirement.
 */
class RobustModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static RobustReclaimer eager() {
        return RobustReclaimer.builder().scanThreshold(1).eraEvery(1).build();
    }

    @Test
    void noExploredInterleavingReadsAFreedNode() {
        ProtocolModelCheck.assertSafe(check, "robust", RobustModelCheckTest::eager);
    }

    @Test
    void freeingWithoutAGracePeriodIsCaught() {
        ProtocolModelCheck.assertControlCaught(check, "robust", RobustModelCheckTest::eager);
    }
}
