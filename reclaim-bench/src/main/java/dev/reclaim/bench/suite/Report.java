package dev.reclaim.bench.suite;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** Writes {@code results.csv}, {@code results.json}, the PNG charts and {@code index.html}; formats the console table. */
final class Report {

    /** The CSV columns, in order. */
    static final List<String> COLUMNS = List.of("workload", "scheme", "threads", "stall", "key_range",
            "update_ratio", "runs", "ops_per_sec", "ops_per_sec_min", "ops_per_sec_max", "alloc_bytes_per_op",
            "peak_pending", "peak_pending_bytes", "peak_rss_mb", "lat_p50_ns", "lat_p99_ns", "lat_p999_ns",
            "lat_max_ns", "tasks", "freed_running_pct", "peak_open_guards", "baseline", "ratio_to_baseline", "spread",
            "load_before", "load_after", "steal_pct", "status");

    private final Path dir;
    private final BenchCommand.Plan plan;
    private final List<Result> results;
    private final String reproduce;
    private final double totalSeconds;
    private final Map<String, List<String>> charts = new LinkedHashMap<>();
    private final Map<Result, Ratios.Ratio> ratios = new IdentityHashMap<>();
    private final Map<String, String> baselines = new LinkedHashMap<>();
    private String partial;
    private List<String> jvmArgs = List.of();

    Report(Path dir, BenchCommand.Plan plan, List<Result> results, String reproduce, double totalSeconds) {
        this.dir = dir;
        this.plan = plan;
        this.results = results;
        this.reproduce = reproduce;
        this.totalSeconds = totalSeconds;
        for (Workload w : plan.workloads()) {
            List<Result> mine = of(w);
            Ratios.baselineOf(w, mine).ifPresent(b -> {
                baselines.put(w.id(), b);
                for (Result r : mine) {
                    Ratios.of(r, b, mine).ifPresent(q -> ratios.put(r, q));
                }
            });
        }
    }

    /**
     * Marks the report partial (the bench was stopped before every configuration ran).
     *
     * @param why what happened, or null for a complete report
     * @return this report
     */
    Report partial(String why) {
        this.partial = why;
        return this;
    }

    /**
     * Records the forks' extra JVM options ({@code --jvm-args}), shown in the report.
     *
     * @param args the options
     * @return this report
     */
    Report jvmArgs(List<String> args) {
        this.jvmArgs = List.copyOf(args);
        return this;
    }

    /**
     * Where the report goes.
     *
     * @return the report directory
     */
    Path directory() {
        return dir;
    }

    private List<Result> of(Workload w) {
        return results.stream().filter(r -> r.config().workload().equals(w.id())).toList();
    }

    void writeAll() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.csv"), csv());
        Files.writeString(dir.resolve("results.json"), json());
        for (Workload w : plan.workloads()) {
            List<Result> mine = of(w);
            List<String> files = new ArrayList<>();
            List<Result> plain = mine.stream().filter(r -> r.config().stall() == allStalled(mine)).toList();
            String f = "ratio-" + w.id() + ".png";
            List<Ratios.Ratio> rs = plain.stream().map(ratios::get).filter(Objects::nonNull).toList();
            if (baselines.containsKey(w.id())
                    && RatioChart.write(dir.resolve(f), w.id(), baselines.get(w.id()), rs, runsOf(plain))) {
                files.add(f);
            }
            f = "pending-" + w.id() + ".png";
            if (w instanceof BurstWorkload) {
                if (Charts.burstSeries(dir.resolve(f), "pending garbage", "retired, not yet freed (objects)",
                        plan.stallThreads(), mine, Result::seriesPending)) {
                    files.add(f);
                }
                f = "guards-" + w.id() + ".png";
                if (Charts.burstSeries(dir.resolve(f), "open guards", "guards open at once (slots in use)",
                        plan.stallThreads(), mine, Result::seriesOpenGuards)) {
                    files.add(f);
                }
                f = "slots-" + w.id() + ".png";
                if (Charts.burstSeries(dir.resolve(f), "slot table", "slots (table length)", plan.stallThreads(),
                        mine, Result::seriesSlots)) {
                    files.add(f);
                }
                f = "heap-" + w.id() + ".png";
                if (Charts.burstSeries(dir.resolve(f), "Java heap in use", "heap used (MiB)", plan.stallThreads(),
                        mine, Result::seriesHeapMb)) {
                    files.add(f);
                }
            } else if (Charts.pending(dir.resolve(f), w.id(), plan.stallThreads(), mine)) {
                files.add(f);
            }
            if (w.latencyChart()) {
                f = "latency-" + w.id() + ".png";
                int t = mine.stream().mapToInt(r -> r.config().threads()).min().orElse(1);
                if (Charts.latency(dir.resolve(f), w.id(), t, mine)) {
                    files.add(f);
                }
            }
            charts.put(w.id(), files);
        }
        Files.writeString(dir.resolve("index.html"), html());
    }

    private static int runsOf(List<Result> rs) {
        return rs.isEmpty() ? 0 : rs.getFirst().config().runs();
    }

    private static boolean allStalled(List<Result> rs) {
        return !rs.isEmpty() && rs.stream().allMatch(r -> r.config().stall());
    }

    // ---------------------------------------------------------------- CSV

    String csv() {
        StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
        for (Result r : results) {
            Config c = r.config();
            List<String> v = List.of(c.workload(), c.scheme(), Integer.toString(c.threads()), Boolean.toString(c.stall()),
                    Integer.toString(c.keyRange()), c.updateRatio() < 0 ? "" : ratioText(c.updateRatio()),
                    Integer.toString(r.opsPerSec().length), num0(r.opsMedian()), num0(r.opsMin()), num0(r.opsMax()),
                    num(r.allocMedian()), r.hasReclaimer() && r.ok() ? Long.toString(r.peakPendingMax()) : "",
                    r.hasReclaimer() && r.ok() ? Long.toString(r.peakPendingBytesMax()) : "",
                    r.rssKb() < 0 ? "" : num(r.rssKb() / 1024.0), lat(r, 50), lat(r, 99), lat(r, 99.9), lat(r, 100),
                    c.tasks() > 0 ? Integer.toString(c.tasks()) : "", r.bursts().isEmpty() ? "" : num(r.freedPercentMedian()),
                    r.bursts().isEmpty() ? "" : Long.toString(r.peakOpenGuardsMax()),
                    ratios.containsKey(r) ? baselines.get(c.workload()) : "",
                    ratios.containsKey(r) ? num3(ratios.get(r).median()) : "", num3(r.spread()),
                    num(r.conditions().loadBefore()), num(r.conditions().loadAfter()), num(r.conditions().stealPct()),
                    csvText(r.status()));
            b.append(String.join(",", v)).append('\n');
        }
        return b.toString();
    }

    private static String lat(Result r, double q) {
        long v = r.latencyAt(q);
        return v < 0 ? "" : Long.toString(v);
    }

    private static String csvText(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n")
                ? "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"" : s;
    }

    private static String num0(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.0f", v);
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String num3(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    /**
     * A fraction as written on the command line, without rounding: 0.001 -> "0.001", 0.5 -> "0.5", 1 -> "1".
     *
     * @param v the fraction
     * @return its shortest exact decimal form
     */
    static String ratioText(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }

    // ---------------------------------------------------------------- JSON

    String json() {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"command\": ").append(q(reproduce)).append(",\n");
        b.append("  \"date\": ").append(q(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))).append(",\n");
        b.append("  \"total_seconds\": ").append(num(totalSeconds)).append(",\n");
        b.append("  \"partial\": ").append(partial == null ? "null" : q(partial)).append(",\n");
        b.append("  \"fork_jvm_args\": ").append(q(String.join(" ", jvmArgs))).append(",\n");
        b.append("  \"machine\": {");
        boolean first = true;
        for (var e : Machine.describe(forkFlags()).entrySet()) {
            b.append(first ? "" : ",").append("\n    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            first = false;
        }
        b.append("\n  },\n  \"results\": [");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            Config c = r.config();
            b.append(i == 0 ? "\n" : ",\n").append("    {");
            b.append("\"workload\": ").append(q(c.workload())).append(", \"scheme\": ").append(q(c.scheme()))
                    .append(", \"threads\": ").append(c.threads()).append(", \"stall\": ").append(c.stall())
                    .append(", \"key_range\": ").append(c.keyRange())
                    .append(", \"update_ratio\": ").append(c.updateRatio() < 0 ? "null" : ratioText(c.updateRatio()))
                    .append(", \"warmup_ms\": ").append(c.warmupMs()).append(", \"duration_ms\": ").append(c.durationMs())
                    .append(", \"sanitize\": ").append(c.sanitize()).append(", \"tasks\": ").append(c.tasks())
                    .append(",\n      \"status\": ").append(q(r.status()))
                    .append(", \"ops_per_sec_runs\": ").append(arr(r.opsPerSec()))
                    .append(", \"alloc_bytes_per_op_runs\": ").append(arr(r.allocBytesPerOp()))
                    .append(",\n      \"has_reclaimer\": ").append(r.hasReclaimer())
                    .append(", \"peak_pending_runs\": ").append(arr(r.peakPending()))
                    .append(", \"peak_pending_bytes_runs\": ").append(arr(r.peakPendingBytes()))
                    .append(", \"peak_rss_kb\": ").append(r.rssKb())
                    .append(", \"fork_seconds\": ").append(num(r.seconds()))
                    .append(",\n      \"load_before\": ").append(jnum(r.conditions().loadBefore()))
                    .append(", \"load_after\": ").append(jnum(r.conditions().loadAfter()))
                    .append(", \"steal_pct\": ").append(jnum(r.conditions().stealPct()))
                    .append(", \"cpu_busy_pct\": ").append(jnum(r.conditions().busyPct()))
                    .append(", \"ratio_to_baseline\": ").append(ratios.containsKey(r) ? num3(ratios.get(r).median()) : "null")
                    .append(",\n      \"latency_ns\": [");
            double[][] lc = r.latencyCurve();
            for (int k = 0; k < lc.length; k++) {
                b.append(k == 0 ? "" : ", ").append("[").append(String.format(Locale.ROOT, "%.4f", lc[k][0]))
                        .append(", ").append((long) lc[k][1]).append("]");
            }
            b.append("],\n      \"pending_series\": {\"ms\": ").append(arr(r.seriesMs())).append(", \"pending\": ")
                    .append(arr(r.seriesPending()));
            if (!r.bursts().isEmpty()) {
                b.append(", \"open_guards\": ").append(arr(r.seriesOpenGuards())).append(", \"heap_mb\": ")
                        .append(arr(r.seriesHeapMb())).append(", \"slots\": ").append(arr(r.seriesSlots()));
            }
            b.append("}");
            if (!r.bursts().isEmpty()) {
                b.append(",\n      \"bursts\": [");
                for (int k = 0; k < r.bursts().size(); k++) {
                    BurstRun br = r.bursts().get(k);
                    b.append(k == 0 ? "" : ", ").append("{\"tasks\": ").append(br.tasks())
                            .append(", \"seconds\": ").append(num(br.seconds()))
                            .append(", \"retired\": ").append(br.retired())
                            .append(", \"reclaimed_running\": ").append(br.reclaimedRunning())
                            .append(", \"retired_before_tail\": ").append(br.retiredBeforeTail())
                            .append(", \"tail_tasks\": ").append(br.tailTasks())
                            .append(", \"freed_running_pct\": ").append(Double.isNaN(br.freedPercent()) ? "null"
                                    : num(br.freedPercent()))
                            .append(", \"peak_pending\": ").append(br.peakPending())
                            .append(", \"peak_open_guards\": ").append(br.peakOpenGuards())
                            .append(", \"peak_heap_bytes\": ").append(br.peakHeapBytes()).append("}");
                }
                b.append("]");
            }
            b.append("}");
        }
        b.append("\n  ]\n}\n");
        return b.toString();
    }

    private static String jnum(double v) {
        return Double.isNaN(v) ? "null" : num(v);
    }

    private static String arr(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(num(v[i]));
        }
        return b.append(']').toString();
    }

    private static String arr(long[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return b.append(']').toString();
    }

    static String q(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private String forkFlags() {
        String jvm = results.stream().map(Result::jvmArgs).filter(s -> !s.isBlank()).findFirst()
                .orElse(String.join(" ", Forker.FORK_FLAGS));
        return jvm;
    }

    // ---------------------------------------------------------------- console

    String consoleTable() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-9s %-19s %3s %5s %11s %-21s %8s %11s %7s %8s%n", "workload", "scheme",
                "thr", "stall", "ops/s", "(min - max)", "heap B/op", "peak pend", "RSS MB", "p99 ns"));
        for (Result r : results) {
            Config c = r.config();
            if (!r.ok()) {
                b.append(String.format(Locale.ROOT, "%-9s %-19s %3d %5s FAILED: %s%n", c.workload(), c.scheme(),
                        c.threads(), c.stall() ? "yes" : "", r.status()));
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-9s %-19s %3d %5s %11s %-21s %8.1f %11s %7.0f %8s%n", c.workload(),
                    c.scheme(), c.threads(), c.stall() ? "yes" : "", humanOps(r.opsMedian()),
                    "(" + humanOps(r.opsMin()) + " - " + humanOps(r.opsMax()) + ")", r.allocMedian(),
                    r.hasReclaimer() ? String.format(Locale.ROOT, "%,d", r.peakPendingMax()) : "-",
                    r.rssKb() / 1024.0, r.latencyAt(99) < 0 ? "-" : Long.toString(r.latencyAt(99))));
        }
        b.append(burstTable());
        return b.toString();
    }

    /**
     * The target figures of the burst workloads, one line per measured burst: freed while running as a percentage
     * of what was retired before the tail started, and peak pending as a percentage of the tasks.
     *
     * @return the table, empty when no burst ran
     */
    String burstTable() {
        StringBuilder b = new StringBuilder();
        for (Result r : results) {
            Config c = r.config();
            for (BurstRun br : r.bursts()) {
                if (b.isEmpty()) {
                    b.append(String.format(Locale.ROOT, "%n%-9s %-8s %4s %9s %7s %12s %12s %8s %16s %11s %8s%n",
                            "burst", "scheme", "carr", "tasks", "time s", "retired", "freed run", "freed %",
                            "peak pend (%)", "peak guards", "heap MB"));
                }
                b.append(String.format(Locale.ROOT, "%-9s %-8s %4d %,9d %7.1f %,12d %,12d %8s %,9d (%4.1f) %,11d %8d%n",
                        c.workload(), c.scheme(), c.threads(), br.tasks(), br.seconds(), br.retired(),
                        br.reclaimedRunning(), Double.isNaN(br.freedPercent()) ? "-"
                                : String.format(Locale.ROOT, "%.1f", br.freedPercent()), br.peakPending(),
                        100.0 * br.peakPending() / br.tasks(), br.peakOpenGuards(), br.peakHeapBytes() >> 20));
            }
        }
        if (!b.isEmpty()) {
            b.append("freed %: freed while running (nobody flushed) as % of what was retired when the last 10,000 tasks"
                    + " (a tenth of a smaller burst) started; peak pend: retired, not yet freed, at its peak.\n");
        }
        return b.toString();
    }

    static String humanOps(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    // ---------------------------------------------------------------- HTML

    /**
     * The warning shown when a configuration's runs are more than {@link Result#NOISY_SPREAD} apart: which ones,
     * how far, and the load and steal time they ran under.
     *
     * @return the HTML, empty when no configuration is noisy
     */
    String noiseBanner() {
        List<Result> noisy = results.stream().filter(Result::noisy)
                .sorted(Comparator.comparingDouble(Result::spread).reversed()).toList();
        if (noisy.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("<div class=\"banner\" id=\"noise\"><b>Noisy measurements:</b> ")
                .append(noisy.size()).append(" of ").append(results.size())
                .append(" configurations have runs more than ").append(Result.NOISY_SPREAD)
                .append("x apart (fastest / slowest run): their bars differ by noise as much as by scheme. ")
                .append(esc(loadSummary())).append(". Rerun on a quieter machine, or with more --runs, before")
                .append(" claiming a ratio.<br>");
        int shown = Math.min(noisy.size(), 12);
        for (int i = 0; i < shown; i++) {
            Result r = noisy.get(i);
            Conditions c = r.conditions();
            b.append(i == 0 ? "" : "; ").append(esc(r.config().name())).append(' ')
                    .append(String.format(Locale.ROOT, "%.1fx", r.spread()))
                    .append(Double.isNaN(c.loadBefore()) ? "" : esc(String.format(Locale.ROOT,
                            " (load %.1f -> %.1f, steal %.1f%%)", c.loadBefore(), c.loadAfter(), c.stealPct())));
        }
        if (noisy.size() > shown) {
            b.append("; and ").append(noisy.size() - shown).append(" more (sort the table by spread)");
        }
        return b.append(".</div>\n").toString();
    }

    /**
     * The load average and steal time over the suite, for the report.
     *
     * @return e.g. "1-minute load average 1.2 to 5.3 on 2 cores; steal time at most 0.4% of a fork"
     */
    String loadSummary() {
        DoubleSummaryStatistics load = results.stream().flatMapToDouble(r -> java.util.stream.DoubleStream.of(
                r.conditions().loadBefore(), r.conditions().loadAfter())).filter(v -> !Double.isNaN(v))
                .summaryStatistics();
        DoubleSummaryStatistics steal = results.stream().mapToDouble(r -> r.conditions().stealPct())
                .filter(v -> !Double.isNaN(v)).summaryStatistics();
        if (load.getCount() == 0) {
            return "load average unknown (no /proc/loadavg)";
        }
        return String.format(Locale.ROOT, "1-minute load average %.1f to %.1f on %d cores; steal time %s",
                load.getMin(), load.getMax(), Runtime.getRuntime().availableProcessors(),
                steal.getCount() == 0 ? "unknown" : String.format(Locale.ROOT, "at most %.1f%% of a fork",
                        steal.getMax()));
    }

    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>reclaim bench report</title>\n")
                .append("<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}")
                .append("table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;")
                .append("text-align:right}th{background:#f0f0f0}td.l,th.l{text-align:left}")
                .append("code,pre{background:#f6f6f6;padding:2px 4px}img{max-width:100%;border:1px solid #eee;")
                .append("margin:.5em 0}p.reading{max-width:60em}").append(ResultsTable.STYLE).append("</style>\n")
                .append(ResultsTable.SCRIPT).append("</head><body>\n");
        b.append("<h1>reclaim bench").append(partial == null ? "" : " (partial)").append("</h1>\n");
        if (partial != null) {
            b.append("<div class=\"banner partial\" id=\"partial\"><b>Partial report:</b> ").append(esc(partial))
                    .append(". ").append(results.size()).append(" of ").append(plan.configs().size())
                    .append(" configurations finished.</div>\n");
        }
        b.append(noiseBanner());
        long failed = results.stream().filter(r -> !r.ok()).count();
        b.append("<p>").append(results.size()).append(" configurations, each in its own JVM, in ")
                .append(String.format(Locale.ROOT, "%.0f", totalSeconds)).append(" s")
                .append(failed == 0 ? "; all passed their checks." : "; <b>" + failed + " failed</b> (see the table and logs/).")
                .append(" Generated ").append(esc(ZonedDateTime.now().format(DateTimeFormatter.RFC_1123_DATE_TIME)))
                .append(".</p>\n");
        b.append("<h2>Reproduce</h2>\n<pre>").append(esc(reproduce)).append("</pre>\n");
        b.append("<h2>Machine</h2>\n<table>\n");
        Map<String, String> machine = new LinkedHashMap<>(Machine.describe(forkFlags()));
        machine.put("extra fork JVM options (--jvm-args)", jvmArgs.isEmpty() ? "none" : String.join(" ", jvmArgs));
        machine.put("load during the suite", loadSummary());
        for (var e : machine.entrySet()) {
            b.append("<tr><th class=\"l\">").append(esc(e.getKey())).append("</th><td class=\"l\">")
                    .append(esc(e.getValue())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        Config any = results.isEmpty() ? null : results.getFirst().config();
        if (any != null) {
            b.append("<p>Each configuration: one warm-up run of ").append(any.warmupMs()).append(" ms, then ")
                    .append(any.runs()).append(" measured runs of ").append(any.durationMs())
                    .append(" ms in the same fork, each on a fresh instance of the structure. Bars are the median")
                    .append(" of the runs, whiskers the slowest and fastest run; ratios are to the workload's JDK")
                    .append(" baseline at the same thread count, measured in the same suite.")
                    .append(any.sanitize() ? " <b>Sanitizer mode was on: the figures measure the checks.</b>" : "")
                    .append("</p>\n<p class=\"reading\" id=\"leak\">leak (never frees) is the cost floor of the guards,")
                    .append(" not always the fastest: ").append(esc(Readings.LEAK)).append("</p>\n");
        }
        for (Workload w : plan.workloads()) {
            b.append("<h2 id=\"w-").append(esc(w.id())).append("\">").append(esc(w.id())).append("</h2>\n")
                    .append("<p>One operation: ").append(esc(w.description())).append(".</p>\n")
                    .append("<p class=\"reading\">").append(esc(Readings.of(w, of(w), ratios, baselines.get(w.id()))))
                    .append("</p>\n");
            for (String f : charts.getOrDefault(w.id(), List.of())) {
                b.append("<img src=\"").append(esc(f)).append("\" alt=\"").append(esc(f)).append("\">\n");
            }
        }
        b.append("<h2>Results</h2>\n<p>Click a column to sort. Also as <a href=\"results.csv\">results.csv</a> and ")
                .append("<a href=\"results.json\">results.json</a> (per-run values, latency curves, pending series).</p>\n");
        b.append(ResultsTable.html(results, ratios, baselines));
        List<Result> failures = results.stream().filter(r -> !r.ok()).toList();
        if (!failures.isEmpty()) {
            b.append("<h3>Failures</h3>\n<ul>\n");
            for (Result r : failures) {
                b.append("<li><b>").append(esc(r.config().name())).append("</b>: ").append(esc(r.status()))
                        .append("</li>\n");
            }
            b.append("</ul>\n");
        }
        String bursts = burstTable();
        if (!bursts.isEmpty()) {
            b.append("<h2>Bursts</h2>\n<p>One line per measured burst of a burst workload (nobody calls flush or")
                    .append(" synchronize during a burst).</p>\n<pre>").append(esc(bursts.strip())).append("</pre>\n");
        }
        b.append("<h2>Columns</h2>\n<ul>\n")
                .append("<li><b>ops_per_sec</b>: operations per second summed over all worker threads, median of the runs")
                .append(" (<b>_min</b>, <b>_max</b>: the extreme runs).</li>\n")
                .append("<li><b>alloc_bytes_per_op</b>: Java heap bytes allocated by the worker threads per operation")
                .append(" (ThreadMXBean), median of the runs; 0 means the hot path allocates nothing on the heap.</li>\n")
                .append("<li><b>peak_pending</b>: the most objects retired but not yet freed at any moment of any run (sampled")
                .append(" every duration/200 and at the reclaimer's own reclamation steps); empty for baselines, which have")
                .append(" no reclaimer. <b>peak_pending_bytes</b>: the same in bytes.</li>\n")
                .append("<li><b>peak_rss_mb</b>: peak resident set size of the fork (VmHWM), warm-up and all runs included.</li>\n")
                .append("<li><b>lat_*_ns</b>: latency of single operations, one sampled per ")
                .append(ForkMain.BATCH).append(" operations per thread, all runs merged (HdrHistogram); includes")
                .append(" the cost of System.nanoTime (~20-30 ns).</li>\n")
                .append("<li><b>stall</b>: a reader thread held a guard open for the whole run (a stalled reader).</li>\n")
                .append("<li><b>spread</b>: fastest run / slowest run of the configuration; above 1.5 the configuration")
                .append(" is flagged as noisy. <b>x baseline</b>: median ops/s over the baseline's median at the same")
                .append(" thread count. <b>load</b>: the 1-minute load average before and after the fork;")
                .append(" <b>steal %</b>: CPU time the hypervisor gave to other guests during the fork.</li>\n")
                .append("<li><b>tasks</b>, <b>freed_running_pct</b>, <b>peak_open_guards</b> (burst workloads): tasks per")
                .append(" burst (threads are then carrier threads of the virtual-thread scheduler); objects freed by the")
                .append(" time the last task finished as % of those retired when the last 10,000 tasks started (median of")
                .append(" the bursts); the most guards open at once. For bursts, ops_per_sec is tasks per second and")
                .append(" alloc_bytes_per_op the whole JVM's heap allocation per task.</li>\n")
                .append("</ul>\n</body></html>\n");
        return b.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
