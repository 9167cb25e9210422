package dev.reclaim.examples.birdcage;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BirdCageDemoTest {

    /** The demo's exit code, its output, and its report. */
    private record Run(int exitCode, String out, String err, BirdCageDemo.Report report) {
    }

    private static Run run(String... args) {
        BirdCageDemo demo = new BirdCageDemo();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(demo).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString(), demo.report());
    }

    private static void assertEveryCanaryFreed(Run r) {
        assertEquals(0, r.exitCode(), () -> "exit code; out:\n" + r.out() + "\nerr:\n" + r.err());
        BirdCageDemo.Report rep = r.report();
        assertNotNull(rep);
        assertNull(rep.failure());
        assertEquals(0, rep.deadReads(), "dead canary reads");
        // 8 initial canaries + one per replace
        assertEquals(8 + 2 * 20_000L, rep.allocatedAfterClose(), "canaries allocated");
        assertEquals(rep.allocatedAfterClose(), rep.freedAfterClose(), "every canary freed after close");
        assertEquals(0, rep.liveBlocksAfterClose(), "allocator live blocks after close");
        assertEquals(2 * 2 * 20_000L, rep.operations());
        assertTrue(r.out().contains("ops/s"), r.out());
    }

    @Test
    void ebrFastModeFreesEveryCanaryAndNoReaderSeesADeadOne() {
        assertEveryCanaryFreed(run("--scheme", "ebr", "--threads", "2", "--slots", "8", "--iterations", "20000"));
    }

    @Test
    void ebrSanitizerModeFreesEveryCanaryAndNoReaderSeesADeadOne() {
        assertEveryCanaryFreed(run("--scheme", "ebr", "--threads", "2", "--slots", "8", "--iterations", "20000",
                "--sanitize"));
    }

    @Test
    void leakSchemeNeverFreesCanariesButExitsZero() {
        Run r = run("--scheme", "leak", "--threads", "2", "--slots", "8", "--iterations", "20000");
        assertEquals(0, r.exitCode(), () -> "exit code; out:\n" + r.out() + "\nerr:\n" + r.err());
        assertEquals(0, r.report().deadReads());
        assertEquals(0, r.report().freedAfterClose(), "the leak scheme frees nothing");
        assertTrue(r.out().contains("never frees canaries by design"), r.out());
    }

    @Test
    void unknownSchemeIsAUsageErrorNamingTheValidIds() {
        Run r = run("--scheme", "nope", "--iterations", "10");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("valid ids"), r.err());
    }

    @Test
    void nonPositiveThreadCountIsAUsageError() {
        assertEquals(2, run("--threads", "0", "--iterations", "10").exitCode());
    }

    @Test
    void helpListsEverySchemeTheDemoTakes() {
        Run r = run("--help");
        assertEquals(0, r.exitCode());
        for (dev.reclaim.Scheme s : dev.reclaim.Scheme.values()) {
            assertTrue(r.out().contains(s.id()), s.id() + " missing from the help:\n" + r.out());
        }
    }
}
