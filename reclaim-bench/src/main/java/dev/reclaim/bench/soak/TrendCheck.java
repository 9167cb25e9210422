package dev.reclaim.bench.soak;

/**
 * Decides whether a sampled series trends upward, with two tests over the samples after the first half (the
 * first half is warm-up: JIT compilation, heap sizing, structures filling to their steady size):
 * <ol>
 *   <li><b>slope</b>: the least-squares slope over the second half, times the second half's duration, is the
 *       growth the trend predicts across it; it must stay within the allowance;</li>
 *   <li><b>step</b>: the largest value of the last quarter must stay within the allowance of the largest value of
 *       the second quarter (a late jump or a slow creep that the slope averages out).</li>
 * </ol>
 * The allowance is {@code relative * (mean of the second half) + floor}: the floor absorbs the noise of series
 * that hover near zero (pending garbage), the relative part the noise of large ones (RSS).
 *
 * @param name     the series' name, e.g. {@code rss_mib}
 * @param floor    the absolute part of the allowance, in the series' unit
 * @param relative the relative part of the allowance, e.g. 0.10
 */
record TrendCheck(String name, double floor, double relative) {

    /** The fewest samples a verdict needs: at least two per quarter. */
    static final int MIN_SAMPLES = 8;

    /**
     * The verdict on one series.
     *
     * @param ok     whether the series passed both tests
     * @param text   a line with the figures (growth, allowance, quarter maxima) and, when failed, which test failed
     * @param slope  the second half's least-squares slope, units per second
     */
    record Verdict(boolean ok, String text, double slope) {
    }

    /**
     * Checks one series.
     *
     * @param t sample times in seconds, increasing
     * @param y the values at those times
     * @return the verdict; too few samples is a failure (a soak that sampled nothing proved nothing)
     */
    Verdict check(double[] t, double[] y) {
        int n = Math.min(t.length, y.length);
        if (n < MIN_SAMPLES) {
            return new Verdict(false, name + ": only " + n + " samples, " + MIN_SAMPLES + " needed for a verdict"
                    + " (run longer or sample more often with --sample-seconds)", 0);
        }
        int half = n / 2;
        double mean = 0;
        double meanT = 0;
        for (int i = half; i < n; i++) {
            mean += y[i];
            meanT += t[i];
        }
        int m = n - half;
        mean /= m;
        meanT /= m;
        double sxy = 0;
        double sxx = 0;
        for (int i = half; i < n; i++) {
            sxy += (t[i] - meanT) * (y[i] - mean);
            sxx += (t[i] - meanT) * (t[i] - meanT);
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        double growth = slope * (t[n - 1] - t[half]);
        double allowance = relative * Math.abs(mean) + floor;
        double maxQ2 = max(y, n / 4, half);
        double maxQ4 = max(y, 3 * n / 4, n);
        double stepLimit = maxQ2 + relative * Math.abs(maxQ2) + floor;
        boolean slopeOk = growth <= allowance;
        boolean stepOk = maxQ4 <= stepLimit;
        String figures = String.format(java.util.Locale.ROOT, "%s: second-half growth %s (allowed %s), last-quarter max %s vs second-quarter"
                        + " max %s (allowed %s)", name, fmt(growth), fmt(allowance), fmt(maxQ4), fmt(maxQ2),
                fmt(stepLimit));
        String verdict = slopeOk && stepOk ? "flat"
                : "TRENDS UPWARD (" + (slopeOk ? "" : "slope") + (!slopeOk && !stepOk ? " and " : "")
                + (stepOk ? "" : "last quarter above second") + ")";
        return new Verdict(slopeOk && stepOk, figures + ": " + verdict, slope);
    }

    private static double max(double[] y, int from, int to) {
        double mx = Double.NEGATIVE_INFINITY;
        for (int i = from; i < to; i++) {
            mx = Math.max(mx, y[i]);
        }
        return mx;
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v) ? String.format(java.util.Locale.ROOT, "%,.0f", v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}
