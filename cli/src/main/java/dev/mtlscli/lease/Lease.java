package dev.mtlscli.lease;

import java.time.Instant;

/**
 * A lease as the table holds it: who holds it, the fencing token of that acquisition (one more
 * than the acquisition before it, for the life of the table), since when, and until when unless
 * renewed.
 */
public record Lease(String scope, String holder, long token, Instant since, Instant expires) {
    /** Whether it still stands at {@code now}: a lease is free once its expiry has passed. */
    public boolean heldAt(Instant now) {
        return holder != null && !now.isAfter(expires);
    }
}
