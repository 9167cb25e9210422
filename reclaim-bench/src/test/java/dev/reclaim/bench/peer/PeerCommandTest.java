package dev.reclaim.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reclaim.bench.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code reclaim peer}: every workload and implementation completes with a correct checksum (or, for pin, with
 * every pin open inside its loop); bad options. */
class PeerCommandTest {

    private static String run(int expectedExit, String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(expectedExit, cl.execute(args), "exit code; stderr: " + err);
        return out + "" + err;
    }

    @ParameterizedTest
    @CsvSource({"treiber,heap,default", "treiber,ebr,default", "treiber,hp,none", "treiber,robust,4:64+count",
            "msqueue,heap,default", "msqueue,ebr,standard", "msqueue,hp,default", "pin,ebr,default",
            "pin,floor,default"})
    void everyWorkloadAndImplementationConservesTheValues(String workload, String impl, String backoff) {
        String out = run(0, "peer", workload, "--impl", impl, "--threads", "2", "--ops", "40000", "--rounds", "1",
                "--backoff", backoff);
        assertTrue(out.contains("RESULT " + workload + " " + impl + " 2 "), out);
    }

    /** Batches of pairs under one guard per thread: the guard-taking operations conserve the values too. */
    @ParameterizedTest
    @CsvSource({"treiber,ebr", "treiber,hp", "treiber,robust", "msqueue,ebr", "msqueue,hp", "treiber,heap"})
    void batchesUnderOneGuardConserveTheValues(String workload, String impl) {
        String out = run(0, "peer", workload, "--impl", impl, "--threads", "2", "--ops", "40000", "--rounds", "1",
                "--guard-every", "16");
        assertTrue(out.contains("RESULT " + workload + " " + impl + " 2 "), out);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertTrue(run(2, "peer", "treiber", "--guard-every", "0").contains("--guard-every >= 1"));
        assertTrue(run(2, "peer", "nosuchworkload").contains("treiber or msqueue"));
        assertTrue(run(2, "peer", "treiber", "--backoff", "fast").contains("MIN:MAX"));
        assertTrue(run(2, "peer", "treiber", "--threads", "0").contains("--threads >= 1"));
    }
}
