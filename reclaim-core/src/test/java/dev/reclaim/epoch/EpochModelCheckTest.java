package dev.reclaim.epoch;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.reclaim.memory.UseAfterFreeException;
import dev.reclaim.testing.ModelCheck;
import dev.reclaim.testing.ProtocolModelCheck;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EBR's pin, seal and advance under Lincheck's model checker (see {@link ProtocolModelCheck}): the shipped
 * reclaimer with one-entry bags and an advance attempt on every close, so that two replaces and a flush can
 * free a node; and the negative controls that free with a grace period shorter than two epochs.
 */
class EpochModelCheckTest {

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    private static EpochReclaimer.Builder eager() {
        return EpochReclaimer.builder().bagCapacity(1).advanceEvery(1);
    }

    @Test
    void noInterleavingReadsAFreedNode() {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "ebr", () -> eager().build(),
                ProtocolModelCheck.BOUND);
        assertNull(r.failure(), () -> r.summary(80));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void aGracePeriodShorterThanTwoEpochsIsCaught(int epochs) {
        ModelCheck.Result r = ProtocolModelCheck.readerAndWriter(check, "ebr grace " + epochs,
                () -> eager().graceEpochs(epochs).build(), ProtocolModelCheck.CONTROL_BOUND);
        ModelCheck.assertReports(r, UseAfterFreeException.class);
    }
}
