package dev.mtlscli;

/**
 * A failure the user can act on. Its message is printed as the one line on stderr,
 * so it must name the input that is wrong and never contain a secret.
 */
public class MtlsException extends RuntimeException {
    public MtlsException(String message) {
        super(message);
    }

    public MtlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
