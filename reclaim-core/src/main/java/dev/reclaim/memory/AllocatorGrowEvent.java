package dev.reclaim.memory;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Throttle;

/**
 * JFR: a fast-mode slab allocator took memory from the operating system: a segment of chunks (1 MiB) for its
 * small size classes, or a large block of at least as much (smaller large blocks are allocated and freed like
 * objects and are not growth). With a stack trace (the allocation that made the footprint grow), at most 100
 * per second.
 */
@Name("dev.reclaim.memory.Grow")
@Label("Slab Allocator Growth")
@Category({"Reclaim", "Memory"})
@Description("A slab allocator reserved memory from the operating system: a segment of chunks or a large block of 1 MiB or more")
@Throttle("100/s")
final class AllocatorGrowEvent extends jdk.jfr.Event {
    @Label("Allocator")
    String allocator;

    @Label("Kind")
    @Description("segment (chunks for the small size classes) or large block")
    String kind;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Reserved Bytes")
    @Description("Everything the allocator holds from the operating system after this growth")
    @DataAmount
    long reservedBytes;
}
