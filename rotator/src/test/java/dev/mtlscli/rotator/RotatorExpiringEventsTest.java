package dev.mtlscli.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeEventBridge;
import dev.mtlscli.layer.ReleaseEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumers the rotator may not move (another team's account, granted the layer) learn from
 * an EventBridge event each run that the version they pin expires soon, and which version to
 * move to.
 */
class RotatorExpiringEventsTest {
    private static final List<String> CONSUMERS = List.of("orders");

    @TempDir
    Path temp;

    @Test
    void aVersionWithinTheWindowIsAnnouncedAsExpiringWithTheNewestToMoveTo() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            String v1 = fixture.versions("service-1").get(0).layerVersionArn();
            X509Certificate certificate = fixture.clientCertificate("service-1");
            Instant tenDaysBefore = certificate.getNotAfter().toInstant().minus(Duration.ofDays(10));
            Clock late = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), tenDaysBefore));

            Rotator.SliceResult slice = fixture.rotator(List.of("service-1"), late)
                    .slice("run-1", new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null), null, () -> 600_000);

            assertEquals(0, slice.failures(), fixture.log.toString());
            String v2 = fixture.versions("service-1").get(1).layerVersionArn();
            List<FakeEventBridge.Event> expiring = fixture.aws.eventBridge().events().stream()
                    .filter(e -> ReleaseEvents.EXPIRING.equals(e.detailType())).toList();
            assertEquals(1, expiring.size(), "only version 1 expires within 14 days: " + expiring);
            FakeEventBridge.Event event = expiring.get(0);
            assertEquals(ReleaseEvents.SOURCE, event.source());
            assertEquals(List.of(v1), event.resources());
            JsonNode detail = RotatorFixture.JSON.readTree(event.detail());
            assertEquals("service-1", detail.get("service").asText());
            assertEquals(v1, detail.get("layerVersionArn").asText());
            assertEquals(v2, detail.get("newestLayerVersionArn").asText(), "the version to move to");
            assertEquals(certificate.getNotAfter().toInstant().toString(), detail.get("certificateNotAfter").asText());
            assertTrue(detail.get("daysLeft").asLong() <= 10, detail.toString());
            assertTrue(!detail.get("newestIsExpiring").asBoolean(), detail.toString());
        }
    }

    @Test
    void nothingIsAnnouncedOutsideTheWindow() {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            fixture.rotator(List.of("service-1"), fixture.atLifetime("service-1", 0.3))
                    .slice("run-1", new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null), null, () -> 600_000);

            assertTrue(fixture.aws.eventBridge().events().stream().noneMatch(e -> ReleaseEvents.EXPIRING.equals(e.detailType())),
                    fixture.aws.eventBridge().events().toString());
        }
    }

    @Test
    void theWindowComesFromTheEnvironmentAndNonsenseIsRefused() {
        assertEquals(Duration.ofDays(30), RotatorSettings.expiringDays("30"));
        assertEquals(RotatorSettings.DEFAULT_EXPIRING_WITHIN, RotatorSettings.expiringDays(null));
        for (String bad : List.of("0", "-3", "two weeks", "99999")) {
            dev.mtlscli.MtlsException refused = org.junit.jupiter.api.Assertions.assertThrows(dev.mtlscli.MtlsException.class,
                    () -> RotatorSettings.expiringDays(bad));
            assertTrue(refused.getMessage().startsWith("MTLS_EXPIRING_DAYS must be"), refused.getMessage());
        }
    }
}
