package dev.reclaim.collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.testing.HeapAllocation;
import dev.reclaim.testing.ReclaimCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Backoff}: its bounds, the doubling, the yield stage, {@code none()}, and no allocation. */
class BackoffTest {

    /** No reclaimer here; registered as in every test class of the package (the after-each checks). */
    @RegisterExtension
    final ReclaimCheck check = new ReclaimCheck();

    @Test
    void exponentialDoublesFromMinToMaxThenStaysInTheYieldStage() {
        Backoff b = Backoff.exponential(2, 16);
        int s = b.start();
        assertEquals(2, s);
        int[] waits = new int[4];
        for (int i = 0; i < 4; i++) {
            waits[i] = s;
            assertFalse(b.yielding(s), "spinning stage at failure " + i);
            s = b.pause(s);
        }
        assertEquals("[2, 4, 8, 16]", java.util.Arrays.toString(waits));
        assertTrue(b.yielding(s), "after a wait of max hints every further failure yields");
        assertEquals(s, b.pause(s), "the yield stage is final");
        assertTrue(b.yielding(b.pause(s)));
    }

    @Test
    void aMaxThatIsNoPowerOfTwoIsStillTheLongestWait() {
        Backoff b = Backoff.exponential(3, 10);
        int s = b.start();
        assertEquals(3, s);
        s = b.pause(s);
        assertEquals(6, s);
        s = b.pause(s);
        assertEquals(10, s, "capped at max, not 12");
        assertTrue(b.yielding(b.pause(s)));
    }

    @Test
    void equalBoundsYieldFromTheSecondFailure() {
        Backoff b = Backoff.exponential(1, 1);
        assertFalse(b.yielding(b.start()));
        assertTrue(b.yielding(b.pause(b.start())));
    }

    @Test
    void noneNeverWaitsNorYields() {
        Backoff none = Backoff.none();
        assertSame(none, Backoff.none());
        assertTrue(none.isNone());
        int s = none.start();
        assertEquals(0, s);
        for (int i = 0; i < 100; i++) {
            s = none.pause(s);
            assertEquals(0, s);
            assertFalse(none.yielding(s));
        }
        assertFalse(Backoff.standard().isNone());
        assertEquals("Backoff.none()", none.toString());
        assertEquals("Backoff.exponential(4, 64)", Backoff.exponential(4, 64).toString());
    }

    @Test
    void boundsOutOfRangeAreRejectedWithTheRangeAndTheAlternative() {
        for (int[] bad : new int[][] {{0, 8}, {-1, 8}, {8, 4}, {1, (1 << 20) + 1}}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Backoff.exponential(bad[0], bad[1]));
            assertTrue(e.getMessage().contains("min=" + bad[0] + ", max=" + bad[1]), e.getMessage());
            assertTrue(e.getMessage().contains("Backoff.none()"), e.getMessage());
        }
        assertEquals(1, Backoff.exponential(1, 1 << 20).start(), "the largest max is accepted");
    }

    @Test
    void backingOffAllocatesNothing() {
        Backoff b = Backoff.exponential(1, 4);
        long[] sink = {0};
        Runnable work = () -> {
            for (int i = 0; i < 10_000; i++) {
                int s = b.start();
                for (int k = 0; k < 4; k++) {
                    s = b.pause(s); // the last pause yields
                }
                sink[0] += s;
            }
        };
        work.run();
        long bytes = HeapAllocation.fewestBytes(work);
        assertTrue(bytes <= 512, bytes + " bytes allocated by 40000 pauses (sink " + sink[0] + ")");
    }
}
