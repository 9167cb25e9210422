package dev.reclaim.memory;

import dev.reclaim.internal.Jfr;

/**
 * The allocator's JFR events, emitted on its slow paths only (a new segment or large block, a refused
 * allocation); each is built inside its gate's {@code enabled()} branch (see {@link Jfr}).
 */
final class AllocatorJfr {
    private static final Jfr GROW = new Jfr(AllocatorJfr.class, () -> AllocatorGrowEvent.class);
    private static final Jfr EXHAUSTED = new Jfr(AllocatorJfr.class, () -> AllocatorExhaustedEvent.class);

    private AllocatorJfr() {
    }

    /** A fast-mode allocator reserved memory from the operating system: a segment, or a large block of 1 MiB+. */
    static void grew(String allocator, boolean large, long bytes, long reservedBytes) {
        if (GROW.enabled()) {
            AllocatorGrowEvent ev = new AllocatorGrowEvent();
            if (ev.shouldCommit()) {
                ev.allocator = allocator;
                ev.kind = large ? "large block" : "segment";
                ev.bytes = bytes;
                ev.reservedBytes = reservedBytes;
                ev.commit();
            }
        }
    }

    /** An allocation failed: the capacity was reached or the C library refused memory. */
    static void exhausted(String allocator, long requestedBytes, String message) {
        if (EXHAUSTED.enabled()) {
            AllocatorExhaustedEvent ev = new AllocatorExhaustedEvent();
            if (ev.shouldCommit()) {
                ev.allocator = allocator;
                ev.requestedBytes = requestedBytes;
                ev.message = message;
                ev.commit();
            }
        }
    }
}
