package dev.reclaim.bench.suite;

import dev.reclaim.bench.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report as a reader sees it: banners, ratios, charts and the table, parsed from the written files. */
class BenchReportTest {

    private static BenchCommand.Plan plan(String... args) {
        CommandLine.ParseResult pr = Main.commandLine().parseArgs(args);
        return ((BenchCommand) pr.subcommand().commandSpec().userObject()).plan();
    }

    /** A result of a configuration that ran, with the given runs' throughput and pending series. */
    private static Result result(Config c, double[] ops, long[] seriesPending, Conditions cond) {
        long[] ms = new long[seriesPending.length];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = i * 5L;
        }
        boolean reclaimer = Workloads.isScheme(c.scheme());
        long peak = java.util.Arrays.stream(seriesPending).max().orElse(0);
        return new Result(c, "ok", ops, new double[ops.length], new long[] {peak}, new long[] {peak * 16},
                reclaimer, reclaimer ? ms : new long[0], reclaimer ? seriesPending : new long[0],
                new double[][] {{50, 100}, {99, 1000}, {100, 5000}}, 65536, "-Xtest", 1.0, List.of(), new long[0],
                new long[0], new long[0], cond);
    }

    /** Rows of the results table: the cell texts of each body row. */
    static List<List<String>> tableRows(String html) {
        int start = html.indexOf("<table class=\"r\" id=\"results\">");
        assertTrue(start >= 0, "the results table is there");
        String table = html.substring(start, html.indexOf("</table>", start));
        String body = table.substring(table.indexOf("<tbody>"));
        List<List<String>> rows = new ArrayList<>();
        Matcher tr = Pattern.compile("<tr[^>]*>(.*?)</tr>").matcher(body);
        while (tr.find()) {
            List<String> cells = new ArrayList<>();
            Matcher td = Pattern.compile("<td[^>]*>(.*?)</td>").matcher(tr.group(1));
            while (td.find()) {
                cells.add(td.group(1));
            }
            rows.add(cells);
        }
        return rows;
    }

    /** Header cells of the results table. */
    static List<String> tableHeader(String html) {
        String head = html.substring(html.indexOf("<thead>"), html.indexOf("</thead>"));
        List<String> h = new ArrayList<>();
        Matcher th = Pattern.compile("<th(?:\\s[^>]*)?>(.*?)</th>").matcher(head);
        while (th.find()) {
            h.add(th.group(1));
        }
        return h;
    }

    /**
     * Checks what every report's table must be: one row per configuration, sortable by every column (an inline
     * script, no external resource), formatted figures, a ratio column, and narrow enough for the page.
     */
    static void assertReadableTable(String html, int configurations) {
        List<String> header = tableHeader(html);
        assertTrue(header.containsAll(List.of("workload", "scheme", "ops/s", "min - max", "spread", "x baseline",
                "load", "steal %")), "columns " + header);
        assertTrue(html.contains("function sortBy(th)") && html.contains("onclick=\"sortBy(this)\""),
                "every column header sorts the table");
        for (String external : List.of("<script src", "<link", "http://", "https://")) {
            assertFalse(html.contains(external), "no external resource: " + external);
        }
        List<List<String>> rows = tableRows(html);
        assertEquals(configurations, rows.size(), "one row per configuration");
        for (List<String> row : rows) {
            assertEquals(header.size(), row.size(), "a cell per column: " + row);
            String ops = row.get(header.indexOf("ops/s"));
            assertTrue(ops.isEmpty() || ops.matches("[0-9.]+[kM]?"), "formatted throughput, not a raw integer: " + ops);
            int chars = row.stream().mapToInt(String::length).sum();
            assertTrue(chars < 150, "a row fits the page (" + chars + " characters): " + row);
        }
        assertTrue(rows.stream().anyMatch(r -> r.get(header.indexOf("x baseline")).matches("[0-9]+\\.[0-9]{2}")),
                "the ratio column has ratios");
    }

    @Test
    void noisyConfigurationsGetABannerWithTheirLoadAndStealAndRatiosAreToTheBaseline(@TempDir Path dir)
            throws Exception {
        BenchCommand.Plan plan = plan("bench", "--workloads", "birdcage", "--schemes", "leak,ebr,hp,jdk-gc-cage",
                "--threads", "1,2");
        List<Result> results = new ArrayList<>();
        Conditions calm = new Conditions(0.5, 0.6, 0.0, 40);
        Conditions busy = new Conditions(1.0, 4.5, 2.5, 100);
        long[] flat = new long[40];
        for (Config c : plan.configs()) {
            boolean noisy = c.scheme().equals("ebr") && c.threads() == 2 && !c.stall();
            double[] ops = c.scheme().equals("jdk-gc-cage") ? new double[] {200, 200, 200}
                    : noisy ? new double[] {100, 200, 300} : new double[] {100, 105, 110};
            results.add(result(c, ops, flat, noisy ? busy : calm));
        }
        Report report = new Report(dir, plan, results, "./reclaim bench --test", 12.0);
        report.writeAll();
        String html = Files.readString(dir.resolve("index.html"));
        int banner = html.indexOf("id=\"noise\"");
        assertTrue(banner > 0, "a banner for the noisy configuration");
        String text = html.substring(banner, html.indexOf("</div>", banner));
        assertTrue(text.contains("1 of " + results.size() + " configurations"), text);
        assertTrue(text.contains("birdcage-ebr-t2 3.0x (load 1.0 -&gt; 4.5, steal 2.5%)"), text);
        assertTrue(html.indexOf("id=\"noise\"") < html.indexOf("<h2>Reproduce</h2>"), "the banner comes first");
        List<String> header = tableHeader(html);
        List<List<String>> rows = tableRows(html);
        assertEquals(results.size(), rows.size());
        for (List<String> row : rows) {
            if (row.get(1).equals("ebr") && row.get(2).equals("2") && row.get(3).isEmpty()) {
                assertEquals("3.00", row.get(header.indexOf("spread")));
                assertEquals("1.00", row.get(header.indexOf("x baseline")), "200 / 200");
                assertEquals("1.0 -&gt; 4.5", row.get(header.indexOf("load")));
                assertEquals("2.5", row.get(header.indexOf("steal %")));
            }
        }
        assertTrue(html.contains("class=\"noisy\" data-v=\"3.0\""), "the noisy spread is highlighted");
        List<String> csv = Files.readAllLines(dir.resolve("results.csv"));
        List<String> cols = List.of(csv.getFirst().split(","));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            if (f[1].equals("hp") && f[2].equals("1") && f[3].equals("false")) {
                assertEquals("jdk-gc-cage", f[cols.indexOf("baseline")]);
                assertEquals("0.525", f[cols.indexOf("ratio_to_baseline")], "105 / 200");
                assertEquals("1.100", f[cols.indexOf("spread")], "110 / 100");
                assertEquals("0.50", f[cols.indexOf("load_before")]);
            }
        }
        BufferedImage chart = ImageIO.read(dir.resolve("ratio-birdcage.png").toFile());
        for (String s : List.of("leak", "ebr", "hp", "jdk-gc-cage")) {
            assertTrue(rowsWithColour(chart, SchemeColours.of(s)).size() > 20, "a bar in " + s + "'s colour");
        }
        assertTrue(rowsWithColour(chart, new Color(200, 0, 0)).size() > 20, "the noisy whisker is red");

        List<Result> quiet = results.stream().map(r -> r.config().scheme().equals("ebr")
                ? result(r.config(), new double[] {100, 105, 110}, flat, calm) : r).toList();
        new Report(dir, plan, quiet, "./reclaim bench --test", 12.0).writeAll();
        assertFalse(Files.readString(dir.resolve("index.html")).contains("id=\"noise\""),
                "no banner when every spread is under 1.5x");
    }

    @Test
    void boundedSchemesPendingSeriesAreDrawnOnTheirOwnScaleInTheirColour(@TempDir Path dir) throws Exception {
        BenchCommand.Plan plan = plan("bench", "--workloads", "birdcage", "--schemes", "leak,ebr,hp,robust",
                "--threads", "2");
        List<Result> results = new ArrayList<>();
        for (Config c : plan.configs()) {
            long[] series = new long[200];
            for (int i = 0; i < series.length; i++) {
                // leak and a stalled ebr grow to 10^6; hp and robust stay under 64: 15,000x smaller
                boolean grows = c.scheme().equals("leak") || c.stall() && c.scheme().equals("ebr");
                series[i] = grows ? i * 5_000L : (i * 7L) % 64;
            }
            results.add(result(c, new double[] {100, 100, 100}, series, Conditions.UNKNOWN));
        }
        new Report(dir, plan, results, "./reclaim bench --test", 1.0).writeAll();
        BufferedImage img = ImageIO.read(dir.resolve("pending-birdcage.png").toFile());
        for (String s : List.of("hp", "robust", "ebr", "leak")) {
            TreeSet<Integer> ys = rowsWithColour(img, SchemeColours.of(s));
            assertTrue(ys.size() > 40, s + "'s series spans " + ys.size() + " pixel rows: visible, not a line on zero");
        }
    }

    /** The pixel rows that hold at least one pixel of exactly {@code c}. */
    static TreeSet<Integer> rowsWithColour(BufferedImage img, Color c) {
        TreeSet<Integer> ys = new TreeSet<>();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == (c.getRGB() & 0xFFFFFF)) {
                    ys.add(y);
                    break;
                }
            }
        }
        return ys;
    }

    @Test
    void aLeakBeatenBeyondTheNoiseIsExplainedInItsWorkload(@TempDir Path dir) throws Exception {
        BenchCommand.Plan plan = plan("bench", "--workloads", "treiber,arcswap", "--schemes",
                "leak,ebr,jdk-atomicref-stack,jdk-rwlock", "--threads", "2");
        List<Result> results = new ArrayList<>();
        for (Config c : plan.configs()) {
            double[] ops = c.scheme().equals("leak") ? new double[] {50, 52, 55} : new double[] {100, 105, 110};
            results.add(result(c, ops, new long[8], Conditions.UNKNOWN));
        }
        new Report(dir, plan, results, "./reclaim bench --test", 1.0).writeAll();
        String html = Files.readString(dir.resolve("index.html"));
        String treiber = html.substring(html.indexOf("<h2 id=\"w-treiber\">"), html.indexOf("<h2 id=\"w-arcswap\">"));
        assertTrue(treiber.contains("leak is slower than ebr here, beyond the run-to-run noise: leak never frees"),
                treiber);
        String arcswap = html.substring(html.indexOf("<h2 id=\"w-arcswap\">"), html.indexOf("<h2>Results</h2>"));
        assertFalse(arcswap.contains("leak is slower"), "arcswap retires heap objects: the slab story does not apply");
        assertTrue(html.contains("<p class=\"reading\" id=\"leak\">"), "the general leak note is always there");

        List<Result> overlapping = results.stream().map(r -> r.config().scheme().equals("leak")
                ? result(r.config(), new double[] {50, 90, 101}, new long[8], Conditions.UNKNOWN) : r).toList();
        new Report(dir, plan, overlapping, "./reclaim bench --test", 1.0).writeAll();
        assertFalse(Files.readString(dir.resolve("index.html")).contains("leak is slower than"),
                "whiskers that overlap are noise, not a finding");
    }

    @Test
    void updateRatiosAreWrittenAsGiven() {
        assertEquals("0.001", Report.ratioText(0.001));
        assertEquals("0.0001", Report.ratioText(0.0001));
        assertEquals("0.1", Report.ratioText(0.1));
        assertEquals("0.5", Report.ratioText(0.5));
        assertEquals("1", Report.ratioText(1.0));
        assertEquals("0", Report.ratioText(0.0));
    }

    @Test
    void quickRunsOneThreadCountAndCapsTheMapPrefill() {
        BenchCommand.Plan quick = plan("bench", "--quick");
        assertTrue(quick.configs().stream().allMatch(c -> c.threads() == 2), "--quick runs 2 threads only");
        assertTrue(quick.configs().stream().allMatch(c -> c.keyRange() <= BenchCommand.QUICK_MAX_KEY_RANGE));
        assertTrue(quick.configs().stream().anyMatch(c -> c.workload().equals("hashmap")
                && c.keyRange() == BenchCommand.QUICK_MAX_KEY_RANGE), "the 1M-key maps are cut to 100,000 keys");
        assertTrue(quick.configs().stream().filter(c -> c.workload().equals("list")).allMatch(c -> c.keyRange() == 2000),
                "smaller key ranges stay");
        assertEquals(1_000_000, plan("bench", "--quick", "--key-range", "1000000").configs().getFirst().keyRange(),
                "an explicit --key-range wins");
        assertTrue(quick.configs().size() <= plan("bench").configs().size() / 2, "--quick runs at most half the forks");
    }

    @Test
    void jvmArgsReachTheForksAndTheReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        CommandLine cl = Main.commandLine();
        StringWriter sout = new StringWriter();
        StringWriter serr = new StringWriter();
        cl.setOut(new PrintWriter(sout));
        cl.setErr(new PrintWriter(serr));
        int exit = cl.execute("bench", "--workloads", "arcswap", "--schemes", "refcount,ebr", "--threads", "1",
                "--runs", "2", "--warmup", "0", "--duration", "50ms", "--jvm-args",
                "-XX:+UseSerialGC  -Xmx200m -Dreclaim.bench.marker=jvm-args", "--out", out.toString());
        assertEquals(0, exit, () -> sout + "\n" + serr);
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"fork_jvm_args\": \"-XX:+UseSerialGC -Xmx200m -Dreclaim.bench.marker=jvm-args\""),
                json);
        Matcher flags = Pattern.compile("\"fork JVM flags\": \"([^\"]*)\"").matcher(json);
        assertTrue(flags.find(), json);
        assertTrue(flags.group(1).contains("-XX:+UseSerialGC") && flags.group(1).contains("-Xmx200m")
                && flags.group(1).contains("-Dreclaim.bench.marker=jvm-args"),
                "the forks' own JVM arguments (read in the fork) hold the options: " + flags.group(1));
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("extra fork JVM options (--jvm-args)</th><td class=\"l\">-XX:+UseSerialGC -Xmx200m"),
                "the report shows the options");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        int ur = List.of(csv.getFirst().split(",")).indexOf("update_ratio");
        for (String line : csv.subList(1, csv.size())) {
            assertEquals("0.001", line.split(",", -1)[ur], line);
        }
        assertReadableTable(html, 2);
    }
}
