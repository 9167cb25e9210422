package dev.reclaim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Huge-page regions: blocks of a big allocator land on transparent huge pages where the system allows it. */
class SegmentSourceTest {

    private static final Path POLICY = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void blocksOfABigAllocatorLandOnHugePagesAndAreZeroedAligned() throws IOException {
        assumeHugePagesPossible();
        try (SlabAllocator slab = SlabAllocator.builder().name("huge").sanitize(false).build()) {
            int n = 16 * 1024 * 1024 / 128; // 16 MiB of 128-byte blocks: several whole 2 MiB pages
            long[] blocks = new long[n];
            for (int i = 0; i < n; i++) {
                blocks[i] = slab.allocate(128);
                assertEquals(0, blocks[i] % 16, "block alignment");
                assertEquals(0L, Memory.getLong(blocks[i] + 120), "a fresh segment is zeroed"); // plain: own block
                Memory.putLong(blocks[i] + 120, i); // plain: own block, touches its page
            }
            long huge = Smaps.kib(blocks[n / 2], "AnonHugePages:");
            assertTrue(huge >= 2048, "the mapping holding the blocks has " + huge + " KiB on huge pages; expected"
                    + " at least one 2 MiB page (madvise(MADV_HUGEPAGE) on the allocator's regions)");
            slab.deleteAll(blocks, 0, n);
        }
    }

    @Test
    void aLargeBlockSpanningHugePagesIsAdvisedToo() throws IOException {
        assumeHugePagesPossible();
        try (SlabAllocator slab = SlabAllocator.builder().name("huge-large").sanitize(false).build()) {
            long size = 16L << 20;
            long block = slab.allocate(size);
            for (long o = 0; o < size; o += 4096) {
                Memory.putLong(block + o, o); // plain: own block, touches every page
            }
            long huge = Smaps.kib(block + size / 2, "AnonHugePages:");
            assertTrue(huge >= 2048, "the large block's mapping has " + huge + " KiB on huge pages");
            slab.free(block);
        }
    }

    private static void assumeHugePagesPossible() throws IOException {
        assumeTrue(SegmentSource.hugePages(), "huge-page regions are off on this platform");
        assumeTrue(Files.exists(POLICY) && !Files.readString(POLICY).contains("[never]"),
                "the system's transparent huge page policy is never");
    }
}
