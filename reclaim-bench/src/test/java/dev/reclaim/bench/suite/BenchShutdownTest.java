package dev.reclaim.bench.suite;

import dev.reclaim.bench.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bench process and its forks as the operating system sees them: a real {@code reclaim bench} JVM, stopped
 * with SIGTERM or SIGKILL while a fork runs.
 */
class BenchShutdownTest {

    /** Starts {@code reclaim bench} in its own JVM: treiber with leak then ebr, 1 thread, one 20-second run each. */
    private static Process startBench(Path out) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Forker.javaBinary());
        cmd.addAll(Forker.FORK_FLAGS);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench",
                "--workloads", "treiber", "--schemes", "leak,ebr", "--threads", "1", "--runs", "1", "--warmup", "0",
                "--duration", "20s", "--out", out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.resolveSibling("bench.log").toFile())
                .start();
    }

    /** Waits until {@code bench} runs a fork for {@code config} (its log exists) and returns the fork. */
    private static ProcessHandle awaitFork(Process bench, Path out, String config) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(bench.isAlive(), "the bench exited early");
            Optional<ProcessHandle> fork = bench.toHandle().children().findFirst();
            if (fork.isPresent() && Files.exists(out.resolve("logs").resolve(config + ".log"))) {
                return fork.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no fork for " + config + " within 120 s");
    }

    @Test
    void sigtermDestroysTheRunningForkAndWritesAPartialReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        Process bench = startBench(out);
        try {
            ProcessHandle first = awaitFork(bench, out, "treiber-leak-t1");
            first.onExit().get(120, TimeUnit.SECONDS); // the first configuration finishes
            ProcessHandle fork = awaitFork(bench, out, "treiber-ebr-t1");
            Thread.sleep(500);
            bench.destroy(); // SIGTERM
            assertTrue(bench.waitFor(60, TimeUnit.SECONDS), "the bench exits on SIGTERM");
            fork.onExit().get(30, TimeUnit.SECONDS);
            assertFalse(fork.isAlive(), "the fork died with the bench");
            String html = Files.readString(out.resolve("index.html"));
            assertTrue(html.contains("<div class=\"banner partial\" id=\"partial\"><b>Partial report:</b> the bench was"
                    + " terminated while treiber-ebr-t1 ran (its fork was destroyed)"), html);
            assertTrue(html.contains("1 of 2 configurations finished"), html);
            List<List<String>> rows = BenchReportTest.tableRows(html);
            assertEquals(1, rows.size(), "the finished configuration is in the table");
            assertEquals(List.of("treiber", "leak"), rows.getFirst().subList(0, 2));
            assertTrue(Files.readString(out.resolve("results.json")).contains("\"partial\": \"the bench was terminated"));
            assertEquals(2, Files.readAllLines(out.resolve("results.csv")).size(), "header and the finished row");
            assertTrue(Files.readString(out.resolveSibling("bench.log")).contains("reclaim bench: terminated; partial"
                    + " report in " + out), "the console says where the partial report is");
        } finally {
            bench.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            bench.destroyForcibly();
        }
    }

    @Test
    void aForkWhoseBenchIsKilledWithoutItsHooksStopsByItself(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        Process bench = startBench(out);
        ProcessHandle fork = null;
        try {
            fork = awaitFork(bench, out, "treiber-leak-t1");
            Thread.sleep(500);
            bench.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(bench.waitFor(30, TimeUnit.SECONDS));
            fork.onExit().get(15, TimeUnit.SECONDS); // well before the 20-second run would end
            assertFalse(fork.isAlive(), "the orphaned fork stopped");
            String log = Files.readString(out.resolve("logs").resolve("treiber-leak-t1.log"));
            assertTrue(log.contains("is gone; this fork stops"), log);
        } finally {
            if (fork != null) {
                fork.destroyForcibly();
            }
            bench.destroyForcibly();
        }
    }
}
