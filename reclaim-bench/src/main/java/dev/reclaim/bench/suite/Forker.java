package dev.reclaim.bench.suite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs each {@link Config} in its own JVM: the same {@code java} binary and class path as this one, with
 * {@link ForkMain} as the main class.
 */
final class Forker {

    /** JVM flags of every fork (besides the class path and the sanitizer property). */
    static final List<String> FORK_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Djava.awt.headless=true");

    private final Path logs;
    private final Path raw;

    Forker(Path outDir) throws IOException {
        this.logs = Files.createDirectories(outDir.resolve("logs"));
        this.raw = Files.createDirectories(outDir.resolve("raw"));
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static List<String> command(Config c, Path resultFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(FORK_FLAGS);
        if (c.sanitize()) {
            cmd.add("-Dreclaim.sanitize=true");
        }
        String fence = System.getProperty("reclaim.asymmetricFence");
        if (fence != null) {
            cmd.add("-Dreclaim.asymmetricFence=" + fence); // RECLAIM_JAVA_OPTS=-Dreclaim.asymmetricFence=off compares modes
        }
        if (c.tasks() > 0) {
            // a burst's threads are the carriers of the virtual-thread scheduler
            cmd.add("-Djdk.virtualThreadScheduler.parallelism=" + c.threads());
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ForkMain.class.getName());
        cmd.add(resultFile.toString());
        cmd.addAll(c.toArgs());
        return cmd;
    }

    Result run(Config c) {
        Path resultFile = raw.resolve(c.name() + ".properties");
        Path log = logs.resolve(c.name() + ".log");
        long t0 = System.nanoTime();
        try {
            Files.deleteIfExists(resultFile);
            Process p = new ProcessBuilder(command(c, resultFile)).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            long budgetMs = c.tasks() > 0 ? 3L * (c.runs() + 1) * c.tasks() + 120_000 // 3 ms per task: hung, not slow
                    : 3 * (c.warmupMs() + c.runs() * c.durationMs()) + 120_000;
            if (!p.waitFor(budgetMs, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor();
                return Result.failed(c, "error: fork timed out after " + budgetMs + " ms (log: " + log + ")",
                        secs(t0));
            }
            if (!Files.exists(resultFile)) {
                return Result.failed(c, "error: fork exited with " + p.exitValue() + " without a result (log: "
                        + log + ")", secs(t0));
            }
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(resultFile)) {
                props.load(in);
            }
            return Result.from(c, props, secs(t0));
        } catch (IOException e) {
            return Result.failed(c, "error: could not run the fork: " + e, secs(t0));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed(c, "error: interrupted", secs(t0));
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
