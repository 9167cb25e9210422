package dev.reclaim.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;

/**
 * JFR: one batch of retired pointers reclaimed by any scheme (an epoch bag, a scanned retired list); the
 * duration is the time its deleters took. Recorded only when the batch took at least the threshold (1 ms by
 * default: a batch that cost its thread a noticeable pause), at most 100 per second, without a stack trace
 * (the thread that runs a batch is not the one that retired it).
 */
@Name("dev.reclaim.Reclaim")
@Label("Reclamation Batch")
@Category({"Reclaim", "Reclamation"})
@Description("A batch of retired pointers whose grace period ended was reclaimed; the duration is the deleters' time")
@Threshold("1 ms")
@Throttle("100/s")
@StackTrace(false)
final class ReclaimBatchEvent extends jdk.jfr.Event {
    @Label("Reclaimer")
    String reclaimer;

    @Label("Scheme")
    String scheme;

    @Label("Epoch or Era")
    @Description("The global epoch (ebr) or era (robust) when the batch ran, -1 for schemes without one")
    long epoch;

    @Label("Count")
    @Description("Deleters and deferred actions run")
    int count;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Kept")
    @Description("Entries the scan kept because a guard may still read them (0 for an epoch bag)")
    int kept;
}
