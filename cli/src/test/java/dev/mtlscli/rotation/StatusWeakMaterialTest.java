package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.layer.StoreRef;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.PrometheusText;
import dev.mtlscli.testing.WeakCertificate;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * status judges each layer's client certificate by today's key and signature policy, from the
 * certificate its manifest records: a published layer whose client key is RSA-1024 and signed with
 * SHA-1 (made with openssl, as an older release or another tool could have published it) needs
 * attention in text, JSON and Prometheus; a certificate the manifest's fingerprint does not name
 * is not trusted to be the keystore's; a manifest of an earlier release (no certificate) is
 * "unknown", not weak.
 */
class StatusWeakMaterialTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;

    @BeforeAll
    static void publishLayers() throws IOException {
        aws = FakeAws.start();
        WeakCertificate weak = WeakCertificate.create(temp.resolve("weak"));
        Workspace strong = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", strong.root().toString(), "--service", "service-1",
                "--layer-name", "mtls-strong");
        Path strongCertificate = strong.file("ca/service-1/ca.crt");

        FakeLambda lambda = aws.lambda();
        String weakArn = lambda.publishLayerVersion("mtls-weak",
                zip("weak", manifest("weak", weak.der(), weak.sha256()))).layerVersionArn();
        // a strong certificate beside the fingerprint of the weak one: it is not the keystore's
        String swappedArn = lambda.publishLayerVersion("mtls-swapped",
                zip("swapped", manifest("swapped", WeakCertificate.derOf(strongCertificate), weak.sha256()))).layerVersionArn();
        String olderArn = lambda.publishLayerVersion("mtls-older",
                zip("older", manifest("older", null, "AA:BB"))).layerVersionArn();
        lambda.createFunction("fn-weak", "java21", List.of(weakArn), Map.of());
        lambda.createFunction("fn-swapped", "java21", List.of(swappedArn), Map.of());
        lambda.createFunction("fn-older", "java21", List.of(olderArn), Map.of());
        lambda.createFunction("fn-strong", "java21", List.of(aws.lambda().layerVersions("mtls-strong").get(0).layerVersionArn()), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void aWeakClientCertificateNeedsAttentionNamingTheRules() throws IOException {
        Cli.Result text = FakeAwsCli.run(aws, "status").assertExit(3, "status");
        assertTrue(text.out().lines().anyMatch(l -> l.contains("weak!")), text.out());
        assertTrue(text.out().contains("mtls-weak:1 weak client certificate (weak: " + WeakCertificate.KEY_RULE + "; weak: " + WeakCertificate.SIGNATURE_RULE + ")"),
                text.out());

        JsonNode root = new ObjectMapper().readTree(FakeAwsCli.run(aws, "status", "--output", "json").assertExit(3, "status json").out());
        JsonNode weak = manifest(root, "mtls-weak");
        assertEquals("weak", weak.path("keyPolicy").asText());
        assertEquals(List.of(WeakCertificate.KEY_RULE, WeakCertificate.SIGNATURE_RULE),
                StreamSupport.stream(weak.path("policyViolations").spliterator(), false).map(JsonNode::asText).toList());
        assertEquals("weak", version(root, "mtls-weak").path("state").asText());
        assertTrue(version(root, "mtls-weak").path("needsAttention").asBoolean());
        assertEquals("ok", manifest(root, "mtls-strong").path("keyPolicy").asText());
        assertEquals("ok", version(root, "mtls-strong").path("state").asText());
    }

    @Test
    void aRecordedCertificateThatIsNotTheOneItsFingerprintNamesIsNotTrusted() throws IOException {
        JsonNode root = new ObjectMapper().readTree(FakeAwsCli.run(aws, "status", "--output", "json").assertExit(3, "status json").out());
        assertEquals("weak", manifest(root, "mtls-swapped").path("keyPolicy").asText());
        assertEquals("the manifest's certificate.der is not the certificate its sha256 names",
                manifest(root, "mtls-swapped").path("policyViolations").get(0).asText());
    }

    @Test
    void aManifestOfAnEarlierReleaseIsUnknownNotWeak() throws IOException {
        JsonNode root = new ObjectMapper().readTree(FakeAwsCli.run(aws, "status", "--output", "json").assertExit(3, "status json").out());
        assertEquals("unknown", manifest(root, "mtls-older").path("keyPolicy").asText());
        assertEquals("ok", version(root, "mtls-older").path("state").asText());
        assertFalse(version(root, "mtls-older").path("needsAttention").asBoolean());
        FakeAwsCli.run(aws, "status", "--layer", "mtls-older").assertExit(0, "only the older layer");
    }

    @Test
    void prometheusHasAWeakGaugePerJudgedServiceAndNoneForAnUnknownOne() {
        String exposition = FakeAwsCli.run(aws, "status", "--output", "prometheus").assertExit(3, "prometheus").out();
        List<PrometheusText.Sample> weak = PrometheusText.check(exposition).get("mtls_layer_version_weak");
        Map<String, Long> byLayer = new java.util.TreeMap<>();
        weak.forEach(sample -> byLayer.put(sample.labels().get("layer"), sample.value()));
        assertEquals(Map.of("mtls-strong", 0L, "mtls-swapped", 1L, "mtls-weak", 1L), byLayer);
    }

    // ---- helpers

    private static byte[] manifest(String service, String der, String sha256) {
        return LayerManifests.toJson(new LayerManifest(LayerManifest.VERSION, service, "backend-" + service + ".com",
                new StoreRef("keystore.p12", "PKCS12", ParameterRef.parse("/mtls/" + service + "/keystore-password:1")),
                new StoreRef("truststore.p12", "PKCS12", ParameterRef.parse("/mtls/" + service + "/truststore-password:1")),
                Instant.now().plus(200, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS), sha256, der));
    }

    private static byte[] zip(String service, byte[] manifest) {
        return LayerZips.zip(Map.of("mtls/" + service + "/manifest.json", manifest));
    }

    private static JsonNode version(JsonNode root, String layerName) {
        JsonNode layer = StreamSupport.stream(root.path("layers").spliterator(), false)
                .filter(l -> layerName.equals(l.path("layerName").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no layer " + layerName + " in " + root));
        return layer.path("versions").get(0);
    }

    private static JsonNode manifest(JsonNode root, String layerName) {
        return version(root, layerName).path("manifests").get(0);
    }
}
