package dev.mtlscli.runtime;

/**
 * A failure while setting up or using mTLS material: a missing or malformed layer manifest, a
 * password that cannot be fetched or does not open its store, a bad setting in the environment,
 * or a TLS handshake that failed. The message is one line that says what to fix; it never holds
 * a secret, so it is safe to log or to return in an error response. It is unchecked because a
 * function can rarely recover from it: thrown during init, it fails the function's start.
 */
public class MtlsRuntimeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure found by the runtime itself.
     *
     * @param message what went wrong and what to fix, on one line, without any secret
     */
    public MtlsRuntimeException(String message) {
        super(message);
    }

    /**
     * A failure of an underlying call (I/O, the JDK's TLS or key store code, SSM), explained.
     *
     * @param message what went wrong and what to fix, on one line, without any secret
     * @param cause   the failure as the underlying code reported it, kept for the stack trace
     */
    public MtlsRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
