package dev.mtlscli.rotation;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;

/**
 * When a scheduled rotation renews a certificate: at a fixed fraction of its lifetime (two thirds
 * by default, as cert-manager and ACME clients do, which leaves a third of the lifetime to notice
 * and fix a renewal that fails), brought forward by a jitter so that a fleet whose certificates
 * were all issued in one run does not renew in one minute and hit the Lambda quota at once.
 *
 * <p>The jitter comes from a hash of a seed (the service and the certificate's fingerprint), not
 * from a random draw: every run computes the same point for the same certificate, so a run killed
 * and re-run, or two ticks in a row, agree on whether renewal is due. It only brings the point
 * forward, never past the fraction.
 *
 * @param fraction       of the lifetime after which the certificate is renewed, in (0, 1)
 * @param jitterFraction of the lifetime by which the point may come earlier, in [0, fraction)
 */
public record RenewalPolicy(double fraction, double jitterFraction) {
    public static final RenewalPolicy DEFAULT = new RenewalPolicy(2.0 / 3.0, 0.05);

    public RenewalPolicy {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("the renewal point must be a fraction of the lifetime between 0 and 1, not " + fraction);
        }
        if (!(jitterFraction >= 0 && jitterFraction < fraction)) {
            throw new IllegalArgumentException("the jitter must be 0 or more and less than the renewal point, not " + jitterFraction);
        }
    }

    /** The instant from which the certificate valid from {@code notBefore} to {@code notAfter} is due. */
    public Instant renewAt(Instant notBefore, Instant notAfter, String seed) {
        if (!notAfter.isAfter(notBefore)) {
            return notBefore;
        }
        long lifetimeSeconds = Duration.between(notBefore, notAfter).toSeconds();
        double earlier = jitterFraction * unitInterval(seed);
        return notBefore.plusSeconds((long) Math.floor(lifetimeSeconds * (fraction - earlier)));
    }

    public boolean due(Instant notBefore, Instant notAfter, String seed, Instant now) {
        return !now.isBefore(renewAt(notBefore, notAfter, seed));
    }

    /** A number in [0, 1) spread evenly over seeds. */
    static double unitInterval(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(digest).getLong() >>> 11; // 53 bits, the precision of a double
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
