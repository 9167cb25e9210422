package dev.reclaim.internal;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where threads start probing a table of slots. */
class SlotSupportTest {

    /**
     * Threads started together get consecutive ids; n of them must get n different home slots in a table of n
     * or more (the guard tables start at 16 slots; a pool of 8 workers is common). Negative control (run by
     * hand): the low bits of the Fibonacci product ({@code spread(id) & mask}) put two of 8 consecutive ids in
     * one slot of 16 for nearly every start id.
     */
    @Test
    void consecutiveThreadIdsGetDistinctHomes() {
        for (int n = 2; n <= 64; n *= 2) {
            int mask = n - 1;
            for (long first = 1; first < 5_000; first++) {
                Set<Integer> homes = new HashSet<>();
                for (long id = first; id < first + n; id++) {
                    int h = SlotSupport.home(id, mask);
                    assertTrue(h >= 0 && h <= mask, "home " + h + " outside [0, " + mask + "]");
                    homes.add(h);
                }
                assertEquals(n, homes.size(), n + " consecutive ids from " + first + " share a home in a table of "
                        + (mask + 1));
            }
        }
    }

    @Test
    void aTableOfOneSlotHasOneHome() {
        for (long id = 0; id < 1_000; id++) {
            assertEquals(0, SlotSupport.home(id, 0));
        }
    }
}
