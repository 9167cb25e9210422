package dev.reclaim.epoch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The global reclaimer's shutdown hook runs every pending deleter at JVM exit (checked in a child JVM). */
class GlobalExitTest {

    /** Child JVM: retires into the global reclaimer and exits without synchronize(). */
    public static void main(String[] args) {
        for (int i = 1; i <= 3; i++) {
            long p = i;
            EpochReclaimer.global().retire(p, ptr -> System.out.println("deleted " + ptr));
        }
        System.out.println("exiting");
    }

    private static String runChild(String... jvmOptions) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(jvmOptions));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(GlobalExitTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void shutdownHookRunsEveryPendingDeleterAtExit() throws Exception {
        String out = runChild();
        assertTrue(out.contains("exiting"), out);
        for (int i = 1; i <= 3; i++) {
            assertTrue(out.contains("deleted " + i), out);
        }
        assertTrue(out.indexOf("exiting") < out.indexOf("deleted"), "deleters ran at exit: " + out);
    }

    @Test
    void shutdownHookCanBeDisabled() throws Exception {
        String out = runChild("-Dreclaim.epoch.global.shutdownHook=false");
        assertTrue(out.contains("exiting"), out);
        assertFalse(out.contains("deleted"), out);
    }
}
