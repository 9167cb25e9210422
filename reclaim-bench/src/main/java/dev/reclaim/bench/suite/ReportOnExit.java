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
    private final Forker forker;
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
        this.forker = forker;
        this.hook = new Thread(() -> {
            forker.stop();
            write(partialReason());
        }, "reclaim-bench-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Writes the report, unless the hook already wrote it, and removes the hook. The report is partial when the
     * forker was stopped (whichever thread gets here first after a SIGTERM writes the same partial report).
     *
     * @return the complete report written, or null when the bench was terminated (the report is partial)
     * @throws IOException if the report cannot be written
     */
    Report finish() throws IOException {
        Report r;
        try {
            r = write(partialReason());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs (and finds the report written)
        }
        return forker.stopped() ? null : r;
    }

    /** Why the report is partial (the forker was stopped, and which fork it destroyed), or null. */
    private String partialReason() {
        if (!forker.stopped()) {
            return null;
        }
        Config killed = forker.killed();
        return "the bench was terminated" + (killed == null ? "" : " while " + killed.name()
                + " ran (its fork was destroyed)") + "; configurations that had not finished are missing";
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
            if (partial != null) {
                System.err.println("reclaim bench: terminated; partial report in " + r.directory());
            }
            return r;
        }
    }
}
