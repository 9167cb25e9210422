package dev.reclaim.bench.soak;

import dev.reclaim.bench.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short soak passes and writes its CSV and plot; the leaking control (one raw block in N never freed) fails
 * the trend check on the allocator's live bytes and blocks, and closing reports the blocks left.
 */
class SoakCommandTest {

    private static String run(int[] exit, String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        exit[0] = cl.execute(args);
        return out.toString();
    }

    @Test
    void aShortSteadySoakIsFlatLosesNothingAndWritesCsvAndPlot(@TempDir Path dir) throws Exception {
        int[] exit = new int[1];
        String out = run(exit, "soak", "--minutes", "0.25", "--sample-seconds", "0.5", "--out", dir.toString());
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("soak: PASS: every series flat, nothing lost"), out);
        List<String> csv = Files.readAllLines(dir.resolve("soak.csv"));
        assertEquals(SoakRun.csvHeader(), csv.getFirst());
        assertTrue(csv.size() > 1 + TrendCheck.MIN_SAMPLES, csv.size() + " lines");
        assertEquals(SoakRun.SERIES.size() + 2, csv.get(1).split(",").length, csv.get(1));
        assertTrue(Files.size(dir.resolve("soak.png")) > 10_000, "the plot is missing or empty");
    }

    @Test
    void theLeakingControlFailsOnLiveBytesAndBlocks(@TempDir Path dir) {
        String before = System.getProperty(SoakCommand.LEAK_PROPERTY);
        System.setProperty(SoakCommand.LEAK_PROPERTY, "true");
        try {
            int[] exit = new int[1];
            String out = run(exit, "soak", "--minutes", "0.25", "--sample-seconds", "0.5", "--out", dir.toString());
            assertEquals(1, exit[0], out);
            assertTrue(out.contains("NEGATIVE CONTROL"), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("soak: live_kib:") && l.contains("TRENDS UPWARD")), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("soak: live_blocks:") && l.contains("TRENDS UPWARD")), out);
            assertTrue(out.contains("soak: FAIL: a series trends upward"), out);
            assertTrue(!out.contains("closing: 0 blocks left"), "closing must report the leaked blocks: " + out);
        } finally {
            if (before == null) {
                System.clearProperty(SoakCommand.LEAK_PROPERTY);
            } else {
                System.setProperty(SoakCommand.LEAK_PROPERTY, before);
            }
        }
    }

    @Test
    void lengthIsExactlyOneOfHoursOrMinutes() {
        int[] exit = new int[1];
        assertEquals(2, exitOf(exit, "soak"));
        assertEquals(2, exitOf(exit, "soak", "--hours", "1", "--minutes", "1"));
        assertEquals(2, exitOf(exit, "soak", "--minutes", "1", "--duty", "0"));
    }

    private static int exitOf(int[] exit, String... args) {
        run(exit, args);
        return exit[0];
    }

    @Test
    void leakPropertyParsing() {
        assertEquals(0, SoakCommand.leakEvery(null));
        assertEquals(0, SoakCommand.leakEvery("false"));
        assertEquals(SoakCommand.DEFAULT_LEAK_EVERY, SoakCommand.leakEvery("true"));
        assertEquals(100, SoakCommand.leakEvery("100"));
    }
}
