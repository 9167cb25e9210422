package dev.reclaim.examples;

import dev.reclaim.Guard;
import dev.reclaim.Reclaimer;
import dev.reclaim.epoch.EpochReclaimer;
import dev.reclaim.memory.Memory;
import dev.reclaim.memory.SlabAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/** The README's quick start: readers use an off-heap node while a writer replaces it and retires the old one. */
public final class QuickStart {

    private QuickStart() {
    }

    /**
     * Runs the quick start.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining the readers
     */
    public static void main(String[] args) throws InterruptedException {
        // START SNIPPET
        try (SlabAllocator memory = SlabAllocator.create();        // off-heap blocks, no Arena per object
             Reclaimer ebr = EpochReclaimer.create()) {            // closed first: runs every pending free
            long cell = memory.allocateZeroed(8);                  // a shared word holding a node pointer
            long first = memory.allocate(16);
            Memory.putLong(first, 1);                              // the node's payload
            Memory.putLongRelease(cell, first);                    // publish it

            LongAdder badReads = new LongAdder();
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        try (Guard g = ebr.enter()) {
                            long node = g.protect(0, cell);        // valid until the guard closes
                            long v = Memory.getLong(node);         // a freed block would hold junk
                            if (v < 1 || v > 10_000) badReads.increment();
                        }
                    }
                }));
            }
            for (long v = 2; v <= 10_000; v++) {                   // the writer replaces the node
                long fresh = memory.allocate(16);
                Memory.putLong(fresh, v);
                try (Guard g = ebr.enter()) {
                    long old = Memory.getAndSetLong(cell, fresh);  // unlink the old node...
                    g.retire(old, memory);                         // ...free it once no reader can see it
                }
            }
            for (Thread t : readers) t.join();
            if (badReads.sum() != 0) throw new IllegalStateException(badReads.sum() + " reads saw a freed node");
            System.out.println("retired " + ebr.stats().retired() + ", still pending " + ebr.stats().pending());
        }
        // END SNIPPET
    }
}
