package dev.reclaim.bench.suite;

import dev.reclaim.bench.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G'};

    /** Runs {@code reclaim args...}, capturing stdout and stderr. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static BenchCommand.Plan plan(String... args) {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs(args);
        BenchCommand b = (BenchCommand) pr.subcommand().commandSpec().userObject();
        return b.plan();
    }

    @Test
    void quickSmokeRunWritesReportChartsAndOneCsvRowPerConfiguration(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        String[] args = {"bench", "--quick", "--duration", "100ms", "--warmup", "30ms", "--runs", "1",
                "--threads", "1,2", "--tasks", "2000", "--out", out.toString()};
        BenchCommand.Plan plan = plan(args);
        Run r = run(args);
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.out().contains(out.toAbsolutePath().resolve("index.html").toString()),
                "the console names the report: " + r.out());

        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("./reclaim bench --quick --duration 100ms"),
                "the report states the command to reproduce: " + html.substring(0, Math.min(html.length(), 2000)));
        assertTrue(html.contains("cores"), "the report states the machine");
        List<String> pngs = new java.util.ArrayList<>();
        for (Workload w : Workloads.ALL) {
            pngs.add("ratio-" + w.id() + ".png");
            if (!w.schemeIds().isEmpty()) { // a workload running only baselines has no pending garbage to plot
                pngs.add("pending-" + w.id() + ".png");
            }
        }
        pngs.add("latency-alloc.png");
        for (String png : pngs) {
            Path p = out.resolve(png);
            assertTrue(Files.size(p) > 5_000, png + " is a real chart");
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(p), 4), png + " is a PNG");
            assertTrue(html.contains("src=\"" + png + "\""), "index.html embeds " + png);
        }

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(csv.getFirst().split(","));
        assertTrue(header.containsAll(List.of("workload", "scheme", "threads", "ops_per_sec", "alloc_bytes_per_op",
                "peak_pending", "peak_rss_mb", "lat_p99_ns")), "header " + header);
        assertEquals(plan.configs().size(), csv.size() - 1, "one row per configuration");
        Set<String> seen = new HashSet<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertEquals(header.size(), f.length, line);
            assertTrue(seen.add(f[0] + "/" + f[1] + "/" + f[2] + "/" + f[3]), "duplicate row " + line);
            assertEquals("ok", f[header.indexOf("status")], line);
            assertTrue(Double.parseDouble(f[header.indexOf("ops_per_sec")]) > 0, line);
        }
        for (Config c : plan.configs()) {
            assertTrue(seen.contains(c.workload() + "/" + c.scheme() + "/" + c.threads() + "/" + c.stall()),
                    "row for " + c.name());
        }
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            if (f[0].equals("arcswap")) {
                assertEquals("0.001", f[header.indexOf("update_ratio")], "the update ratio as given: " + line);
            }
        }
        BenchReportTest.assertReadableTable(html, plan.configs().size());
        for (Workload w : Workloads.ALL) {
            assertTrue(html.contains("<h2 id=\"w-" + w.id() + "\">"), "a section for " + w.id());
        }
        assertTrue(html.contains("ArcSwapBench"), "the arcswap section relates the workload to the JMH figure");
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"pending_series\""), "the JSON holds the pending series");
        assertEquals(plan.configs().size(), json.split("\"workload\": ").length - 1, "one JSON result per configuration");
    }

    @Test
    void vthreadsBurstPrintsTheTargetFiguresAndChartsPendingGuardsAndHeapPerScheme(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("report");
        Run r = run("bench", "--workloads", "vthreads", "--schemes", "ebr,hp", "--threads", "1", "--tasks", "3000",
                "--runs", "2", "--warmup", "0", "--out", out.toString());
        assertEquals(0, r.exit(), () -> "stdout:\n" + r.out() + "\nstderr:\n" + r.err());
        assertTrue(r.out().contains("freed %"), "the console prints the burst figures: " + r.out());
        long burstLines = r.out().lines().filter(l -> l.matches("vthreads +(ebr|hp) +1 +3,000 .*")).count();
        assertEquals(4, burstLines, "one burst line per measured burst (2 schemes x 2 runs): " + r.out());
        for (String png : List.of("pending-vthreads.png", "guards-vthreads.png", "heap-vthreads.png")) {
            assertArrayEquals(PNG_MAGIC, Arrays.copyOf(Files.readAllBytes(out.resolve(png)), 4), png);
        }
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(csv.getFirst().split(","));
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertEquals("3000", f[header.indexOf("tasks")], line);
            String freed = f[header.indexOf("freed_running_pct")]; // empty when nothing was retired before the tail
            assertTrue(freed.isEmpty() || Double.parseDouble(freed) >= 0 && Double.parseDouble(freed) <= 100, line);
            assertTrue(Long.parseLong(f[header.indexOf("peak_open_guards")]) > 0, line);
            assertTrue(Long.parseLong(f[header.indexOf("peak_pending")]) <= 3000, line);
        }
        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"retired_before_tail\"") && json.contains("\"open_guards\""), json);
    }

    @Test
    void burstWorkloadsTakeTheirTaskCountAndHaveNoStalledVariant() {
        BenchCommand.Plan plan = plan("bench", "--workloads", "vthreads,treiber", "--tasks", "50000", "--stall");
        assertTrue(plan.configs().stream().filter(c -> c.workload().equals("vthreads"))
                .allMatch(c -> c.tasks() == 50_000 && !c.stall()));
        assertTrue(plan.configs().stream().filter(c -> c.workload().equals("treiber"))
                .allMatch(c -> c.tasks() == 0 && c.stall()));
        assertEquals(10_000, plan("bench", "--quick", "--workloads", "vthreads").configs().getFirst().tasks());
        assertEquals(1, BurstRun.tailOf(5));
        assertEquals(2_000, BurstRun.tailOf(20_000));
        assertEquals(10_000, BurstRun.tailOf(1_000_000));
    }

    @Test
    void defaultSuiteHasThreeRunsEveryPairingAndTheStallComparison() {
        BenchCommand.Plan plan = plan("bench");
        assertTrue(plan.configs().stream().allMatch(c -> c.runs() >= 3 && c.durationMs() == 1000));
        for (Workload w : Workloads.ALL) {
            for (String s : Workloads.schemesOf(w)) {
                for (int t : List.of(1, 2, 4)) {
                    int tasks = w instanceof BurstWorkload b ? b.defaultTasks(false) : 0;
                    assertTrue(plan.configs().contains(new Config(w.id(), s, t, false,
                            w.defaultKeyRange(), w.defaultUpdateRatio(), 1000, 1000, 3, false, 42, tasks)),
                            w.id() + " " + s + " " + t);
                }
            }
        }
        List<Config> stalled = plan.configs().stream().filter(Config::stall).toList();
        assertEquals(Workloads.schemeIds().size(), stalled.size(), "one stalled birdcage run per scheme: " + stalled);
        assertTrue(stalled.stream().allMatch(c -> c.workload().equals("birdcage")
                && c.threads() == plan.stallThreads() && Workloads.isScheme(c.scheme())));
    }

    @Test
    void baselinesRunOnlyWithTheirWorkloadAndStallFlipsTheComparison() {
        BenchCommand.Plan plan = plan("bench", "--schemes", "ebr,jdk-clq-deque", "--threads", "2", "--stall",
                "--key-range", "10", "--update-ratio", "0.1");
        assertTrue(plan.configs().stream().noneMatch(c -> c.scheme().equals("jdk-clq-deque")
                && !c.workload().equals("treiber")));
        assertTrue(plan.configs().stream().filter(c -> c.workload().equals("treiber"))
                .anyMatch(c -> c.scheme().equals("jdk-clq-deque")));
        assertTrue(plan.configs().stream().allMatch(c -> c.keyRange() == 10));
        assertTrue(plan.configs().stream().filter(c -> c.workload().equals("birdcage"))
                .allMatch(c -> c.updateRatio() == 0.1));
        assertTrue(plan.configs().stream().filter(c -> !c.workload().equals("birdcage") && c.tasks() == 0)
                .allMatch(Config::stall), "every timed workload gets the stalled reader (a burst has no stalled variant)");
        assertTrue(plan.configs().stream().anyMatch(c -> c.workload().equals("birdcage") && !c.stall()),
                "with --stall the comparison runs birdcage without the stalled reader");
    }

    @Test
    void badOptionsPrintUsageAndExitTwo() {
        List<List<String>> bad = List.of(
                List.of("bench", "--bogus"),
                List.of("bench", "--workloads", "nosuch"),
                List.of("bench", "--schemes", "nosuch"),
                List.of("bench", "--workloads", "alloc", "--schemes", "jdk-clq-deque"),
                List.of("bench", "--threads", "0"),
                List.of("bench", "--threads", "x"),
                List.of("bench", "--duration", "fast"),
                List.of("bench", "--runs", "0"),
                List.of("bench", "--update-ratio", "1.5"),
                List.of("bench", "--key-range", "0"),
                List.of("bench", "--tasks", "0"),
                List.of("bench", "--jvm-args", "Xmx1g"));
        for (List<String> args : bad) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.exit(), "exit code for " + args);
            assertTrue(r.err().contains("Usage: reclaim bench"), "usage for " + args + ": " + r.err());
            assertFalse(r.err().isBlank());
        }
    }

    @Test
    void durationsAcceptUnits() {
        BenchCommand b = new BenchCommand();
        assertEquals(250, b.parseDuration("--duration", "250ms", 1));
        assertEquals(1500, b.parseDuration("--duration", "1.5s", 1));
        assertEquals(2000, b.parseDuration("--duration", "2", 1));
        assertEquals(60_000, b.parseDuration("--duration", "1m", 1));
        assertEquals(7, b.parseDuration("--duration", null, 7));
    }

    @Test
    void reproduceCommandDropsTheSubcommandAndQuotes() {
        assertEquals("./reclaim bench --quick --out '/tmp/a b'",
                BenchCommand.reproduceCommand(List.of("bench", "--quick", "--out", "/tmp/a b")));
        assertEquals("./reclaim bench --threads 1,2", BenchCommand.reproduceCommand(List.of("--threads", "1,2")));
    }

    @Test
    void configRoundTripsThroughForkArguments() {
        Config c = new Config("vthreads", "ebr", 3, true, 17, 0.25, 10, 20, 4, true, 99, 12_345);
        assertEquals(c, Config.fromArgs(c.toArgs()));
    }

    @Test
    void medianOfOddAndEvenRunCounts() {
        assertEquals(2.0, Result.median(new double[] {3, 1, 2}));
        assertEquals(2.5, Result.median(new double[] {4, 1, 2, 3}));
        assertTrue(Double.isNaN(Result.median(new double[0])));
    }

    @Test
    void chartLabelsAreReadable() {
        assertEquals("90%", Charts.nines(1));
        assertEquals("99.9%", Charts.nines(3));
        assertEquals("1.5M", Charts.opsLabel(1_500_000));
        assertEquals("10 \u00b5s", Charts.nanosLabel(10_000));
        assertEquals("250 ns", Charts.nanosLabel(250));
    }
}
