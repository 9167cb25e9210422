package dev.reclaim.memory;

import dev.reclaim.testing.HeapAllocation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sanitizer mode's footprint settings: sampled stack capture and the quarantine bound. Detection must not
 * depend on either: a use after free and a double free are caught whether or not the block's stacks were
 * recorded.
 */
class SanitizerFootprintTest {

    private static final int BLOCK = 64;
    private static final long REGION = BLOCK + 2 * SanitizingSlab.REDZONE;

    @ParameterizedTest
    @ValueSource(ints = {0, 64, 1_000_000})
    void aUseAfterFreeIsCaughtWhetherOrNotItsStacksWereRecorded(int sampling) {
        try (SlabAllocator slab = SlabAllocator.builder().name("sampled").sanitize(true).siteSampling(sampling)
                .build()) {
            long b = slab.allocate(BLOCK);
            Memory.putLong(b, 1);
            slab.free(b);
            UseAfterFreeException e = assertThrows(UseAfterFreeException.class, () -> Memory.getLong(b));
            String m = e.getMessage();
            assertTrue(m.contains("allocated by thread '" + Thread.currentThread().getName() + "'"), m);
            assertTrue(m.contains("freed by thread '" + Thread.currentThread().getName() + "'"), m);
            if (sampling != 1) {
                assertTrue(m.contains("siteSampling(1)"), "says how to get the stacks: " + m);
            }
            assertThrows(UseAfterFreeException.class, () -> slab.free(b), "double free");
        }
    }

    @Test
    void theDefaultRecordsOnlyASampleOfStacksAndTheSystemPropertyCanAskForAll() {
        try (SlabAllocator slab = SlabAllocator.builder().name("default").sanitize(true).build()) {
            int withStack = 0;
            int n = 2_000;
            long[] blocks = new long[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = slab.allocate(BLOCK);
            }
            for (LeakedBlock l : slab.liveBlocks()) {
                if (l.allocationSite().contains("\n\tat ")) {
                    withStack++;
                }
            }
            for (long b : blocks) {
                slab.free(b);
            }
            assertTrue(withStack > 0 && withStack < n / 8,
                    "about 1 in " + SanitizingSlab.SITE_SAMPLING + " of " + n + " allocation stacks, got " + withStack);
        }
        String old = System.getProperty(SlabAllocator.SITE_SAMPLING_PROPERTY);
        System.setProperty(SlabAllocator.SITE_SAMPLING_PROPERTY, "1");
        try (SlabAllocator slab = SlabAllocator.builder().name("all").sanitize(true).build()) {
            long b = slab.allocate(BLOCK);
            assertTrue(slab.liveBlocks().get(0).allocationSite().contains("\n\tat "), slab.liveBlocks().toString());
            slab.free(b);
        } finally {
            if (old == null) {
                System.clearProperty(SlabAllocator.SITE_SAMPLING_PROPERTY);
            } else {
                System.setProperty(SlabAllocator.SITE_SAMPLING_PROPERTY, old);
            }
        }
    }

    @Test
    void sampledSitesAllocateAFractionOfWhatEveryStackCosts() {
        long every = churnBytes(1);
        long sampled = churnBytes(SanitizingSlab.SITE_SAMPLING);
        assertTrue(sampled * 3 < every, "heap bytes per 1000 allocate/free pairs: every stack " + every
                + ", sampled " + sampled);
    }

    private static long churnBytes(int sampling) {
        try (SlabAllocator slab = SlabAllocator.builder().name("churn").sanitize(true).siteSampling(sampling)
                .quarantine(16, Long.MAX_VALUE).build()) {
            long[] blocks = new long[1_000];
            return HeapAllocation.fewestBytes(() -> {
                for (int i = 0; i < blocks.length; i++) {
                    blocks[i] = slab.allocate(BLOCK);
                }
                for (long b : blocks) {
                    slab.free(b);
                }
            });
        }
    }

    @Test
    void theQuarantineKeepsAtMostItsBoundAndReleasesTheRest() {
        try (SlabAllocator slab = SlabAllocator.builder().name("q").sanitize(true).quarantine(3, Long.MAX_VALUE)
                .build()) {
            long[] blocks = new long[10];
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = slab.allocate(BLOCK);
            }
            assertEquals(10 * REGION, slab.stats().reservedBytes());
            for (long b : blocks) {
                slab.free(b);
            }
            assertEquals(3 * REGION, slab.stats().reservedBytes(), "3 quarantined blocks, the others released");
            long last = blocks[blocks.length - 1];
            assertThrows(UseAfterFreeException.class, () -> Memory.getLong(last), "still in the quarantine");
        }
        try (SlabAllocator slab = SlabAllocator.builder().name("qb").sanitize(true).quarantine(100, 2 * BLOCK)
                .build()) {
            for (int i = 0; i < 10; i++) {
                slab.free(slab.allocate(BLOCK));
            }
            assertEquals(2 * REGION, slab.stats().reservedBytes(), "the byte bound: 2 blocks of " + BLOCK);
        }
    }

    @Test
    void badSettingsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlabAllocator.builder().siteSampling(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SlabAllocator.builder().quarantine(-2, 0));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
    }
}
