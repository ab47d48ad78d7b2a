package dev.mtlscli.rotator;

/**
 * Another rotation (a person's mtls-cli rotate, or another run) holds a service of the slice: the state machine retries the slice later; it is not a failure of the run.
 * The state machine matches this class by its simple and its full name, so neither may change.
 */
public final class LeaseBusy extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LeaseBusy(String message) {
        super(message);
    }

    public LeaseBusy(String message, Throwable cause) {
        super(message, cause);
    }
}
