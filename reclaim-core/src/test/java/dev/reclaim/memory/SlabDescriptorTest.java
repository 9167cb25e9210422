package dev.reclaim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlabDescriptorTest {

    @Test
    void classIndexPicksTheSmallestClassThatFits() {
        for (long size = 1; size <= SlabDescriptor.MAX_CLASS_SIZE; size++) {
            int cls = SlabDescriptor.classIndex(size);
            assertTrue(cls >= 0 && cls < SlabDescriptor.CLASS_COUNT, "size " + size + " -> class " + cls);
            assertTrue(SlabDescriptor.CLASS_SIZES[cls] >= size, "size " + size + " -> " + SlabDescriptor.CLASS_SIZES[cls]);
            if (cls > 0) {
                assertTrue(SlabDescriptor.CLASS_SIZES[cls - 1] < size, "size " + size + " fits a smaller class");
            }
        }
        assertEquals(SlabDescriptor.LARGE_CLASS, SlabDescriptor.classIndex(SlabDescriptor.MAX_CLASS_SIZE + 1));
    }

    @Test
    void classSizesAreAlignedIncreasingAndWasteAtMostAQuarter() {
        long previous = 0;
        for (int c = 0; c < SlabDescriptor.CLASS_COUNT; c++) {
            long s = SlabDescriptor.CLASS_SIZES[c];
            assertEquals(0, s % 16, "class " + c);
            assertTrue(s > previous);
            if (previous >= 128) {
                assertTrue((s - previous - 1) * 4 < s + previous, "class " + c + " wastes too much: " + s);
            }
            previous = s;
            assertTrue(SlabDescriptor.blocksPerChunk(c) >= 7, "class " + c);
        }
    }

    @Test
    void smallRecordsLoseLessThanOneAlignmentUnitToRounding() {
        for (long size = 1; size <= SlabDescriptor.FINE_CLASS_LIMIT; size++) {
            long block = SlabDescriptor.CLASS_SIZES[SlabDescriptor.classIndex(size)];
            assertEquals(SlabDescriptor.alignUp(size), block, "size " + size);
        }
        assertEquals(144, SlabDescriptor.CLASS_SIZES[SlabDescriptor.classIndex(137)], "a 137..144-byte record");
    }

    @Test
    void taggedHeadsKeepTheAddressAndBumpTheTag() {
        long head = SlabDescriptor.nextHead(0, 0x7fff_1234_5670L);
        assertEquals(0x7fff_1234_5670L, SlabDescriptor.headAddress(head));
        long next = SlabDescriptor.nextHead(head, 0x10L);
        assertEquals(0x10L, SlabDescriptor.headAddress(next));
        assertEquals((head >>> 48) + 1, next >>> 48);
        long wrapped = SlabDescriptor.nextHead(-1L, 0x20L);
        assertEquals(0x20L, SlabDescriptor.headAddress(wrapped));
    }
}
