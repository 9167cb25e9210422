package dev.reclaim.bench.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;

/**
 * Writes the bench report exactly once: at the end of the suite, or, when the bench JVM is terminated first
 * (SIGTERM, SIGINT, {@code Process.destroy()}), from a shutdown hook that first stops the {@link Forker} (no new
 * fork, the running one destroyed) and then writes a report of what finished, marked partial.
 *
 * <p>The hook and {@link #finish()} write under one lock, so a SIGTERM that arrives while the complete report is
 * being written waits for it instead of truncating it.
 */
final class ReportOnExit {

    private final Function<String, Report> report;
    private final Object lock = new Object();
    private final Thread hook;
    private boolean written; // guarded by lock

    /**
     * Installs the shutdown hook.
     *
     * @param forker the forker to stop when the JVM shuts down early
     * @param report makes the report of the results so far: the argument is null for the complete report, else
     *               the sentence saying why it is partial
     */
    ReportOnExit(Forker forker, Function<String, Report> report) {
        this.report = report;
        this.hook = new Thread(() -> {
            Config killed = forker.stop();
            Report r = write("the bench was terminated" + (killed == null ? "" : " while " + killed.name()
                    + " ran (its fork was destroyed)") + "; configurations that had not finished are missing");
            if (r != null) {
                System.err.println("reclaim bench: terminated; partial report in " + r.directory());
            }
        }, "reclaim-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Writes the complete report, unless the hook already wrote a partial one, and removes the hook.
     *
     * @return the report written, or null when the bench is shutting down and the hook wrote the partial one
     * @throws IOException if the report cannot be written
     */
    Report finish() throws IOException {
        Report r;
        try {
            r = write(null);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (and finds the report written)
        }
        return r;
    }

    private Report write(String partial) {
        synchronized (lock) {
            if (written) {
                return null;
            }
            written = true;
            Report r = report.apply(partial);
            try {
                r.writeAll();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return r;
        }
    }
}
