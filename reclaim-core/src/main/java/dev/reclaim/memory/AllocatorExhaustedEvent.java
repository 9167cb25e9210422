package dev.reclaim.memory;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Throttle;

/**
 * JFR: an allocation failed with {@link OffHeapExhaustedException} (the capacity was reached, or the C library
 * refused memory). With a stack trace (the allocation that failed), at most 10 per second: a caller that
 * retries in a loop does not flood the recording.
 */
@Name("dev.reclaim.memory.Exhausted")
@Label("Slab Allocator Exhausted")
@Category({"Reclaim", "Memory"})
@Description("An allocation failed: the allocator's capacity was reached or the C library refused memory")
@Throttle("10/s")
final class AllocatorExhaustedEvent extends jdk.jfr.Event {
    @Label("Allocator")
    String allocator;

    @Label("Requested")
    @DataAmount
    long requestedBytes;

    @Label("Message")
    String message;
}
