package dev.mtlscli.telemetry;

import dev.mtlscli.rotation.FunctionLayers;
import dev.mtlscli.rotation.InventoryLayer;
import dev.mtlscli.rotation.InventoryState;
import dev.mtlscli.rotation.InventoryVersion;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceHealthTest {
    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    @Test
    void reportsTheNewestVersionAndTheOldestPinnedOne() {
        InventoryLayer layer = layer(
                version(3, NOW.plus(Duration.ofDays(80)).plusSeconds(60), List.of()),
                version(2, NOW.plus(Duration.ofDays(9)).plusSeconds(60), List.of("fn-a")),
                version(1, NOW.plus(Duration.ofDays(3)).plusSeconds(60), List.of()));

        ServiceHealth health = ServiceHealth.of("service-1", layer, NOW);

        assertEquals(80, health.daysToExpiry());
        assertEquals(9, health.pinnedDaysToExpiry(), "version 1 expires sooner but nobody pins it");
    }

    @Test
    void anExpiredPinnedCertificateIsNegativeNeverZeroOrMore() {
        InventoryLayer layer = layer(
                version(2, NOW.plus(Duration.ofDays(80)), List.of("fn-a")),
                version(1, NOW.minusSeconds(60), List.of("fn-b")));

        ServiceHealth health = ServiceHealth.of("service-1", layer, NOW);

        assertTrue(health.pinnedDaysToExpiry() < 0, "expired a minute ago: " + health.pinnedDaysToExpiry());
        assertTrue(health.pinnedDaysToExpiry() < ServiceHealth.UNREADABLE);
    }

    @Test
    void aCertificateThatCannotBeReadIsReportedAsBadAsOneExpiringNow() {
        InventoryVersion unreadable = new InventoryVersion("mtls-service-1", 2, arn(2), "2026-12-01", false, List.of(),
                "the manifest does not parse", null, null, List.of(), InventoryState.UNREADABLE, List.of());
        InventoryVersion deletedButPinned = new InventoryVersion("mtls-service-1", 1, arn(1), null, true, List.of(),
                "the version is deleted", null, null, List.of(), InventoryState.UNREADABLE, List.of(function("fn-a", 1)));

        ServiceHealth health = ServiceHealth.of("service-1", layer(unreadable, deletedButPinned), NOW);

        assertEquals(ServiceHealth.UNREADABLE, health.daysToExpiry());
        assertEquals(ServiceHealth.UNREADABLE, health.pinnedDaysToExpiry());
    }

    @Test
    void aManifestOfAnotherServiceDoesNotSpeakForThisOne() {
        InventoryLayer layer = layer(version(1, NOW.plus(Duration.ofDays(80)), List.of("fn-a")));

        ServiceHealth health = ServiceHealth.of("service-2", layer, NOW);

        assertEquals(ServiceHealth.UNREADABLE, health.daysToExpiry());
        assertEquals(ServiceHealth.UNREADABLE, health.pinnedDaysToExpiry());
    }

    @Test
    void noConsumersPinsNothingSoThePinnedFigureIsTheNewestOne() {
        ServiceHealth health = ServiceHealth.of("service-1", layer(version(1, NOW.plus(Duration.ofDays(40)).plusSeconds(1), List.of())), NOW);

        assertEquals(40, health.pinnedDaysToExpiry());
        assertEquals(health.daysToExpiry(), health.pinnedDaysToExpiry());
    }

    @Test
    void aLayerThatWasNotFoundIsUnreadable() {
        ServiceHealth health = ServiceHealth.of("service-1", null, NOW);

        assertEquals(ServiceHealth.UNREADABLE, health.daysToExpiry());
        assertEquals(ServiceHealth.UNREADABLE, health.pinnedDaysToExpiry());
    }

    private static InventoryLayer layer(InventoryVersion... versions) {
        return new InventoryLayer("mtls-service-1", "arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1", List.of(versions));
    }

    private static InventoryVersion version(long version, Instant notAfter, List<String> functions) {
        LayerManifest manifest = new LayerManifest(LayerManifest.VERSION, "service-1", "backend-service-1.com",
                new StoreRef("keystore.p12", "PKCS12", ParameterRef.parse("/mtls/service-1/keystore-password:" + version)),
                new StoreRef("truststore.p12", "PKCS12", ParameterRef.parse("/mtls/service-1/truststore-password:" + version)),
                notAfter, null);
        return new InventoryVersion("mtls-service-1", version, arn(version), "2026-12-01", false, List.of(manifest), null, notAfter,
                InventoryVersion.daysLeft(NOW, notAfter), List.of(), InventoryState.OK,
                functions.stream().map(name -> function(name, version)).toList());
    }

    private static FunctionLayers function(String name, long version) {
        return new FunctionLayers(name, "arn:aws:lambda:eu-west-1:111122223333:function:" + name, List.of(arn(version)));
    }

    private static String arn(long version) {
        return "arn:aws:lambda:eu-west-1:111122223333:layer:mtls-service-1:" + version;
    }
}
