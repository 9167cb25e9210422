package dev.reclaim.epoch;

import dev.reclaim.testing.EagerReclaimers;
import dev.reclaim.testing.ProtocolModelCheck;

/**
 * EBR's pin, seal and advance under Lincheck's model checker (see {@link ProtocolModelCheck}), with one-entry
 * bags and an advance attempt on every close so that the scenario can free a node.
 */
class EpochModelCheckTest extends ProtocolModelCheck {

    EpochModelCheckTest() {
        super("ebr", EagerReclaimers.ebr());
    }
}
