package dev.reclaim.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest {

    @Test
    void missingCommandIsAUsageError() {
        assertEquals(2, Main.run());
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertEquals(2, Main.run("--bogus"));
        assertEquals(2, Main.run("demo", "birdcage", "--bogus"));
    }

    @Test
    void demoWithoutNameIsAUsageError() {
        assertEquals(2, Main.run("demo"));
    }

    @Test
    void birdcageDemoExitCodePropagates() {
        assertEquals(0, Main.run("demo", "birdcage", "--scheme", "leak", "--threads", "1", "--slots", "4",
                "--iterations", "1000"));
        assertEquals(2, Main.run("demo", "birdcage", "--scheme", "no-such-scheme"));
    }

    @Test
    void badJmhOptionIsAUsageError() {
        assertEquals(2, Main.run("jmh", "-f", "notanumber"));
    }

    @Test
    void jmhGetsModestDefaultsOnlyWhenNoOptionIsGiven() {
        assertArrayEquals(new String[] {"-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s"},
                Main.Jmh.jmhArgs(List.of()));
        assertArrayEquals(new String[] {"-f", "1", "-wi", "2", "-i", "3", "-w", "1s", "-r", "1s", "PinBench"},
                Main.Jmh.jmhArgs(List.of("PinBench")));
        assertArrayEquals(new String[] {"PinBench", "-f", "2"}, Main.Jmh.jmhArgs(List.of("PinBench", "-f", "2")));
    }

    @Test
    void jmhArgumentsReachJmhInOrder() {
        var cl = Main.commandLine();
        var parsed = cl.parseArgs("jmh", "PinBench", "-f", "1", "-wi", "1", "-p", "scheme=ebr");
        Main.Jmh jmh = (Main.Jmh) parsed.subcommand().commandSpec().userObject();
        assertEquals(List.of("PinBench", "-f", "1", "-wi", "1", "-p", "scheme=ebr"), jmh.args);
    }

    private static String[] runCapturing(int[] exit, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        exit[0] = cl.execute(args);
        return new String[]{out.toString(), err.toString()};
    }

    @Test
    void everyCommandPrintsTheBuildVersion() {
        String version = Version.project();
        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+.*"), "not filled in by the build: " + version);
        int[] exit = new int[1];
        for (String[] args : List.of(new String[]{"-V"}, new String[]{"bench", "-V"}, new String[]{"torture", "-V"},
                new String[]{"demo", "birdcage", "-V"})) {
            String[] io = runCapturing(exit, args);
            assertEquals(0, exit[0], String.join(" ", args) + ": " + io[1]);
            assertTrue(io[0].startsWith("reclaim " + version + "\n"), String.join(" ", args) + ": " + io[0]);
        }
    }

    @Test
    void jmhHelpShowsTheUsageInsteadOfFailing() {
        int[] exit = new int[1];
        String[] io = runCapturing(exit, "jmh", "--help");
        assertEquals(0, exit[0], io[1]);
        assertTrue(io[0].contains("Usage: reclaim jmh"), io[0]);
    }

    @Test
    void progressEstimatesFromTheMeanStepAndHonoursTheDeadline() {
        assertEquals("42s", Progress.duration(42_000_000_000L));
        assertEquals("3m07s", Progress.duration(187_000_000_000L));
        assertEquals("1h02m", Progress.duration(3_720_000_000_000L));
        assertTrue(new Progress(Long.MAX_VALUE).line(0, 10).endsWith("ETA ?"));
        assertTrue(new Progress(Long.MAX_VALUE).line(10, 10).endsWith("ETA 0s"));
        // a deadline already passed: nothing is left, whatever the mean says
        assertTrue(new Progress(System.nanoTime()).line(1, 1_000_000).endsWith("ETA 0s"));
    }
}
