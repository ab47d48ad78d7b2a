package dev.mtlscli.lease;

import dev.mtlscli.MtlsException;

/**
 * A renewal was refused: the lease expired and another holder took it (or it was removed), so
 * this holder must not change anything more.
 */
public final class LeaseLostException extends MtlsException {
    private static final long serialVersionUID = 1L;

    public LeaseLostException(String message) {
        super(message);
    }
}
