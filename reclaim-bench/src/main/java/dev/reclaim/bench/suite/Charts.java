package dev.reclaim.bench.suite;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's PNG charts, drawn headless with XChart. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    private Charts() {
    }

    /**
     * Throughput (median, Mops/s) against threads, one series per scheme; runs without a stalled reader only,
     * unless every run of the workload had one.
     */
    static boolean throughput(Path file, String workload, List<Result> rs) throws IOException {
        Map<String, List<Result>> byScheme = new LinkedHashMap<>();
        for (Result r : rs) {
            if (r.ok()) {
                byScheme.computeIfAbsent(r.config().scheme() + (r.config().stall() ? " + stalled reader" : ""),
                        k -> new ArrayList<>()).add(r);
            }
        }
        if (byScheme.isEmpty()) {
            return false;
        }
        double lo = byScheme.values().stream().flatMap(List::stream).mapToDouble(Result::opsMedian).min().orElse(1);
        double hi = byScheme.values().stream().flatMap(List::stream).mapToDouble(Result::opsMedian).max().orElse(1);
        boolean log = lo > 0 && hi / lo > 30;
        XYChart chart = base("throughput: " + workload + " (median of runs)", "worker threads",
                "throughput (ops/s, all threads" + (log ? "; log scale)" : ")"));
        chart.getStyler().setXAxisDecimalPattern("0");
        if (log) {
            // Baselines can be 1000x apart (a shared arena per object): a linear axis would flatten them to 0.
            chart.getStyler().setYAxisLogarithmic(true);
            chart.getStyler().setYAxisTickLabelsFormattingFunction(Charts::opsLabel);
        } else {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisTickLabelsFormattingFunction(Charts::opsLabel);
        }
        for (var e : byScheme.entrySet()) {
            List<Result> l = e.getValue();
            double[] x = l.stream().mapToDouble(r -> r.config().threads()).toArray();
            double[] y = l.stream().mapToDouble(Result::opsMedian).toArray();
            XYSeries s = chart.addSeries(e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2f);
        }
        save(chart, file);
        return true;
    }

    /** Pending garbage over the last measured run, per scheme, with and without a stalled reader. */
    static boolean pending(Path file, String workload, int threads, List<Result> rs) throws IOException {
        XYChart chart = base("pending garbage over time: " + workload + ", " + threads + " thread"
                + (threads == 1 ? "" : "s") + " (last run)", "time since the run started (ms)",
                "retired, not yet freed (objects)");
        int n = 0;
        for (Result r : rs) {
            if (r.ok() && r.hasReclaimer() && r.config().threads() == threads && r.seriesMs().length > 0) {
                line(chart, r.config().scheme() + (r.config().stall() ? " + stalled reader" : ""), r.seriesMs(),
                        r.seriesPending(), r.config().stall());
                n++;
            }
        }
        return saveCounts(chart, file, n);
    }

    /** Adds a time series without markers, dashed when {@code dashed}. */
    private static void line(XYChart chart, String name, long[] x, long[] y, boolean dashed) {
        XYSeries s = chart.addSeries(name, toDouble(x), toDouble(y));
        s.setMarker(SeriesMarkers.NONE);
        if (dashed) {
            s.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {8f, 5f}, 0f));
        } else {
            s.setLineWidth(2.5f);
        }
    }

    /** Saves a chart of counts over time (y from 0, thousands separators) if it has a series. */
    private static boolean saveCounts(XYChart chart, Path file, int series) throws IOException {
        if (series == 0) {
            return false;
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        save(chart, file);
        return true;
    }

    /**
     * One sampled series of the last measured burst of a burst workload against time, one line per scheme, at
     * {@code threads} carrier threads.
     *
     * @param file     the PNG to write
     * @param title    what the series is, e.g. "pending garbage"
     * @param yTitle   the y axis title
     * @param threads  the carrier-thread count to plot
     * @param rs       the workload's results
     * @param series   the series of a result (same length as its {@code seriesMs})
     * @return whether a chart was written (false when no result has the series)
     * @throws IOException if the file cannot be written
     */
    static boolean burstSeries(Path file, String title, String yTitle, int threads, List<Result> rs,
                               java.util.function.Function<Result, long[]> series) throws IOException {
        int tasks = rs.stream().mapToInt(r -> r.config().tasks()).max().orElse(0);
        XYChart chart = base(String.format(Locale.ROOT, "%s: %s, %,d tasks, %d carrier thread%s (last burst)", title,
                rs.isEmpty() ? "" : rs.getFirst().config().workload(), tasks, threads, threads == 1 ? "" : "s"),
                "time since the first task was submitted (ms)", yTitle);
        int n = 0;
        for (Result r : rs) {
            long[] y = series.apply(r);
            // all zeros: the scheme does not report the figure (leak counts no guards)
            if (r.ok() && r.hasReclaimer() && r.config().threads() == threads && y.length > 0
                    && y.length == r.seriesMs().length && java.util.Arrays.stream(y).anyMatch(v -> v != 0)) {
                line(chart, r.config().scheme(), r.seriesMs(), y, false);
                n++;
            }
        }
        return saveCounts(chart, file, n);
    }

    /**
     * Sampled per-operation latency against percentile (x: number of nines, log y), one series per scheme,
     * at {@code threads} threads.
     */
    static boolean latency(Path file, String workload, int threads, List<Result> rs) throws IOException {
        XYChart chart = base("latency percentiles: " + workload + ", " + threads + " thread"
                + (threads == 1 ? "" : "s") + " (sampled ops, all runs)", "percentile",
                "latency of one operation (log scale)");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setXAxisTickLabelsFormattingFunction(Charts::nines);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(4.5);
        chart.getStyler().setYAxisTickLabelsFormattingFunction(Charts::nanosLabel);
        int n = 0;
        for (Result r : rs) {
            if (!r.ok() || r.config().threads() != threads || r.config().stall() || r.latencyCurve().length == 0) {
                continue;
            }
            List<double[]> pts = new ArrayList<>();
            for (double[] pt : r.latencyCurve()) {
                if (pt[0] < 100) {
                    pts.add(new double[] {-Math.log10(1 - pt[0] / 100), Math.max(1, pt[1])});
                }
            }
            XYSeries s = chart.addSeries(r.config().scheme(), pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray());
            s.setMarker(SeriesMarkers.NONE);
            s.setLineWidth(2.5f);
            n++;
        }
        if (n == 0) {
            return false;
        }
        save(chart, file);
        return true;
    }

    /** x = -log10(1 - p): 0 -> "0%", 1 -> "90%", 2 -> "99%", 3 -> "99.9%". */
    static String nines(double x) {
        double p = 100 * (1 - Math.pow(10, -x));
        String s = String.format(Locale.ROOT, "%.4f", p).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }

    /** 1500000 -> "1.5M", 2000 -> "2k". */
    static String opsLabel(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    /** Nanoseconds with a readable unit: 100 -> "100 ns", 10000 -> "10 us", 1e6 -> "1 ms". */
    static String nanosLabel(double ns) {
        if (ns >= 1e9) {
            return trim(ns / 1e9) + " s";
        }
        if (ns >= 1e6) {
            return trim(ns / 1e6) + " ms";
        }
        if (ns >= 1e3) {
            return trim(ns / 1e3) + " \u00b5s";
        }
        return trim(ns) + " ns";
    }

    private static String trim(double v) {
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static XYChart base(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        Styler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        chart.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(220, 220, 220));
        chart.getStyler().setMarkerSize(7);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK: cannot write " + file);
        }
    }

    private static double[] toDouble(long[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
