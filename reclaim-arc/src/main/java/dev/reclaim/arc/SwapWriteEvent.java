package dev.reclaim.arc;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Threshold;
import jdk.jfr.Throttle;

/**
 * JFR: an {@link ArcSwap} write whose scan of the debt slots (helping loads, paying debts) took at least the
 * threshold (100 µs by default). With a stack trace (the writer), at most 100 per second.
 */
@Name("dev.reclaim.arc.SlowWrite")
@Label("ArcSwap Slow Write")
@Category({"Reclaim", "Arc"})
@Description("An ArcSwap write spent at least the threshold scanning the debt slots, helping loads and paying debts")
@Threshold("100 us")
@Throttle("100/s")
final class SwapWriteEvent extends jdk.jfr.Event {
    @Label("Value Type")
    String valueType;

    @Label("Debt Slots")
    @Description("Slots the writer scanned")
    int slots;

    @Label("Hand-overs")
    @Description("Loads the writer completed by handing over a value")
    int handOvers;

    @Label("Debts Paid")
    @Description("Reader debts on the removed value the writer turned into counts")
    int debtsPaid;
}
