package dev.mtlscli.rotator;

/**
 * AWS throttled a call past the SDK's retries: the state machine retries the slice with backoff.
 * The state machine matches this class by its simple and its full name, so neither may change.
 */
public final class Throttled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public Throttled(String message) {
        super(message);
    }

    public Throttled(String message, Throwable cause) {
        super(message, cause);
    }
}
