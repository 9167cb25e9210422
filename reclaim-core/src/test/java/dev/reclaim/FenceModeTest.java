package dev.reclaim;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fence mode is public and its fallback is never silent: each case runs a fresh JVM (the mode is decided
 * once per JVM) that prints {@link FenceMode#current()} and {@link FenceMode#status()}, and checks what it logged.
 */
class FenceModeTest {

    /** The child JVM's main: prints the mode and the status. */
    public static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) {
            System.out.println("mode=" + FenceMode.current());
            System.out.println("status=" + FenceMode.status());
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... jvmArgs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        Process p = new ProcessBuilder(cmd).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not end");
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static boolean linuxX64OrArm() {
        String arch = System.getProperty("os.arch");
        return System.getProperty("os.name").toLowerCase().startsWith("linux")
                && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"));
    }

    @Test
    void withoutNativeAccessTheFallbackIsLoggedOnceWithItsReason() throws Exception {
        Run r = run();
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("mode=SYMMETRIC"), r.out());
        if (linuxX64OrArm()) {
            assertTrue(r.out().contains("status=symmetric: native access is not enabled"), r.out());
            assertTrue(r.err().contains("WARNING: reclaim: asymmetric fences are unavailable (native access is not"
                    + " enabled; add --enable-native-access=ALL-UNNAMED)"), r.err());
        }
        assertTrue(r.err().contains("-Dreclaim.asymmetricFence=off"), r.err());
        assertEquals(1, r.err().split("asymmetric fences are unavailable", -1).length - 1, r.err());
    }

    @Test
    void askingForTheFallbackLogsNothing() throws Exception {
        Run r = run("-Dreclaim.asymmetricFence=off");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("mode=SYMMETRIC"), r.out());
        assertTrue(r.out().contains("status=symmetric: -Dreclaim.asymmetricFence=off"), r.out());
        assertFalse(r.err().contains("asymmetric fences are unavailable"), r.err());
    }

    @Test
    void withNativeAccessOnLinuxTheAsymmetricModeIsReportedAndNothingIsLogged() throws Exception {
        Run r = run("--enable-native-access=ALL-UNNAMED");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.err().contains("asymmetric fences are unavailable"), r.err());
        if (linuxX64OrArm()) {
            assertTrue(r.out().contains("mode=ASYMMETRIC"), r.out());
            assertEquals("asymmetric (membarrier)", r.out().lines().filter(l -> l.startsWith("status="))
                    .findFirst().orElseThrow().substring("status=".length()));
        }
    }

    @Test
    void thisJvmsModeMatchesTheInternalDecision() {
        assertEquals(dev.reclaim.internal.AsymmetricFence.inUse(), FenceMode.current() == FenceMode.ASYMMETRIC);
        assertTrue(FenceMode.status().startsWith(FenceMode.current() == FenceMode.ASYMMETRIC ? "asymmetric" : "symmetric"));
    }
}
