package dev.reclaim;

/**
 * Receives the failures a reclaimer cannot throw to anybody: deleters that threw, and guards abandoned while
 * open (their thread died or the guard became unreachable without being closed).
 *
 * <h2>One call per batch</h2>
 * A reclaimer frees its garbage in batches, handing each run of pointers with the same deleter to
 * {@link Deleter#deleteAll(long[], int, int)} at once. When deletions of a batch throw, the handler is called
 * <em>once for the batch</em>: {@code error} is the first exception, the later ones are attached to it as
 * {@linkplain Throwable#getSuppressed() suppressed} exceptions, and {@code what} names the deleter, the
 * pointer range and how many failed. {@link ReclaimerStats#failures()} counts every failure, suppressed ones
 * included. An abandoned guard is one call with a null {@code error}.
 *
 * <p>Threads: the handler runs on whichever thread reclaims (one closing a guard, flushing, synchronizing or
 * closing the reclaimer), possibly on several threads at once; it must be thread-safe and should be quick.
 *
 * <p>The default handler ({@link #LOG}) writes a warning through {@link System.Logger}. A handler must not
 * throw; if it does, the exception is ignored so that reclamation goes on.
 */
@FunctionalInterface
public interface FailureHandler {

    /** The default: logs a warning with the reclaimer's name and the exception through {@link System.Logger}. */
    FailureHandler LOG = (reclaimer, what, error) -> System.getLogger("dev.reclaim")
            .log(System.Logger.Level.WARNING, "reclaimer '" + reclaimer + "': " + what, error);

    /**
     * Reports the failures of one batch, or one abandoned guard.
     *
     * @param reclaimerName the name of the reclaimer
     * @param what          a sentence saying what failed (which deleter, which pointers, how many failures)
     * @param error         the first exception of the batch, with the batch's later ones as suppressed
     *                      exceptions; null for an abandoned guard
     */
    void failed(String reclaimerName, String what, Throwable error);
}
