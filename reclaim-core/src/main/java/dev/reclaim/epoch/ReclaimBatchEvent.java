package dev.reclaim.epoch;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR: one batch (bag) of retired pointers reclaimed; the event's duration is the time the deleters took. */
@Name("dev.reclaim.epoch.Reclaim")
@Label("Epoch Reclamation Batch")
@Category({"Reclaim", "Epoch"})
@Description("A bag of retired pointers whose grace period ended was reclaimed")
final class ReclaimBatchEvent extends jdk.jfr.Event {
    @Label("Reclaimer")
    String reclaimer;

    @Label("Global Epoch")
    long epoch;

    @Label("Count")
    int count;

    @Label("Bytes")
    @DataAmount
    long bytes;
}
