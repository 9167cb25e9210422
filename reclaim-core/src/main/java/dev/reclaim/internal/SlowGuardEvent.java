package dev.reclaim.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JFR: an open guard held back reclamation longer than the reclaimer's slow-guard threshold (once per guard).
 * No stack trace: the event is emitted by the thread that found the guard, not by its holder
 * ({@code Reclaimer.oldestGuard(true)} gives the holder's stack).
 */
@Name("dev.reclaim.SlowGuard")
@Label("Slow Guard")
@Category({"Reclaim", "Reclamation"})
@Description("An open guard held back reclamation for longer than the reclaimer's slow-guard threshold")
@StackTrace(false)
final class SlowGuardEvent extends jdk.jfr.Event {
    @Label("Reclaimer")
    String reclaimer;

    @Label("Scheme")
    String scheme;

    @Label("Holder Thread")
    String thread;

    @Label("Age")
    @Description("How long the guard has held reclamation back, at least (ebr: since the epoch it blocks began; "
            + "hp and robust: since the first scan that had to keep garbage while it was open)")
    @Timespan(Timespan.NANOSECONDS)
    long age;

    @Label("Pinned Epoch or Era")
    @Description("The epoch (ebr) or the lower end of the era interval (robust) the guard reserved, -1 for hp")
    long epoch;
}
