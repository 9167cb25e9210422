package dev.reclaim.bench.soak;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The soak's plot: one small chart per series (they have different units and scales), in a grid, each with
 * its samples and the least-squares line the trend check fitted over the second half, titled with the verdict.
 */
final class SoakPlot {

    private static final int PANEL_W = 640;
    private static final int PANEL_H = 300;
    private static final int COLUMNS = 2;

    private SoakPlot() {
    }

    /**
     * Writes the grid of charts as a PNG.
     *
     * @param file     the PNG to write
     * @param title    the figure's title (duration, load)
     * @param t        sample times, seconds
     * @param series   the values per series, in the order of {@code checks}
     * @param checks   the series' checks
     * @param verdicts the verdict per series
     */
    static void write(Path file, String title, double[] t, double[][] series, List<TrendCheck> checks,
                      List<TrendCheck.Verdict> verdicts) throws IOException {
        int rows = (checks.size() + COLUMNS - 1) / COLUMNS;
        int header = 36;
        BufferedImage img = new BufferedImage(PANEL_W * COLUMNS, header + PANEL_H * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, 12, 24);
        boolean minutes = t.length > 0 && t[t.length - 1] > 600;
        double[] x = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            x[i] = minutes ? t[i] / 60 : t[i];
        }
        for (int k = 0; k < checks.size(); k++) {
            TrendCheck.Verdict v = verdicts.get(k);
            XYChart chart = new XYChartBuilder().width(PANEL_W).height(PANEL_H)
                    .title(checks.get(k).name() + ": " + (v.ok() ? "flat" : "TRENDS UPWARD"))
                    .xAxisTitle(minutes ? "minutes" : "seconds").yAxisTitle(checks.get(k).name()).build();
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotBackgroundColor(Color.WHITE);
            chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
            chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            chart.getStyler().setYAxisMin(0.0);
            if (x.length == 0) {
                continue;
            }
            XYSeries s = chart.addSeries(checks.get(k).name(), x, series[k]);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineColor(v.ok() ? new Color(40, 90, 170) : new Color(200, 40, 40));
            int half = x.length / 2;
            if (x.length - half >= 2) {
                double[] fx = {x[half], x[x.length - 1]};
                double meanT = 0;
                double mean = 0;
                for (int i = half; i < x.length; i++) {
                    meanT += t[i];
                    mean += series[k][i];
                }
                meanT /= x.length - half;
                mean /= x.length - half;
                double[] fy = {mean + v.slope() * (t[half] - meanT), mean + v.slope() * (t[x.length - 1] - meanT)};
                XYSeries fit = chart.addSeries(checks.get(k).name() + " fit", fx, fy);
                fit.setMarker(SeriesMarkers.NONE);
                fit.setLineColor(Color.BLACK);
            }
            g.drawImage(BitmapEncoder.getBufferedImage(chart), (k % COLUMNS) * PANEL_W, header + (k / COLUMNS) * PANEL_H,
                    null);
        }
        g.dispose();
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK: cannot write " + file);
        }
    }
}
