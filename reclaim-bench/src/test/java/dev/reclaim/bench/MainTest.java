package dev.reclaim.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
