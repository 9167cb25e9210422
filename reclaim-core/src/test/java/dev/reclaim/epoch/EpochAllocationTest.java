package dev.reclaim.epoch;

import dev.reclaim.Deleter;
import dev.reclaim.Guard;
import dev.reclaim.HeapAllocation;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hot paths allocate nothing on the Java heap in steady state. */
class EpochAllocationTest {
    private static final int OPS = 100_000;
    private static final long SLACK = 512;

    /** A preallocated deleter that only counts. */
    static final class Counter implements Deleter {
        long deleted;

        @Override
        public void delete(long pointer) {
            deleted++;
        }
    }

    private static long enterClose(EpochReclaimer r, AtomicReference<String> ref) {
        long sink = 0;
        for (int i = 0; i < OPS; i++) {
            try (Guard g = r.enter()) {
                sink += g.protect(0, ref).length();
            }
        }
        return sink;
    }

    private static void enterRetireClose(EpochReclaimer r, Deleter d) {
        for (int i = 1; i <= OPS; i++) {
            try (Guard g = r.enter()) {
                g.retire(i, d);
            }
        }
    }

    @Test
    void enterAndCloseAllocateNothingInSteadyState() {
        try (EpochReclaimer r = EpochReclaimer.create()) {
            AtomicReference<String> ref = new AtomicReference<>("x");
            for (int w = 0; w < 5; w++) {
                enterClose(r, ref); // warm up: JIT, slot table
            }
            long before = HeapAllocation.currentThread();
            long sink = enterClose(r, ref);
            long bytes = HeapAllocation.currentThread() - before;
            assertEquals(OPS, sink);
            assertTrue(bytes <= SLACK, "enter+close allocated " + bytes + " bytes over " + OPS + " ops");
        }
    }

    @Test
    void enterRetireAndCloseAllocateNothingInSteadyState() {
        Counter d = new Counter();
        try (EpochReclaimer r = EpochReclaimer.create()) {
            for (int w = 0; w < 5; w++) {
                enterRetireClose(r, d); // warm up: JIT, bag pool
            }
            long before = HeapAllocation.currentThread();
            enterRetireClose(r, d);
            long bytes = HeapAllocation.currentThread() - before;
            assertTrue(bytes <= SLACK, "enter+retire+close allocated " + bytes + " bytes over " + OPS + " ops");
            assertTrue(d.deleted > 0, "bags were reclaimed and recycled during the loop");
        }
    }
}
