package dev.reclaim.robust;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.testing.ModelCheck;
import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The interval-based scheme's reservations and era checks under Lincheck's model checker (see
 * {@link ProtocolModelCheck}): the shipped reclaimer with a scan and an era advance on every retirement, and
 * the negative control whose protect does not re-check the era after publishing its upper bound.
 */
class RobustModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static RobustReclaimer.Builder eager() {
        return RobustReclaimer.builder().scanThreshold(1).eraEvery(1);
    }

    @Test
    void noInterleavingReadsAFreedNode() {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "robust", () -> eager().build(),
                ProtocolModelCheck.BOUND);
        assertNull(r.failure(), () -> r.summary(80));
    }

    @Test
    void protectWithoutEraRecheckIsCaught() {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "robust unvalidated protect",
                () -> eager().unvalidatedProtect().build(), ProtocolModelCheck.CONTROL_BOUND);
        ModelCheck.assertReports(r, UseAfterFreeException.class);
    }
}
