package dev.reclaim.bench.suite;

import dev.reclaim.Reclaimer;
import dev.reclaim.Scheme;
import dev.reclaim.memory.MemoryLeakException;
import dev.reclaim.memory.SlabAllocator;

/** Helpers shared by the workloads: creating and checking a reclaimer + allocator pair. */
final class Trials {

    private Trials() {
    }

    /** A fresh allocator in the requested mode; its leaks at close are checked by {@link #closeAndCheck}. */
    static SlabAllocator allocator(String name, Workload.Params p) {
        return SlabAllocator.builder().name(name).sanitize(p.sanitize()).onLeak(SlabAllocator.OnLeak.IGNORE).build();
    }

    /**
     * Closes the reclaimer (running every pending deleter), then checks that the allocator holds no block
     * (except with the leak scheme, which never frees by design) and closes it.
     */
    static void closeAndCheck(Reclaimer reclaimer, SlabAllocator allocator, String what) {
        reclaimer.close();
        boolean leak = reclaimer.scheme() == Scheme.LEAK;
        long live = allocator.stats().liveBlocks();
        try {
            allocator.close();
        } catch (MemoryLeakException e) {
            if (!leak) {
                throw e;
            }
        }
        if (!leak && live != 0) {
            throw new IllegalStateException(what + ": " + live + " blocks still live after the reclaimer closed:"
                    + " a deleter was lost");
        }
    }
}
