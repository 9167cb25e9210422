package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.ReclaimerStats;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.robust.RobustReclaimer;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stack stamps each node with its birth era and passes it back on retire, so under the robust scheme a
 * reader parked inside a guard holds back only the nodes that existed when it stalled: pending garbage stays
 * within {@link RobustReclaimer#garbageBound(long)}, while under EBR the same run keeps every popped node.
 */
class TreiberStackStallTest {

    private static final int LIVE = 100;
    private static final int PAIRS = 200_000;

    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void aStalledReaderHoldsBackBoundedGarbageUnderRobustAndEverythingUnderEbr() {
        RobustReclaimer robustReclaimer = check.reclaimer(RobustReclaimer::create);
        long bound = robustReclaimer.garbageBound(LIVE + 1);
        ReclaimerStats robust = runWithStalledReader(robustReclaimer);
        robustReclaimer.close(); // done with it: closed before the EBR run
        ReclaimerStats ebr = runWithStalledReader(check.reclaimer(EpochReclaimer::create));
        assertEquals(PAIRS, robust.retired());
        assertTrue(robust.pending() <= bound, "robust: pending " + robust.pending() + " > bound " + bound);
        assertTrue(robust.peakPending() <= bound, "robust: peak " + robust.peakPending() + " > bound " + bound);
        assertEquals(PAIRS, ebr.retired());
        assertTrue(ebr.pending() > 10 * bound, "ebr keeps every popped node while a reader stalls: "
                + ebr.pending());
    }

    /** Pushes LIVE values, parks a guard that read the top, then pushes and pops PAIRS times; stats at the end. */
    private ReclaimerStats runWithStalledReader(Reclaimer r) {
        ReclaimerStats s;
        try (TreiberStack stack = new TreiberStack(r, check.allocator(b -> b.name("stall-" + r.scheme().id())))) {
            for (int i = 0; i < LIVE; i++) {
                stack.push(i);
            }
            Guard stalled = r.enter(); // the "stalled reader": open for the whole run, holding the top node
            stalled.protect(0, stack.rootAddress() + TreiberStackLayout.HEAD_OFFSET);
            for (int i = 0; i < PAIRS; i++) {
                stack.push(i);
                stack.pop(-1);
            }
            r.flush();
            s = r.stats();
            stalled.close();
            r.synchronize();
            assertEquals(0, r.stats().pending(), r.scheme().id() + ": everything freed once the reader left");
        }
        return s;
    }
}
