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
 * {@link ForkMain} as the main class, and the user's {@code --jvm-args} after the harness's own flags (so they
 * win where both set the same option).
 *
 * <p>A fork never outlives the bench: {@link #stop()} (called by the bench's shutdown hook) refuses new forks
 * and destroys the running one, and each fork watches this JVM and exits when it is gone
 * ({@link ForkMain}'s parent watch, for a bench killed without running its hooks).
 */
final class Forker {

    /** JVM flags of every fork (besides the class path and the sanitizer property). */
    static final List<String> FORK_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow", "-Djava.awt.headless=true");

    private final Path logs;
    private final Path raw;
    private final List<String> jvmArgs;
    private final Object lock = new Object();
    private Process running; // guarded by lock
    private Config runningConfig; // guarded by lock
    private boolean stopped; // guarded by lock
    private Config killed; // guarded by lock

    Forker(Path outDir, List<String> jvmArgs) throws IOException {
        this.logs = Files.createDirectories(outDir.resolve("logs"));
        this.raw = Files.createDirectories(outDir.resolve("raw"));
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    /**
     * Refuses every later fork and destroys the running one (and anything it started), waiting up to 5 s for
     * it to exit.
     *
     * @return the configuration whose fork was destroyed, or null when none was running
     */
    Config stop() {
        Process p;
        Config c;
        synchronized (lock) {
            stopped = true;
            p = running;
            c = runningConfig;
            killed = c;
        }
        if (p == null) {
            return null;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return c;
    }

    /**
     * The configuration whose fork {@link #stop()} destroyed.
     *
     * @return it, or null when none was running (or stop() was not called)
     */
    Config killed() {
        synchronized (lock) {
            return killed;
        }
    }

    /**
     * Whether {@link #stop()} was called.
     *
     * @return {@code true} once the bench is shutting down
     */
    boolean stopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static List<String> command(Config c, Path resultFile, List<String> jvmArgs) {
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
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ForkMain.class.getName());
        cmd.add(resultFile.toString());
        cmd.addAll(c.toArgs());
        cmd.add(ForkMain.PARENT_ARG + ProcessHandle.current().pid());
        return cmd;
    }

    /**
     * Runs one configuration in a fork and reads its result, with the load and steal time around the fork.
     *
     * @param c the configuration
     * @return its result (failed when the fork failed, timed out, or the bench was stopped)
     */
    Result run(Config c) {
        Conditions.Probe probe = Conditions.start();
        return runFork(c).withConditions(probe.finish());
    }

    private Result runFork(Config c) {
        Path resultFile = raw.resolve(c.name() + ".properties");
        Path log = logs.resolve(c.name() + ".log");
        long t0 = System.nanoTime();
        try {
            Files.deleteIfExists(resultFile);
            Process p;
            synchronized (lock) {
                if (stopped) {
                    return Result.failed(c, STOPPED, 0);
                }
                p = new ProcessBuilder(command(c, resultFile, jvmArgs)).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                running = p;
                runningConfig = c;
            }
            long budgetMs = c.tasks() > 0 ? 3L * (c.runs() + 1) * c.tasks() + 120_000 // 3 ms per task: hung, not slow
                    : 3 * (c.warmupMs() + c.runs() * c.durationMs()) + 120_000;
            boolean exited = p.waitFor(budgetMs, TimeUnit.MILLISECONDS);
            synchronized (lock) {
                running = null;
                runningConfig = null;
                if (stopped) {
                    return Result.failed(c, STOPPED, secs(t0));
                }
            }
            if (!exited) {
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

    /** The status of a configuration the bench was stopped before or during. */
    static final String STOPPED = "stopped: the bench was terminated before this configuration finished";

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
