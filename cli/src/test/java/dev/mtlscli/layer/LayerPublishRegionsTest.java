package dev.mtlscli.layer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `layer publish --regions`: the layer and its SSM parameters in each region (a layer can only be
 * used in its own region, and the parameters a manifest pins must be in the function's region),
 * one line per region, the same CodeSha256 where the pinned versions agree, each region's
 * manifest pinning its own versions, and a failing region that does not stop the others.
 */
class LayerPublishRegionsTest {
    private static final List<String> REGIONS = List.of("us-east-1", "eu-west-1", "ap-southeast-2");

    @TempDir
    static Path shared;

    private static Workspace ws;
    private FakeAws aws;

    @BeforeAll
    static void createWorkspace() {
        FakeAwsCli.credentials(); // the fake's credentials, as system properties the SDK's default chain reads
        ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @BeforeEach
    void start() {
        aws = FakeAws.startRegions(REGIONS.get(0), REGIONS.get(1), REGIONS.get(2));
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result publish(String regions, String... extra) {
        List<String> args = new ArrayList<>(List.of("layer", "publish", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--regions", regions));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void everyRegionGetsTheLayerAndItsParametersWithTheSameContent() throws Exception {
        Cli.Result result = publish(String.join(",", REGIONS)).assertExit(0, "publish in three regions");

        for (String region : REGIONS) {
            assertTrue(result.out().contains(region + "  ok  mtls-service-1:1  mtls-service-2:1"), result.out());
            for (String service : Workspace.DEMO_SERVICES) {
                List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions("mtls-" + service);
                assertEquals(1, versions.size(), region + " " + service);
                assertTrue(versions.get(0).layerVersionArn().startsWith("arn:aws:lambda:" + region + ":"));
                assertEquals(ws.password(ws.keyStore(service)),
                        aws.ssm(region).version("/mtls/" + service + "/keystore-password", 1).orElseThrow().value());
            }
        }
        for (String service : Workspace.DEMO_SERVICES) {
            String sha = aws.lambda(REGIONS.get(0)).layerVersions("mtls-" + service).get(0).codeSha256();
            for (String region : REGIONS) {
                assertEquals(sha, aws.lambda(region).layerVersions("mtls-" + service).get(0).codeSha256(),
                        "the same zip everywhere when the pinned versions agree");
            }
        }

        publish(String.join(",", REGIONS)).assertExit(0, "again");
        for (String region : REGIONS) {
            assertEquals(1, aws.lambda(region).layerVersions("mtls-service-1").size(), "nothing published twice in " + region);
        }
    }

    @Test
    void eachRegionsManifestPinsThatRegionsParameterVersions() throws Exception {
        // eu-west-1 already has a version of the parameter (for example from an earlier workspace)
        aws.ssm("eu-west-1").put("/mtls/service-1/keystore-password", "an-older-password-of-another-keystore", true);

        Cli.Result result = publish("us-east-1,eu-west-1", "--service", "service-1", "--output", "json").assertExit(0, "publish");

        LayerManifest east = LayerZips.manifest(FakeAwsCli.layerContent(aws, "us-east-1", "mtls-service-1", 1), "service-1");
        LayerManifest west = LayerZips.manifest(FakeAwsCli.layerContent(aws, "eu-west-1", "mtls-service-1", 1), "service-1");
        assertEquals("/mtls/service-1/keystore-password:1", east.keyStore().password().selector());
        assertEquals("/mtls/service-1/keystore-password:2", west.keyStore().password().selector());
        assertEquals(ws.password(ws.keyStore("service-1")),
                aws.ssm("eu-west-1").version("/mtls/service-1/keystore-password", 2).orElseThrow().value());
        assertNotEquals(aws.lambda("us-east-1").layerVersions("mtls-service-1").get(0).codeSha256(),
                aws.lambda("eu-west-1").layerVersions("mtls-service-1").get(0).codeSha256(), "other pins, other zip");
        JsonNode layers = new ObjectMapper().readTree(result.out()).path("layers");
        assertEquals(List.of("us-east-1", "eu-west-1"), List.of(layers.get(0).path("region").asText(), layers.get(1).path("region").asText()));
    }

    @Test
    void aRegionThatFailsDoesNotStopTheOthersAndIsNamed() {
        // the fake does not serve sa-east-1: every call there is refused
        Cli.Result result = publish("us-east-1,sa-east-1,eu-west-1");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("published in us-east-1, eu-west-1; failed in sa-east-1"), result.err());
        assertTrue(result.out().contains("sa-east-1  FAILED  "), result.out());
        assertEquals(1, aws.lambda("eu-west-1").layerVersions("mtls-service-1").size(), "the region after the failed one is done");
    }

    @Test
    void regionsAreCheckedBeforeAnyCall() {
        Cli.Result typo = publish("us-east-1,eu-wset-1");
        assertEquals(1, typo.exitCode());
        assertTrue(typo.err().contains("unknown AWS region 'eu-wset-1'"), typo.err());
        Cli.Result twice = publish("us-east-1,us-east-1");
        assertEquals(2, twice.exitCode(), "a usage error, like an account named twice");
        assertTrue(twice.err().contains("'us-east-1' is named twice in --regions"), twice.err());
        Cli.Result both = publish("us-east-1", "--region", "eu-west-1");
        assertTrue(both.err().contains("give --region or --regions, not both"), both.err());
        Cli.Result keyArn = publish("us-east-1,eu-west-1", "--kms-key-id", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assertTrue(keyArn.err().contains("is a key of one region"), keyArn.err());
        assertTrue(aws.requests().isEmpty(), "no call: " + aws.requests());
    }
}
