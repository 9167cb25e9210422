package dev.reclaim;

/**
 * Receives the failures a reclaimer cannot throw to anybody: deleters that threw, and guards abandoned while
 * open (their thread died or the guard became unreachable without being closed).
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
     * Reports one failure.
     *
     * @param reclaimerName the name of the reclaimer
     * @param what          a sentence saying what failed (e.g. which deleter, for which pointer)
     * @param error         the exception, or null when there is none (an abandoned guard)
     */
    void failed(String reclaimerName, String what, Throwable error);
}
