package dev.reclaim.examples.birdcage;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BirdCageTest {

    @Test
    void accessCountsACanaryWhoseMagicWasOverwrittenAsDead() {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = Scheme.LEAK.create();
            BirdCage cage = new BirdCage(reclaimer, allocator, 4);
            cage.access(1);
            assertEquals(0, cage.deadReads());
            long canary = cage.canaryAt(1);
            long magic = Memory.getLong(canary + 8);
            Memory.putLong(canary + 8, BirdCage.DEAD); // what a premature deleter would do
            cage.access(1);
            assertEquals(1, cage.deadReads(), "a dead canary must be detected");
            Memory.putLong(canary + 8, magic);
            Memory.putLong(canary + 16, Memory.getLong(canary + 16) ^ 1); // torn payload (recycled block)
            cage.access(1);
            assertEquals(2, cage.deadReads(), "a torn canary must be detected");
            cage.close();
            reclaimer.close();
        }
    }

    @Test
    void replaceRetiresTheOldCanaryAndCloseRetiresTheRest() {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = Scheme.LEAK.create();
            BirdCage cage = new BirdCage(reclaimer, allocator, 3);
            long before = cage.canaryAt(2);
            cage.replace(2);
            assertNotEquals(before, cage.canaryAt(2));
            assertEquals(4, cage.allocated());
            assertEquals(1, reclaimer.stats().retired());
            cage.close();
            assertEquals(4, reclaimer.stats().retired(), "close retires the 3 canaries still in the cage");
            assertThrows(IllegalStateException.class, () -> cage.access(0));
            assertThrows(IllegalStateException.class, cage::close);
            reclaimer.close();
        }
    }

    @Test
    void slotOutOfRangeIsRejected() {
        try (SlabAllocator allocator = SlabAllocator.create()) {
            Reclaimer reclaimer = Scheme.LEAK.create();
            BirdCage cage = new BirdCage(reclaimer, allocator, 2);
            assertThrows(IndexOutOfBoundsException.class, () -> cage.access(2));
            assertThrows(IndexOutOfBoundsException.class, () -> cage.replace(-1));
            assertThrows(IllegalArgumentException.class, () -> new BirdCage(reclaimer, allocator, 0));
            cage.close();
            reclaimer.close();
        }
    }
}
