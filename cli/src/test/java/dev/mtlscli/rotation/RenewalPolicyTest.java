package dev.mtlscli.rotation;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenewalPolicyTest {
    private static final Instant ISSUED = Instant.parse("2026-09-01T00:00:00Z");
    private static final Instant EXPIRES = ISSUED.plus(Duration.ofDays(90));

    @Test
    void withoutJitterTheCertificateIsDueAtTwoThirdsOfItsLifetime() {
        RenewalPolicy policy = new RenewalPolicy(2.0 / 3.0, 0);

        assertEquals(ISSUED.plus(Duration.ofDays(60)), policy.renewAt(ISSUED, EXPIRES, "service-1"));
        assertFalse(policy.due(ISSUED, EXPIRES, "service-1", ISSUED.plus(Duration.ofDays(60)).minusSeconds(1)));
        assertTrue(policy.due(ISSUED, EXPIRES, "service-1", ISSUED.plus(Duration.ofDays(60))));
    }

    @Test
    void theJitterOnlyBringsThePointForwardAndSpreadsAFleet() {
        RenewalPolicy policy = RenewalPolicy.DEFAULT;
        Instant latest = ISSUED.plus(Duration.ofDays(60));
        Instant earliest = ISSUED.plus(Duration.ofSeconds((long) (Duration.ofDays(90).toSeconds() * (2.0 / 3.0 - 0.05))));
        Set<Long> hours = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            Instant at = policy.renewAt(ISSUED, EXPIRES, "service-" + i + "/fingerprint");
            assertFalse(at.isAfter(latest), at + " is after two thirds");
            assertFalse(at.isBefore(earliest.minusSeconds(1)), at + " is earlier than the jitter allows");
            hours.add(Duration.between(ISSUED, at).toHours());
        }
        // 5% of 90 days is 108 hours; 1,000 certificates issued together must not renew in a few of them
        assertTrue(hours.size() > 90, "renewals fall in only " + hours.size() + " distinct hours");
    }

    @Test
    void theSameCertificateGetsTheSamePointOnEveryRun() {
        RenewalPolicy policy = RenewalPolicy.DEFAULT;

        assertEquals(policy.renewAt(ISSUED, EXPIRES, "service-1/ab12"), policy.renewAt(ISSUED, EXPIRES, "service-1/ab12"));
    }

    @Test
    void aCertificateWithoutLifetimeIsDueAtOnce() {
        assertTrue(RenewalPolicy.DEFAULT.due(ISSUED, ISSUED, "s", ISSUED));
        assertTrue(RenewalPolicy.DEFAULT.due(EXPIRES, ISSUED, "s", EXPIRES));
    }

    @Test
    void nonsensicalFractionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(Double.NaN, 0));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(0.5, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new RenewalPolicy(0.5, -0.1));
    }
}
