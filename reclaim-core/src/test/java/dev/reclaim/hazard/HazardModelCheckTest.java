package dev.reclaim.hazard;

import dev.reclaim.testing.EagerReclaimers;
import dev.reclaim.testing.ProtocolModelCheck;

/**
 * Hazard pointers' publish, validate and scan under Lincheck's model checker (see {@link ProtocolModelCheck}), with
 * a scan of every free slot's retired list on flush.
 */
class HazardModelCheckTest extends ProtocolModelCheck {

    HazardModelCheckTest() {
        super("hp", EagerReclaimers.hp());
    }
}
