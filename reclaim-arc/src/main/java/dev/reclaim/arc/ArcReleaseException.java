package dev.reclaim.arc;

/**
 * Thrown by the call that released the last reference of an {@link Arc} when its {@link Releaser} threw. The
 * value counts as released all the same: the releaser never runs again and the count stays at zero.
 */
public final class ArcReleaseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and how to fix it
     * @param cause   what the releaser threw
     */
    public ArcReleaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
