package dev.reclaim.bench.suite;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The per-workload bar chart: each scheme's median throughput as a ratio to the baseline's median at the same
 * thread count, one group of bars per thread count, with a whisker from the slowest to the fastest run (red
 * when the runs are more than 1.5x apart). Drawn with Java 2D: XChart's category charts have symmetric error
 * bars only.
 */
final class RatioChart {

    static final int WIDTH = 900;
    static final int HEIGHT = 540;
    private static final int LEFT = 70;
    private static final int RIGHT = 235;
    private static final int TOP = 56;
    private static final int BOTTOM = 56;
    private static final Color NOISY = new Color(200, 0, 0);

    private RatioChart() {
    }

    /**
     * Draws the chart.
     *
     * @param file     the PNG to write
     * @param workload the workload id (title)
     * @param baseline the baseline id the ratios are taken against
     * @param ratios   one ratio per (scheme, threads), in the order the bars should appear
     * @param runs     measured runs per configuration (subtitle)
     * @return whether a chart was written (false when there is no ratio)
     * @throws IOException if the file cannot be written
     */
    static boolean write(Path file, String workload, String baseline, List<Ratios.Ratio> ratios, int runs)
            throws IOException {
        if (ratios.isEmpty()) {
            return false;
        }
        List<String> schemes = new ArrayList<>();
        TreeSet<Integer> threads = new TreeSet<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Ratios.Ratio r : ratios) {
            if (!schemes.contains(r.scheme())) {
                schemes.add(r.scheme());
            }
            threads.add(r.threads());
            lo = Math.min(lo, r.lo());
            hi = Math.max(hi, r.hi());
        }
        Axis axis = Axis.of(lo, Math.max(hi, 1.0));
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            int plotW = WIDTH - LEFT - RIGHT;
            int plotH = HEIGHT - TOP - BOTTOM;
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            center(g, workload + ": throughput / " + baseline + " (same thread count)", LEFT + plotW / 2, 22);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            center(g, "bar: median of " + runs + " run" + (runs == 1 ? "" : "s") + "; whisker: slowest to fastest run"
                    + (axis.log ? "; log scale" : ""), LEFT + plotW / 2, 40);
            // grid and y labels
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (double t : axis.ticks()) {
                int y = TOP + axis.y(t, plotH);
                g.setColor(new Color(225, 225, 225));
                g.drawLine(LEFT, y, LEFT + plotW, y);
                g.setColor(Color.DARK_GRAY);
                String s = label(t) + "x";
                g.drawString(s, LEFT - 6 - g.getFontMetrics().stringWidth(s), y + 4);
            }
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT, TOP, LEFT, TOP + plotH);
            g.drawLine(LEFT, TOP + plotH, LEFT + plotW, TOP + plotH);
            // the bars
            int groups = threads.size();
            double groupW = (double) plotW / groups;
            double barW = groupW * 0.8 / schemes.size();
            int gi = 0;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            for (int t : threads) {
                double x0 = LEFT + gi * groupW + groupW * 0.1;
                for (int si = 0; si < schemes.size(); si++) {
                    String s = schemes.get(si);
                    Ratios.Ratio r = ratios.stream().filter(q -> q.scheme().equals(s) && q.threads() == t).findFirst()
                            .orElse(null);
                    if (r == null) {
                        continue;
                    }
                    int bx = (int) Math.round(x0 + si * barW);
                    int bw = Math.max(2, (int) Math.round(barW) - 3);
                    int top = TOP + axis.y(r.median(), plotH);
                    g.setColor(SchemeColours.of(s));
                    g.fillRect(bx, top, bw, TOP + plotH - top);
                    int wx = bx + bw / 2;
                    int ylo = TOP + axis.y(r.lo(), plotH);
                    int yhi = TOP + axis.y(r.hi(), plotH);
                    g.setColor(r.noisy() ? NOISY : Color.BLACK);
                    Stroke old = g.getStroke();
                    g.setStroke(new BasicStroke(r.noisy() ? 2.5f : 1.5f));
                    g.drawLine(wx, ylo, wx, yhi);
                    int cap = Math.max(2, Math.min(6, bw / 3));
                    g.drawLine(wx - cap, ylo, wx + cap, ylo);
                    g.drawLine(wx - cap, yhi, wx + cap, yhi);
                    g.setStroke(old);
                    String v = label(r.median());
                    if (g.getFontMetrics().stringWidth(v) <= barW + 4) {
                        g.setColor(Color.BLACK);
                        center(g, v, wx, Math.min(yhi, top) - 4);
                    }
                }
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                center(g, t + " thread" + (t == 1 ? "" : "s"), (int) (LEFT + gi * groupW + groupW / 2),
                        TOP + plotH + 20);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                gi++;
            }
            // the baseline level
            int y1 = TOP + axis.y(1.0, plotH);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f},
                    0f));
            g.drawLine(LEFT, y1, LEFT + plotW, y1);
            g.setStroke(new BasicStroke(1f));
            // legend
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            int ly = TOP + 10;
            for (String s : schemes) {
                g.setColor(SchemeColours.of(s));
                g.fillRect(WIDTH - RIGHT + 14, ly - 10, 14, 14);
                g.setColor(Color.BLACK);
                g.drawString(s + (s.equals(baseline) ? " (= 1x)" : ""), WIDTH - RIGHT + 34, ly + 2);
                ly += 22;
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(NOISY);
            g.drawString("red whisker: runs more", WIDTH - RIGHT + 14, ly + 14);
            g.drawString("than 1.5x apart (noise)", WIDTH - RIGHT + 14, ly + 28);
            g.setColor(Color.DARK_GRAY);
            g.drawString("dashed: the baseline", WIDTH - RIGHT + 14, ly + 48);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK: cannot write " + file);
        }
        return true;
    }

    private static void center(Graphics2D g, String s, int x, int y) {
        FontMetrics fm = g.getFontMetrics();
        g.drawString(s, x - fm.stringWidth(s) / 2, y);
    }

    /** A ratio as a short label: 0.0123 -> "0.012", 0.5 -> "0.5", 1.234 -> "1.23", 12.3 -> "12.3", 250 -> "250". */
    static String label(double v) {
        String s;
        if (v >= 100) {
            s = String.format(Locale.ROOT, "%.0f", v);
        } else if (v >= 10) {
            s = String.format(Locale.ROOT, "%.1f", v);
        } else if (v >= 0.1) {
            s = String.format(Locale.ROOT, "%.2f", v);
        } else {
            s = String.format(Locale.ROOT, "%.2g", v);
        }
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** The y axis: linear from 0, or logarithmic when the values span more than 30x. */
    record Axis(boolean log, double min, double max) {

        static Axis of(double lo, double hi) {
            if (lo > 0 && hi / lo > 30) {
                return new Axis(true, Math.pow(10, Math.floor(Math.log10(lo))), Math.pow(10, Math.ceil(Math.log10(hi))));
            }
            double step = step(hi * 1.12);
            return new Axis(false, 0, Math.ceil(hi * 1.12 / step) * step);
        }

        private static double step(double range) {
            double raw = range / 6;
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 2.5, 5, 10}) {
                if (m * p >= raw) {
                    return m * p;
                }
            }
            return 10 * p;
        }

        /** Pixel offset from the top of the plot. */
        int y(double v, int height) {
            double f = log ? (Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
                    : (v - min) / (max - min);
            return (int) Math.round(height * (1 - Math.max(0, Math.min(1, f))));
        }

        /** Tick values: 1, 2, 5 per decade on a log axis (not only the decades), even steps otherwise. */
        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            if (log) {
                for (double d = min; d <= max * 1.0001; d *= 10) {
                    for (double m : new double[] {1, 2, 5}) {
                        if (d * m <= max * 1.0001) {
                            t.add(d * m);
                        }
                    }
                }
            } else {
                double step = step(max);
                for (double v = 0; v <= max * 1.0001; v += step) {
                    t.add(v);
                }
            }
            return t;
        }
    }
}
