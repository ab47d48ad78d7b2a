package dev.mtlscli.runtime.it;

import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * MtlsClients.forServices run where Lambda's environment is missing (a local test of a handler,
 * a container): no AWS region and no profile. A JVM of its own, whose environment is only what
 * the test gives, so that neither this machine's AWS settings nor its variables count.
 */
class LambdaDefaultsOutsideLambdaTest {
    @TempDir
    Path temp;

    @Test
    void aMissingLayerIsNamedBeforeTheMissingRegion() throws Exception {
        Path emptyLayer = Files.createDirectories(temp.resolve("opt"));

        String message = probe(emptyLayer);

        assertEquals("no layer manifest at " + emptyLayer.resolve("mtls/service-1/manifest.json")
                + " (is the service's layer attached to the function?)", message);
    }

    @Test
    void noRegionIsOneLineSayingWhereLambdaSetsIt() throws Exception {
        LayerWorkspace layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));

        String message = probe(layer.layer());

        assertEquals("the SSM client has no AWS region: Lambda sets AWS_REGION; elsewhere set it, or a region in the AWS profile", message);
    }

    private String probe(Path layerRoot) throws Exception {
        Tool.Result result = ForServicesProbe.run(temp, System.getProperty("java.class.path"), Map.of(
                "MTLS_LAYER_ROOT", layerRoot.toString(),
                "MTLS_PASSWORD_SOURCE", "ssm",
                "HOME", temp.toString(),
                "AWS_CONFIG_FILE", temp.resolve("no-aws-config").toString(),
                "AWS_SHARED_CREDENTIALS_FILE", temp.resolve("no-aws-credentials").toString(),
                // the SDK's last place to look for a region is EC2's metadata service: not here
                "AWS_EC2_METADATA_DISABLED", "true"));
        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("", result.err(), result::describe);
        String out = result.out().strip();
        assertEquals(1, out.lines().count(), "one line: " + out);
        return out;
    }
}
