package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The domain list of a table grown for a burst of open guards (SlotTable): what a retire on a grown table leaves
 * behind, and how much the domain list holds before it is scanned. Counts from one thread, no timing.
 */
class DomainListCadenceTest {

    /** Counts deletions. */
    private static final class Counting implements Deleter {
        long deleted;

        @Override
        public void delete(long pointer) {
            deleted++;
        }
    }

    /** Opens {@code n} guards on this thread (the table grows to hold them), each protecting {@code link}'s value. */
    private static List<Guard> openGuards(HazardReclaimer r, MemorySegment link, int n) {
        List<Guard> open = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Guard g = r.enter();
            g.protect(0, link.address());
            open.add(g);
        }
        return open;
    }

    private static void closeAll(List<Guard> guards) {
        for (Guard g : guards) {
            g.close();
        }
    }

    @Test
    void aRetireOnAGrownTableLeavesNothingInTheSlotOfAGuardThatStaysOpen() {
        Counting d = new Counting();
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofShared()) {
            MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
            link.set(ValueLayout.JAVA_LONG, 0, 16); // what the burst's guards protect
            List<Guard> burst = openGuards(r, link, 256);
            assertTrue(r.stats().guardSlots() > 16, "the burst grew the table: " + r.stats().guardSlots());
            try (Guard sleeper = r.enter()) { // a task that retires and then keeps its guard open (it sleeps)
                sleeper.retire(32, d); // protected by nobody
                // flush scans the lists of free slots and the domain list, never an open guard's own list
                r.flush();
                assertEquals(1, d.deleted, "the retired pointer stayed in the list of a guard that is still open");
            } finally {
                closeAll(burst);
            }
        }
    }

    @Test
    void theDomainListIsScannedByTheTimeItHoldsA64thOfTheOpenGuards() {
        int open = 40_000;
        Counting d = new Counting();
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofShared()) {
            MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
            link.set(ValueLayout.JAVA_LONG, 0, 16);
            List<Guard> burst = openGuards(r, link, open);
            try {
                int slots = r.stats().guardSlots();
                // a domain scan is due at a 64th of the protections the previous one found (one hazard per
                // open guard), never below a 256th of the table (what keeps a scan's cost amortised), never
                // at a 64th of the table; plus one slot list's threshold of slack
                long bound = Math.max(open / 64, slots / 256) + 64;
                assertTrue(slots / 64 > bound, "a 64th of the table exceeds the bound: " + slots + " slots");
                long retires = 3 * bound; // enough for the domain list to pass the bound if nothing scanned it
                long maxPending = 0;
                try (Guard g = r.enter()) {
                    for (long i = 0; i < retires; i++) {
                        g.retire(16L * (i + 2), d); // none of them protected
                        maxPending = Math.max(maxPending, (i + 1) - d.deleted);
                    }
                }
                assertTrue(maxPending <= bound, "the domain list held " + maxPending + " unscanned entries with "
                        + open + " guards open on " + slots + " slots; expected at most " + bound);
                assertTrue(d.deleted >= retires - bound, "most retires were freed while the guards stayed open: "
                        + d.deleted);
            } finally {
                closeAll(burst);
            }
        }
    }
}
