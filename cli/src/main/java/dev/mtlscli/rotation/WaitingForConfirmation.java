package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;

/**
 * A rotation that must not go on until a person confirms something outside our reach (the
 * backend deployed the two-CA bundle). Not a failure: the command exits 3, needs attention.
 */
public final class WaitingForConfirmation extends MtlsException {
    private static final long serialVersionUID = 1L;

    public WaitingForConfirmation(String message) {
        super(message);
    }
}
