package dev.mtlscli.lease;

import dev.mtlscli.MtlsException;

/** The lease of a scope is held by someone else: who, since when, and when it expires unless renewed. */
public final class LeaseHeldException extends MtlsException {
    private static final long serialVersionUID = 1L;

    private final transient Lease lease;

    public LeaseHeldException(String table, Lease lease) {
        super("the rotation of " + lease.scope() + " is leased to " + lease.holder() + " since " + lease.since()
                + " (the lease in DynamoDB table " + table + " expires " + lease.expires() + " unless renewed); "
                + "run again once it is released or expired");
        this.lease = lease;
    }

    public Lease lease() {
        return lease;
    }
}
