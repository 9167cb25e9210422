package dev.reclaim.hazard;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.hazard.HazardReclaimerTest.Counting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link HazardReclaimer#enterProtecting}: the claim CAS publishes the hazard in the slot's state, protect
 * validates it with a load, and whatever replaces or drops it gives the state's hazard up.
 */
class HazardEnterProtectingTest {

    private static long ptr(int i) {
        return 16L * i;
    }

    private static MemorySegment link(Arena arena, long value) {
        MemorySegment link = arena.allocate(ValueLayout.JAVA_LONG);
        link.set(ValueLayout.JAVA_LONG, 0, value);
        return link;
    }

    @ParameterizedTest(name = "asymmetricFence={0}")
    @ValueSource(booleans = {false, true})
    void theClaimAloneProtectsThePointerUntilTheGuardCloses(boolean asymmetric) {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.builder().asymmetricFence(asymmetric).build();
             Arena arena = Arena.ofConfined()) {
            MemorySegment link = link(arena, ptr(1));
            Guard g = r.enterProtecting(0, link.address());
            link.set(ValueLayout.JAVA_LONG, 0, 0L); // unlinked before any protect(): only the claim published it
            r.retire(ptr(1), d);
            r.flush();
            assertEquals(0, d.count(1), "the claim CAS published the hazard: pointer 1 must not be freed");
            g.close();
            r.flush();
            assertEquals(1, d.count(1), "closing the guard released the state's hazard");
        }
    }

    @Test
    void aProtectThatFindsTheSamePointerKeepsItProtected() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined()) {
            MemorySegment link = link(arena, ptr(2) | 3);
            try (Guard g = r.enterProtecting(1, link.address())) {
                assertEquals(ptr(2) | 3, g.protect(1, link.address()), "protect returns the tagged word");
                link.set(ValueLayout.JAVA_LONG, 0, 0L);
                r.retire(ptr(2), d);
                r.flush();
                assertEquals(0, d.count(2), "validated by protect's load: still protected");
            }
            r.flush();
            assertEquals(1, d.count(2));
        }
    }

    @Test
    void aProtectThatFindsAnotherPointerGivesTheFoldedOneUp() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined()) {
            MemorySegment link = link(arena, ptr(1));
            try (Guard g = r.enterProtecting(0, link.address())) {
                link.set(ValueLayout.JAVA_LONG, 0, ptr(2)); // replaced between the enter and the protect
                assertEquals(ptr(2), g.protect(0, link.address()));
                link.set(ValueLayout.JAVA_LONG, 0, 0L);
                r.retire(ptr(1), d);
                r.retire(ptr(2), d);
                r.flush();
                assertEquals(1, d.count(1), "the folded pointer was replaced by protect: it must be freed");
                assertEquals(0, d.count(2), "the pointer protect returned is protected");
            }
            r.flush();
            assertEquals(1, d.count(2));
        }
    }

    @Test
    void unprotectAndRepinGiveTheFoldedPointerUp() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined()) {
            MemorySegment link = link(arena, ptr(1));
            try (Guard g = r.enterProtecting(0, link.address())) {
                assertEquals(ptr(1), g.protect(0, link.address()));
                g.unprotect(0);
                r.retire(ptr(1), d);
                r.flush();
                assertEquals(1, d.count(1), "unprotect(0) dropped the hazard the claim folded in");
            }
            link.set(ValueLayout.JAVA_LONG, 0, ptr(2));
            try (Guard g = r.enterProtecting(0, link.address())) {
                g.repin();
                r.retire(ptr(2), d);
                r.flush();
                assertEquals(1, d.count(2), "repin dropped the hazard the claim folded in");
            }
        }
    }

    @Test
    void aClaimOnTheSlowPathFoldsNothingAndProtectPublishesAsEnterWould() {
        Counting d = new Counting(4);
        try (HazardReclaimer r = HazardReclaimer.create(); Arena arena = Arena.ofConfined()) {
            List<Guard> held = new ArrayList<>();
            for (int i = 0; i < r.firstTableLength(); i++) {
                held.add(r.enter()); // every slot of the first table taken: the next claim takes the slow path
            }
            MemorySegment link = link(arena, ptr(3));
            try (Guard g = r.enterProtecting(0, link.address())) {
                assertEquals(ptr(3), g.protect(0, link.address()));
                link.set(ValueLayout.JAVA_LONG, 0, 0L);
                r.retire(ptr(3), d);
                r.flush();
                assertEquals(0, d.count(3), "a slow-path claim stores plain OPEN: protect must publish the hazard");
            }
            held.forEach(Guard::close);
            r.flush();
            assertEquals(1, d.count(3));
        }
    }

    @Test
    void everySchemeChecksTheIndexAndOpensAnOrdinaryGuard() throws Exception {
        for (Scheme scheme : new Scheme[] {Scheme.EBR, Scheme.HP, Scheme.ROBUST}) {
            try (Reclaimer r = scheme.create(); Arena arena = Arena.ofConfined()) {
                MemorySegment link = link(arena, ptr(5));
                assertThrows(IndexOutOfBoundsException.class, () -> r.enterProtecting(Guard.PROTECT_SLOTS,
                        link.address()), scheme.toString());
                assertThrows(IndexOutOfBoundsException.class, () -> r.enterProtecting(-1, link.address()));
                try (Guard g = r.enterProtecting(0, link.address())) {
                    assertEquals(ptr(5), g.protect(0, link.address()), scheme.toString());
                    assertEquals(ptr(5), g.protect(2, link.address()), scheme.toString());
                }
                assertEquals(0, r.stats().pending());
            }
        }
    }
}
