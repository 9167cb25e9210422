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
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report's PNG charts, drawn headless with XChart. */
final class Charts {

    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;
    private static final int PANEL_WIDTH = 450;
    private static final int PANEL_HEIGHT = 260;

    private Charts() {
    }

    /**
     * Pending garbage over the last measured run as small multiples: one panel per scheme, each on its own
     * linear scale from 0 (so a bounded scheme's few hundred objects do not vanish on the zero line of an
     * unbounded one's millions), with and without a stalled reader (dashed), both in the scheme's colour.
     */
    static boolean pending(Path file, String workload, int threads, List<Result> rs) throws IOException {
        Map<String, List<Result>> byScheme = new LinkedHashMap<>();
        for (Result r : rs) {
            if (r.ok() && r.hasReclaimer() && r.config().threads() == threads && r.seriesMs().length > 0) {
                byScheme.computeIfAbsent(r.config().scheme(), k -> new ArrayList<>()).add(r);
            }
        }
        if (byScheme.isEmpty()) {
            return false;
        }
        List<BufferedImage> panels = new ArrayList<>();
        for (var e : byScheme.entrySet()) {
            String scheme = e.getKey();
            List<String> peaks = new ArrayList<>();
            long max = 0;
            for (Result r : e.getValue()) {
                long peak = Arrays.stream(r.seriesPending()).max().orElse(0);
                max = Math.max(max, peak);
                peaks.add(String.format(Locale.ROOT, "%s %,d", r.config().stall() ? "stalled" : "peak", peak));
            }
            String title = scheme + ": " + String.join(", ", peaks);
            XYChart chart = new XYChartBuilder().width(PANEL_WIDTH).height(PANEL_HEIGHT).title(title)
                    .xAxisTitle("ms since the run started").yAxisTitle("pending objects").build();
            style(chart);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            for (Result r : e.getValue()) {
                line(chart, r.config().stall() ? "stalled reader" : "no stalled reader", r.seriesMs(),
                        r.seriesPending(), r.config().stall(), SchemeColours.of(scheme));
            }
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(Math.max(4.0, max * 1.1)); // an all-zero series stays a visible line
            chart.getStyler().setYAxisDecimalPattern("#,##0");
            panels.add(BitmapEncoder.getBufferedImage(chart));
        }
        int cols = panels.size() == 1 ? 1 : 2;
        int rows = (panels.size() + cols - 1) / cols;
        BufferedImage img = new BufferedImage(cols * PANEL_WIDTH, 34 + rows * PANEL_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString("pending garbage (retired, not yet freed): " + workload + ", " + threads + " thread"
                    + (threads == 1 ? "" : "s") + ", last run; each panel on its own scale", 10, 22);
            for (int i = 0; i < panels.size(); i++) {
                g.drawImage(panels.get(i), (i % cols) * PANEL_WIDTH, 34 + (i / cols) * PANEL_HEIGHT, null);
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK: cannot write " + file);
        }
        return true;
    }

    /** Adds a time series without markers in {@code colour}, dashed when {@code dashed}. */
    private static void line(XYChart chart, String name, long[] x, long[] y, boolean dashed, Color colour) {
        XYSeries s = chart.addSeries(name, toDouble(x), toDouble(y));
        s.setLineColor(colour);
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
                line(chart, r.config().scheme(), r.seriesMs(), y, false, SchemeColours.of(r.config().scheme()));
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
            s.setLineColor(SchemeColours.of(r.config().scheme()));
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
        style(chart);
        return chart;
    }

    private static void style(XYChart chart) {
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
