package dev.reclaim.hazard;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot with more hazards than a sort is kept for (a burst of open guards) is a set of the distinct
 * hazards: every published hazard is found in it, nothing else is, whatever the collisions and the growth.
 */
class LargeSnapshotTest {

    /** Hazards sharing their low 20 bits (aligned blocks), many of them repeated: collisions and growth. */
    private static long hazard(int i) {
        return ((long) (i % 5_000) + 1) << 20;
    }

    @Test
    void theSetHoldsEveryHazardAndNothingElseAcrossGrowthAndShrinking() {
        HazardSlot scanner = new HazardSlot(-1);
        for (int n : new int[] {40_000, 2_000, 40_000, 1_500}) {
            long[] hz = scanner.snapshotBuffer(n);
            Set<Long> expected = new HashSet<>();
            for (int i = 0; i < n; i++) {
                hz[i] = hazard(i);
                expected.add(hz[i]);
            }
            assertEquals(expected.size(), scanner.hashSnapshot(n), "distinct hazards of " + n);
            assertTrue(scanner.hashed);
            for (long h : expected) {
                assertTrue(scanner.inSet(h), "a published hazard is missing from the set: " + h);
            }
            for (int i = 5_001; i < 7_000; i++) {
                long other = (long) i << 20;
                assertFalse(scanner.inSet(other), "a pointer nobody protects is in the set: " + other);
                assertFalse(scanner.inSet(hazard(i) + 8), "a neighbour of a hazard is in the set");
            }
        }
    }

    @Test
    void aBurstOfGuardsProtectingDistinctNodesKeepsEachOfThemThroughADomainScan() {
        int open = 3_000; // more hazards than a sorted snapshot is used for
        Set<Long> freed = new HashSet<>();
        Deleter d = freed::add;
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofShared()) {
            MemorySegment links = arena.allocate(ValueLayout.JAVA_LONG, open);
            List<Guard> guards = new ArrayList<>(open);
            try {
                for (int i = 0; i < open; i++) {
                    links.setAtIndex(ValueLayout.JAVA_LONG, i, hazard(i)); // each guard protects its own node
                    Guard g = r.enter();
                    g.protect(0, links.address() + 8L * i);
                    guards.add(g);
                }
                try (Guard g = r.enter()) {
                    for (int i = 0; i < open; i++) {
                        g.retire(hazard(i), d); // protected by guard i
                        g.retire(hazard(i) + 64, d); // protected by nobody
                    }
                }
                r.flush(); // scans the domain list that the retires on the grown table were handed to
                for (int i = 0; i < open; i++) {
                    assertFalse(freed.contains(hazard(i)), "a node protected by an open guard was freed: " + i);
                    assertTrue(freed.contains(hazard(i) + 64), "an unprotected node was kept: " + i);
                }
            } finally {
                for (Guard g : guards) {
                    g.close();
                }
            }
            r.flush();
            assertEquals(2 * open, freed.size(), "every node is freed once its guard closed");
        }
    }
}
