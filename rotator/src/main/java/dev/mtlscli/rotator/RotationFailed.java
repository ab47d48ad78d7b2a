package dev.mtlscli.rotator;

/**
 * The run's report found targets that failed: the execution fails, so the failed-run alarm fires. The message names them; it never carries a secret.
 * The state machine matches this class by its simple and its full name, so neither may change.
 */
public final class RotationFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RotationFailed(String message) {
        super(message);
    }

    public RotationFailed(String message, Throwable cause) {
        super(message, cause);
    }
}
