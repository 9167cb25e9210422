package dev.reclaim.realtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Timespan;

/**
 * JFR: a collection pass of a {@link RealtimeCollector} that took at least the threshold (1 ms by default): a
 * backlog of drops, or slow destructors. No stack trace (it is always the collector's loop).
 */
@Name("dev.reclaim.realtime.Pass")
@Label("Realtime Collector Pass")
@Category({"Reclaim", "Realtime"})
@Description("A collection pass destroyed a backlog of dropped values or ran slow destructors")
@Threshold("1 ms")
@StackTrace(false)
final class CollectorPassEvent extends jdk.jfr.Event {
    @Label("Collector")
    String collector;

    @Label("Destroyed")
    @Description("Values destroyed by this pass")
    int destroyed;

    @Label("Waiting")
    @Description("Values taken but not ready yet (still shared), re-checked on the next pass")
    int waiting;

    @Label("Overflowed")
    @Description("Drops of this pass that had found the bounded ring full")
    long overflowed;

    @Label("Max Latency")
    @Description("The longest time from a drop to the end of its destruction in this pass")
    @Timespan(Timespan.NANOSECONDS)
    long maxLatency;
}
