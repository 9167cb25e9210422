package dev.reclaim.bench.torture;

import dev.reclaim.memory.SlabAllocator;

/** Cleanup after a failed case, so that one failure does not change the cases after it. */
final class Cleanup {

    private Cleanup() {
    }

    /**
     * Closes {@code memory} if the case did not (it failed before its own close), ignoring what closing
     * reports: the case already failed with the real cause. While a sanitizing allocator is open, every
     * {@code Memory} access in the JVM goes through the sanitizer's checks, so leaving one open would slow
     * every later case (and make it allocate).
     *
     * @param memory the case's allocator
     */
    static void closeQuietly(SlabAllocator memory) {
        if (!memory.isClosed()) {
            try {
                memory.close();
            } catch (RuntimeException ignored) {
                // a leak report after a failure: the failure is what gets reported
            }
        }
    }
}
