package dev.reclaim.robust;

import dev.reclaim.testing.EagerReclaimers;
import dev.reclaim.testing.ProtocolModelCheck;

/**
 * The interval-based scheme's reservations and era checks under Lincheck's model checker (see
 * {@link ProtocolModelCheck}), with a scan and an era advance on every retirement.
 */
class RobustModelCheckTest extends ProtocolModelCheck {

    RobustModelCheckTest() {
        super("robust", EagerReclaimers.robust());
    }
}
