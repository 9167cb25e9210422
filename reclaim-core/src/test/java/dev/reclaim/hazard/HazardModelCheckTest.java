package dev.reclaim.hazard;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.testing.ModelCheck;
import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hazard pointers' publish-and-validate and scan under Lincheck's model checker (see
 * {@link ProtocolModelCheck}): the shipped reclaimer with a scan on every retirement, and the negative control
 * whose protect does not re-validate after publishing.
 */
class HazardModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static HazardReclaimer.Builder eager() {
        return HazardReclaimer.builder().scanThreshold(1);
    }

    @Test
    void noInterleavingReadsAFreedNode() {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "hp", () -> eager().build(),
                ProtocolModelCheck.BOUND);
        assertNull(r.failure(), () -> r.summary(80));
    }

    @Test
    void protectWithoutRevalidationIsCaught() {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "hp unvalidated protect",
                () -> eager().unvalidatedProtect().build(), ProtocolModelCheck.CONTROL_BOUND);
        ModelCheck.assertReports(r, UseAfterFreeException.class);
    }
}
