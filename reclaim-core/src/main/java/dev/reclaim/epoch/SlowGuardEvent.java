package dev.reclaim.epoch;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** JFR: a guard held back the epoch longer than the reclaimer's slow-guard threshold (once per pin). */
@Name("dev.reclaim.epoch.SlowGuard")
@Label("Slow Epoch Guard")
@Category({"Reclaim", "Epoch"})
@Description("An open guard prevented the global epoch from advancing for longer than the threshold")
final class SlowGuardEvent extends jdk.jfr.Event {
    @Label("Reclaimer")
    String reclaimer;

    @Label("Holder Thread")
    String thread;

    @Label("Age")
    @Timespan(Timespan.NANOSECONDS)
    long age;

    @Label("Pinned Epoch")
    long epoch;
}
