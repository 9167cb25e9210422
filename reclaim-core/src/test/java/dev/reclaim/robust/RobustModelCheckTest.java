package dev.reclaim.robust;

import dev.reclaim.testing.ProtocolModelCheck;

/**
 * The interval-based scheme's reservations and era checks under Lincheck's model checker (see
 * {@link ProtocolModelCheck}), with a scan and an era advance on every retirement.
 */
class RobustModelCheckTest extends ProtocolModelCheck {

    RobustModelCheckTest() {
        super("robust", () -> RobustReclaimer.builder().scanThreshold(1).eraEvery(1).build());
    }
}
