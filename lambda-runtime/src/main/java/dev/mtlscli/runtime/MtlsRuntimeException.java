package dev.mtlscli.runtime;

/** A failure while setting up or using mTLS material; the message says what to fix and never holds a secret. */
public class MtlsRuntimeException extends RuntimeException {
    public MtlsRuntimeException(String message) {
        super(message);
    }

    public MtlsRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
