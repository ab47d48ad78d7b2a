package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.PrometheusText;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status --output prometheus` over a layer whose zip (from AWS, so untrusted) has manifests
 * whose service names differ only in control characters, and one that names a service twice:
 * the exposition stays strictly valid with no series twice, and those versions are unreadable.
 */
class StatusPrometheusTest {
    @TempDir
    static Path shared;

    private static FakeAws aws;

    @BeforeAll
    static void hostileLayers() throws IOException {
        FakeAwsCli.credentials();
        aws = FakeAws.start();
        Workspace ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1");
        byte[] zip = FakeAwsCli.layerContent(aws, "mtls-service-1", 1);
        String manifest = new String(LayerZips.unzip(zip).get("mtls/service-1/manifest.json"), StandardCharsets.UTF_8);
        byte[] controls = zip(Map.of("mtls/a/manifest.json", withService(manifest, "evil\\u0001x"),
                "mtls/b/manifest.json", withService(manifest, "evil\\u0002x")));
        byte[] repeated = zip(Map.of("mtls/a/manifest.json", withService(manifest, "service-1"),
                "mtls/b/manifest.json", withService(manifest, "service-1")));
        String controlsArn = aws.lambda().publishLayerVersion("mtls-hostile", controls).layerVersionArn();
        String repeatedArn = aws.lambda().publishLayerVersion("mtls-repeated", repeated).layerVersionArn();
        aws.lambda().createFunction("on-hostile", "java17", List.of(controlsArn), Map.of());
        aws.lambda().createFunction("on-repeated", "java17", List.of(repeatedArn), Map.of());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void hostileServiceNamesLeaveTheExpositionValidAndTheVersionUnreadable() {
        Cli.Result result = FakeAwsCli.run(aws, "status", "--output", "prometheus");
        Map<String, List<PrometheusText.Sample>> metrics = PrometheusText.check(result.out());
        assertEquals(3, result.exitCode(), result.err());
        for (String layer : List.of("mtls-hostile", "mtls-repeated")) {
            assertEquals(List.of(1L), metrics.get("mtls_layer_version_needs_attention").stream()
                    .filter(sample -> layer.equals(sample.labels().get("layer"))).map(PrometheusText.Sample::value).toList(), layer);
            assertTrue(metrics.get("mtls_layer_version_days_to_expiry").stream()
                    .noneMatch(sample -> layer.equals(sample.labels().get("layer"))), "no expiry from an untrusted manifest");
        }
        assertTrue(metrics.get("mtls_layer_version_days_to_expiry").stream()
                .anyMatch(sample -> "service-1".equals(sample.labels().get("service"))), "the trusted layer is still there");

        Cli.Result text = FakeAwsCli.run(aws, "status");
        assertTrue(text.out().contains("not trusted"), text.out());
    }

    private static String withService(String manifest, String service) {
        String replaced = manifest.replaceFirst("\"service\"\\s*:\\s*\"service-1\"", "\"service\":\"" + service.replace("\\", "\\\\") + "\"");
        assertTrue(!replaced.equals(manifest) || service.equals("service-1"), manifest);
        return replaced;
    }

    /** The files in name order, as text. */
    private static byte[] zip(Map<String, String> files) {
        Map<String, byte[]> entries = new java.util.TreeMap<>();
        files.forEach((name, text) -> entries.put(name, text.getBytes(StandardCharsets.UTF_8)));
        return LayerZips.zip(entries);
    }
}
