package dev.reclaim.bench.scale;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The scale report: {@code results.csv} (every figure of every configuration), {@code index.md} (a table per
 * workload, collector, distribution and thread count, failures with their error) and one PNG per metric and group
 * against size (log x).
 */
final class ScaleReport {

    /** Columns of the table and the CSV, with their headings. */
    private static final String[][] COLUMNS = {
        {"opsPerSecond", "ops/s"}, {"p50us", "p50 us"}, {"p99us", "p99 us"}, {"p999us", "p99.9 us"},
        {"p9999us", "p99.99 us"}, {"maxus", "max us"}, {"rssPerEntry", "RSS B/entry"},
        {"heapPerEntry", "heap B/entry"}, {"allocatorPerEntry", "alloc B/entry"}, {"fillSeconds", "fill s"},
        {"gcCount", "GCs"}, {"gcTotalMs", "GC total ms"}, {"gcMaxPauseMs", "GC max ms"},
        {"heapBytesPerOp", "heap B/op"}, {"liveBlocksAfterClose", "blocks after close"},
        {"fillP50us", "fill put p50 us"}, {"fillP99us", "fill put p99 us"}, {"fillP999us", "fill put p99.9 us"},
        {"fillP9999us", "fill put p99.99 us"}, {"fillMaxUs", "fill put max us"},
    };

    /** Metrics charted against size. */
    private static final String[] CHARTED = {"opsPerSecond", "p999us", "maxus", "rssPerEntry", "gcMaxPauseMs",
        "fillSeconds", "fillP9999us", "fillMaxUs"};

    private ScaleReport() {
    }

    static void write(Path dir, Path raw) throws IOException {
        List<Properties> rs = new ArrayList<>();
        try (Stream<Path> files = Files.list(raw)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
                Properties p = new Properties();
                try (Reader r = Files.newBufferedReader(f)) {
                    p.load(r);
                }
                rs.add(p);
            }
        }
        rs.sort(Comparator.comparing((Properties p) -> p.getProperty("gc"))
                .thenComparing(p -> p.getProperty("dist"))
                .thenComparingInt(p -> Integer.parseInt(p.getProperty("threads")))
                .thenComparingLong(p -> Long.parseLong(p.getProperty("size")))
                .thenComparing(p -> p.getProperty("peer")));
        StringBuilder csv = new StringBuilder("peer,size,dist,threads,gc,ok");
        for (String[] c : COLUMNS) {
            csv.append(',').append(c[0]);
        }
        csv.append(",error\n");
        for (Properties p : rs) {
            csv.append(String.join(",", p.getProperty("peer"), p.getProperty("size"), p.getProperty("dist"),
                    p.getProperty("threads"), p.getProperty("gc"), p.getProperty("ok")));
            for (String[] c : COLUMNS) {
                csv.append(',').append(p.getProperty(c[0], ""));
            }
            csv.append(',').append(p.getProperty("error", "").replace(',', ';')).append('\n');
        }
        Files.writeString(dir.resolve("results.csv"), csv);

        StringBuilder md = new StringBuilder("# Scale workload\n\n")
                .append("Prefill `size` keys (half of a key range of 2 x size), then 90% get / 5% put / 5% remove;")
                .append(" one JVM per row. Memory per entry: RSS and heap after a full GC, minus the same before")
                .append(" the map was made. GC figures are stop-the-world pauses in the measured window.\n");
        Set<String> groups = new LinkedHashSet<>();
        for (Properties p : rs) {
            groups.add(group(p));
        }
        for (String g : groups) {
            md.append("\n## ").append(g).append("\n\n| peer | size |");
            for (String[] c : COLUMNS) {
                md.append(' ').append(c[1]).append(" |");
            }
            md.append("\n|---|---|").append("---|".repeat(COLUMNS.length)).append('\n');
            for (Properties p : rs) {
                if (!group(p).equals(g)) {
                    continue;
                }
                md.append("| ").append(p.getProperty("peer")).append(" | ").append(p.getProperty("size")).append(" |");
                if (!"true".equals(p.getProperty("ok"))) {
                    md.append(" failed: ").append(p.getProperty("error", "").replace('|', '/'))
                            .append(" |".repeat(COLUMNS.length)).append('\n');
                    continue;
                }
                for (String[] c : COLUMNS) {
                    md.append(' ').append(short3(p.getProperty(c[0], ""))).append(" |");
                }
                md.append('\n');
            }
            for (String metric : CHARTED) {
                String file = chart(dir, g, metric, rs);
                if (file != null) {
                    md.append("\n![").append(metric).append("](").append(file).append(")");
                }
            }
            md.append('\n');
        }
        Files.writeString(dir.resolve("index.md"), md);
    }

    private static String group(Properties p) {
        String workload = ScaleBytesPeers.isBytes(p.getProperty("peer")) ? "bytes, " : "";
        return workload + p.getProperty("gc") + ", " + p.getProperty("dist") + ", " + p.getProperty("threads")
                + " thread" + ("1".equals(p.getProperty("threads")) ? "" : "s");
    }

    private static String chart(Path dir, String group, String metric, List<Properties> rs) throws IOException {
        XYChart chart = new XYChartBuilder().width(560).height(360).title(metric + " (" + group + ")")
                .xAxisTitle("entries").yAxisTitle(metric).build();
        chart.getStyler().setXAxisLogarithmic(true);
        boolean any = false;
        for (String peer : rs.stream().map(p -> p.getProperty("peer")).distinct().sorted().toList()) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Properties p : rs) {
                String v = p.getProperty(metric, "");
                if (group(p).equals(group) && p.getProperty("peer").equals(peer) && !v.isEmpty()) {
                    xs.add(Double.parseDouble(p.getProperty("size")));
                    ys.add(Double.parseDouble(v));
                }
            }
            if (!xs.isEmpty()) {
                chart.addSeries(peer, xs, ys);
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        String file = (group.replaceAll("[^a-z0-9]+", "-") + "-" + metric + ".png").toLowerCase(Locale.ROOT);
        if (!ImageIO.write(BitmapEncoder.getBufferedImage(chart), "png", dir.resolve(file).toFile())) {
            throw new IOException("no PNG writer in this JDK for " + file);
        }
        return file;
    }

    private static String short3(String v) {
        if (v.isEmpty()) {
            return "";
        }
        double d = Double.parseDouble(v);
        if (Math.abs(d) >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", d / 1e6);
        }
        if (Math.abs(d) >= 100 || d == Math.rint(d)) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        return String.format(Locale.ROOT, "%.2f", d);
    }
}
