package dev.reclaim.realtime;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR: a collection pass found drops that had overflowed the bounded ring (see
 * {@link RealtimeCollector.Builder#capacity(int)}); one event per such pass, emitted by the collector (the
 * realtime side records nothing), so no stack trace.
 */
@Name("dev.reclaim.realtime.Overflow")
@Label("Realtime Collector Overflow")
@Category({"Reclaim", "Realtime"})
@Description("Drops found the collector's bounded ring full and went to the overflow chain")
@StackTrace(false)
final class CollectorOverflowEvent extends jdk.jfr.Event {
    @Label("Collector")
    String collector;

    @Label("Overflowed")
    @Description("Overflowed drops collected by this pass")
    long overflowed;

    @Label("Ring Capacity")
    int capacity;
}
