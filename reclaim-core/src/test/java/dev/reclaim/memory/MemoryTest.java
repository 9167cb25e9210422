package dev.reclaim.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemoryTest {

    @ParameterizedTest(name = "sanitize={0}")
    @ValueSource(booleans = {false, true})
    void accessorsReadBackWhatTheyWrite(boolean sanitize) {
        try (SlabAllocator slab = SlabAllocator.builder().sanitize(sanitize).build()) {
            long b = slab.allocateZeroed(64);
            Memory.putLong(b, 1);
            assertEquals(1, Memory.getLong(b));
            Memory.putLongOpaque(b + 8, 2);
            assertEquals(2, Memory.getLongOpaque(b + 8));
            Memory.putLongRelease(b + 16, 3);
            assertEquals(3, Memory.getLongAcquire(b + 16));
            Memory.putLongVolatile(b + 24, 4);
            assertEquals(4, Memory.getLongVolatile(b + 24));
            assertTrue(Memory.compareAndSetLong(b, 1, 10));
            assertFalse(Memory.compareAndSetLong(b, 1, 11));
            assertEquals(10, Memory.getLong(b));
            assertEquals(10, Memory.compareAndExchangeLong(b, 10, 12));
            assertEquals(12, Memory.compareAndExchangeLong(b, 99, 13));
            assertEquals(12, Memory.getAndSetLong(b, 20));
            assertEquals(20, Memory.getAndAddLong(b, 5));
            assertEquals(25, Memory.getLong(b));

            Memory.putInt(b + 32, 7);
            assertEquals(7, Memory.getInt(b + 32));
            Memory.putIntRelease(b + 36, 8);
            assertEquals(8, Memory.getIntAcquire(b + 36));
            assertTrue(Memory.compareAndSetInt(b + 32, 7, 9));
            assertFalse(Memory.compareAndSetInt(b + 32, 7, 9));
            assertEquals(9, Memory.getAndAddInt(b + 32, 1));
            assertEquals(10, Memory.getInt(b + 32));

            Memory.fill(b + 40, 24, (byte) 0x5A);
            assertEquals(0x5A5A5A5A5A5A5A5AL, Memory.getLong(b + 48));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate(16);
                src.set(ValueLayout.JAVA_LONG, 0, 123L);
                src.set(ValueLayout.JAVA_LONG, 8, 456L);
                Memory.copyFrom(src, 0, b + 40, 16);
                assertEquals(123L, Memory.getLong(b + 40));
                MemorySegment dst = arena.allocate(16);
                Memory.copyTo(b + 40, dst, 0, 16);
                assertEquals(456L, dst.get(ValueLayout.JAVA_LONG, 8));
            }
            assertEquals(64, Memory.segment(b, 64).byteSize());
            slab.free(b);
        }
    }

    @Test
    void getAndAddOnOneBlockFromFourThreadsLosesNoIncrement() throws Exception {
        try (SlabAllocator slab = SlabAllocator.create()) {
            long counter = slab.allocateZeroed(16);
            int threads = 4;
            int perThread = 50_000;
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        Memory.getAndAddLong(counter, 1);
                        Memory.getAndAddInt(counter + 8, 1);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals((long) threads * perThread, Memory.getLongVolatile(counter));
            assertEquals(threads * perThread, Memory.getInt(counter + 8));
            slab.free(counter);
        }
    }

    @Test
    void casFromFourThreadsActsAsALock() throws Exception {
        try (SlabAllocator slab = SlabAllocator.create()) {
            long lock = slab.allocateZeroed(32);
            long data = lock + 8;
            int threads = 4;
            int perThread = 20_000;
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perThread; i++) {
                        while (!Memory.compareAndSetLong(lock, 0, 1)) {
                            Thread.onSpinWait();
                        }
                        Memory.putLong(data, Memory.getLong(data) + 1); // plain: guarded by the CAS lock
                        Memory.putLongRelease(lock, 0);
                    }
                }));
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals((long) threads * perThread, Memory.getLongAcquire(data));
            slab.free(lock);
        }
    }
}
