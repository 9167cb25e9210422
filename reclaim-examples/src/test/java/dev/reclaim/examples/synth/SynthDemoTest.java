package dev.reclaim.examples.synth;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SynthDemoTest {

    private record Run(int exitCode, String out, String err, List<Synth.Result> results) {
    }

    private static Run run(String... args) {
        SynthDemo demo = new SynthDemo();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(demo).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString(), demo.results());
    }

    @Test
    void allThreeModelsRunWithoutCallbackAllocationAndDestroyEveryTable() {
        Run r = run("--callbacks", "15000", "--warmup", "5000", "--period-us", "10", "--table", "1024");
        assertEquals(0, r.exitCode(), () -> "out:\n" + r.out() + "\nerr:\n" + r.err());
        Matcher m = Pattern.compile("(?m)^callback thread allocated: (\\d+) B$").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals("0", m.group(1));
        assertEquals(3, r.results().size());
        for (Synth.Result res : r.results()) {
            assertNull(res.failure());
            assertEquals(10_000, res.callbacks());
            assertEquals(10_000, res.durations().getTotalCount(), "one duration per measured callback");
            assertEquals(2 * (res.tablesSent() + 1), res.tablesDestroyed(), res.model() + " destroyed every table");
            assertEquals(0, res.destroyedOffThread(), res.model() + " destroyed off the collector thread");
            assertEquals(0, res.allocatorLiveBlocks());
            assertTrue(res.tablesSent() > 0, "the UI thread sent tables");
        }
        assertTrue(r.out().contains("p99.9 ns"), r.out());
        for (String model : List.of("collector", "direct", "tracking")) {
            assertTrue(r.out().contains("\n" + model + " "), r.out());
        }
    }

    @Test
    void unknownModelIsAUsageErrorNamingTheValidOnes() {
        Run r = run("--scheme", "ebr", "--callbacks", "100");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("collector, direct, tracking, all"), r.err());
    }

    @Test
    void tooFewCallbacksIsAUsageError() {
        assertEquals(2, run("--callbacks", "0").exitCode());
    }
}
