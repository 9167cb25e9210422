package dev.reclaim.bench.suite;

import java.awt.Color;
import java.util.Map;

/**
 * One colour per scheme or baseline, the same in every chart of a report, so that a scheme's stalled series,
 * bars and lines are recognisable across charts.
 */
final class SchemeColours {

    private static final Map<String, Color> FIXED = Map.of(
            "leak", new Color(120, 120, 120),
            "ebr", new Color(31, 119, 180),
            "hp", new Color(255, 127, 14),
            "robust", new Color(44, 160, 44));

    /**
     * Colours of the baselines, by the baseline's position in its workload's {@link Workload#baselines()} (so the
     * baselines of one chart never share a colour), and of schemes not in {@link #FIXED}.
     */
    private static final Color[] OTHERS = {
        new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194), new Color(188, 189, 34),
        new Color(23, 190, 207), new Color(214, 39, 40), new Color(90, 60, 150), new Color(0, 110, 90)};

    private SchemeColours() {
    }

    /**
     * The colour of a scheme or baseline.
     *
     * @param id a scheme or baseline id
     * @return its colour (the same for the same id in every run)
     */
    static Color of(String id) {
        Color c = FIXED.get(id);
        if (c != null) {
            return c;
        }
        for (Workload w : Workloads.ALL) {
            int i = w.baselines().indexOf(id);
            if (i >= 0) {
                return OTHERS[i % OTHERS.length];
            }
        }
        return OTHERS[OTHERS.length - 1];
    }
}
