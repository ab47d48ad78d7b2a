package dev.mtlscli.layer;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `layer publish` over the wire: the real SDK clients of mtls-cli against the loopback fake AWS
 * (SSM JSON 1.1 and Lambda REST-JSON, SigV4 checked), results read back with the tests' own
 * SDK clients and the layer content downloaded from its Content.Location.
 */
class LayerPublishCommandTest {
    private static final String ACCOUNT = "111122223333";
    private static final String ORGANIZATION = "o-a1b2c3d4e5";

    @TempDir
    static Path shared;

    private static Workspace ws;
    private FakeAws aws;

    @BeforeAll
    static void createWorkspace() {
        ws = Workspace.create(shared.resolve("ws"), "ec-p256", "pkcs12", Workspace.writeLocalhostSpec(shared.resolve("mtls.json")));
    }

    @BeforeEach
    void startAws() {
        aws = FakeAws.start();
    }

    @AfterEach
    void stopAws() {
        aws.close();
    }

    private Cli.Result publish(String... extra) {
        List<String> args = new ArrayList<>(List.of("layer", "publish", "--workspace", ws.root().toString()));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    @Test
    void publishesEachServiceAsALayerWhoseManifestPinsTheSsmPasswordVersions() throws Exception {
        Cli.Result result = publish("--grant-account", ACCOUNT).assertExit(0, "layer publish");

        try (LambdaClient lambda = FakeAwsCli.lambda(aws); SsmClient ssm = FakeAwsCli.ssm(aws)) {
            for (String service : Workspace.DEMO_SERVICES) {
                String layerName = "mtls-" + service;
                List<LayerVersionsListItem> versions = lambda.listLayerVersions(b -> b.layerName(layerName)).layerVersions();
                assertEquals(1, versions.size(), layerName);
                GetLayerVersionResponse version = lambda.getLayerVersion(b -> b.layerName(layerName).versionNumber(1L));
                assertTrue(result.out().contains(version.layerVersionArn()), result.out());
                assertEquals(List.of("java17", "java21"), version.compatibleRuntimesAsStrings());
                assertEquals(List.of("x86_64", "arm64"), version.compatibleArchitecturesAsStrings());

                Map<String, byte[]> files = LayerZips.unzip(FakeAwsCli.layerContent(aws, layerName, 1));
                String dir = "mtls/" + service + "/";
                assertEquals(List.of(dir + "keystore.p12", dir + "manifest.json", dir + "truststore.p12"), List.copyOf(files.keySet()));
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(ws.file(ws.keyStore(service))), files.get(dir + "keystore.p12")));
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(ws.file(ws.trustStore(service))), files.get(dir + "truststore.p12")));

                LayerManifest manifest = LayerManifests.parse(files.get(dir + "manifest.json"), "layer manifest");
                assertEquals("/mtls/" + service + "/keystore-password:1", manifest.keyStore().password().selector());
                assertEquals("/mtls/" + service + "/truststore-password:1", manifest.trustStore().password().selector());
                X509Check.assertDescribes(version.description(), manifest);

                Parameter keyStorePassword = ssm.getParameter(b -> b.name("/mtls/" + service + "/keystore-password").withDecryption(true)).parameter();
                assertEquals(ParameterType.SECURE_STRING, keyStorePassword.type());
                assertEquals(ws.password(ws.keyStore(service)), keyStorePassword.value());
                Parameter trustStorePassword = ssm.getParameter(b -> b.name("/mtls/" + service + "/truststore-password").withDecryption(true)).parameter();
                assertEquals(ws.password(ws.trustStore(service)), trustStorePassword.value());
                assertEquals("mtls-cli", aws.ssm().tags("/mtls/" + service + "/keystore-password").get("managed-by"));

                String policy = lambda.getLayerVersionPolicy(b -> b.layerName(layerName).versionNumber(1L)).policy();
                assertTrue(policy.contains("\"mtls-cli-account-" + ACCOUNT + "\""), policy);
            }
        }
    }

    @Test
    void noPasswordReachesTheZipTheDescriptionTheLambdaCallsOrTheOutput() throws Exception {
        Cli.Result result = publish("--output", "json").assertExit(0, "layer publish");
        Cli.Result text = publish().assertExit(0, "layer publish again");

        List<String> secrets = new ArrayList<>(ws.passwords().values());
        List<String> places = new ArrayList<>(List.of(result.out(), result.err(), text.out(), text.err()));
        for (String service : Workspace.DEMO_SERVICES) {
            places.add(new String(FakeAwsCli.layerContent(aws, "mtls-" + service, 1), StandardCharsets.ISO_8859_1));
        }
        for (RecordedRequest request : aws.requests()) {
            if ("lambda".equals(request.service())) {
                places.add(request.body());
            }
        }
        for (String place : places) {
            for (String secret : secrets) {
                assertFalse(place.contains(secret), "a password leaked into: " + place.substring(0, Math.min(200, place.length())));
            }
            assertFalse(place.contains("PRIVATE KEY"), "a PEM private key is in: " + place.substring(0, Math.min(200, place.length())));
        }
    }

    @Test
    void republishingTheSameWorkspacePublishesNothing() {
        publish("--grant-account", ACCOUNT).assertExit(0, "first publish");
        Cli.Result again = publish("--grant-account", ACCOUNT).assertExit(0, "second publish");

        assertEquals(2, aws.requests("PublishLayerVersion").size(), "one version per service, none on the re-run");
        assertEquals(6, aws.requests("PutParameter").size(), "two passwords and the release parameter per service, stored once");
        assertEquals(2, aws.requests("AddLayerVersionPermission").size(), "grants are not added twice");
        assertTrue(again.out().contains("version 1 already has this content"), again.out());
        assertTrue(again.out().contains("already holds this password"), again.out());
    }

    @Test
    void aChangedPasswordInSsmGivesANewParameterVersionAndANewLayerVersionPinnedToIt() throws Exception {
        publish("--service", "service-1").assertExit(0, "first publish");
        aws.ssm().put("/mtls/service-1/keystore-password", "someone-else-changed-this-password", true);

        publish("--service", "service-1").assertExit(0, "second publish");

        LayerManifest second = LayerZips.manifest(FakeAwsCli.layerContent(aws, "mtls-service-1", 2), "service-1");
        assertEquals("/mtls/service-1/keystore-password:3", second.keyStore().password().selector());
        assertEquals("/mtls/service-1/truststore-password:1", second.trustStore().password().selector());
        LayerManifest first = LayerZips.manifest(FakeAwsCli.layerContent(aws, "mtls-service-1", 1), "service-1");
        assertEquals("/mtls/service-1/keystore-password:1", first.keyStore().password().selector(),
                "the old version keeps pinning the password its keystore was made with");
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            String pinned = ssm.getParameters(b -> b.names("/mtls/service-1/keystore-password:3").withDecryption(true))
                    .parameters().get(0).value();
            assertEquals(ws.password(ws.keyStore("service-1")), pinned);
        }
    }

    @Test
    void grantsAccountsAndOrganizationsWithDeterministicStatementIds() {
        publish("--service", "service-1", "--grant-account", ACCOUNT, "--grant-account", "444455556666",
                "--grant-org", ORGANIZATION).assertExit(0, "publish with grants");
        publish("--service", "service-1", "--grant-account", ACCOUNT, "--grant-account", "444455556666",
                "--grant-org", ORGANIZATION).assertExit(0, "re-run");

        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            String policy = lambda.getLayerVersionPolicy(b -> b.layerName("mtls-service-1").versionNumber(1L)).policy();
            assertTrue(policy.contains("\"mtls-cli-account-111122223333\""), policy);
            assertTrue(policy.contains("\"mtls-cli-account-444455556666\""), policy);
            assertTrue(policy.contains("\"mtls-cli-org-" + ORGANIZATION + "\""), policy);
            assertTrue(policy.contains(ORGANIZATION), policy);
        }
        assertEquals(3, aws.requests("AddLayerVersionPermission").size());
    }

    @Test
    void grantingToEveryoneIsRefusedBeforeAnyCallUnlessAllowed() {
        Cli.Result refused = publish("--grant-account", "*");

        assertEquals(1, refused.exitCode());
        assertEquals(1, refused.errLines().size(), refused.err());
        assertTrue(refused.err().contains("--allow-public"), refused.err());
        assertEquals(List.of(), aws.requests());

        publish("--service", "service-1", "--grant-account", "*", "--allow-public").assertExit(0, "public publish");
        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            String policy = lambda.getLayerVersionPolicy(b -> b.layerName("mtls-service-1").versionNumber(1L)).policy();
            assertTrue(policy.contains("\"mtls-cli-public\""), policy);
        }
    }

    @Test
    void throttlingAndServerErrorsAreRetriedByTheSdk() {
        aws.failNext("PublishLayerVersion", 429, "TooManyRequestsException");
        aws.failNext("PublishLayerVersion", 429, "TooManyRequestsException");
        aws.failNext("PutParameter", 400, "ThrottlingException");
        aws.failNext("GetParameter", 500, "InternalServerError");
        aws.failNext("AddLayerVersionPermission", 503, "ServiceException");

        publish("--service", "service-1", "--grant-account", ACCOUNT).assertExit(0, "publish through faults");

        assertEquals(3, aws.requests("PublishLayerVersion").size());
        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            assertEquals(1, lambda.listLayerVersions(b -> b.layerName("mtls-service-1")).layerVersions().size());
        }
    }

    @Test
    void aPersistentFailureEndsInOneClearLine() {
        for (int i = 0; i < 10; i++) {
            aws.failNext("PublishLayerVersion", 429, "TooManyRequestsException");
        }

        Cli.Result result = publish("--service", "service-1");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("Lambda PublishLayerVersion mtls-service-1 failed: TooManyRequestsException"), result.err());
    }

    @Test
    void verboseFailuresShowTheStackTraceButNoPassword() {
        for (int i = 0; i < 10; i++) {
            aws.failNext("PutParameter", 400, "ThrottlingException");
        }

        Cli.Result result = publish("--service", "service-1", "--verbose");

        assertEquals(1, result.exitCode(), result.err());
        assertTrue(result.err().contains("SSM PutParameter /mtls/service-1/keystore-password failed: ThrottlingException"), result.err());
        assertTrue(result.err().contains("\tat "), "--verbose prints the stack trace");
        for (String secret : ws.passwords().values()) {
            assertFalse(result.err().contains(secret) || result.out().contains(secret), "a password leaked into the output");
        }
    }

    @Test
    void dryRunPrintsTheCallsAndCallsNothing() {
        Cli.Result result = publish("--dry-run", "--grant-account", ACCOUNT, "--kms-key-id", "alias/mtls")
                .assertExit(0, "dry run");

        assertEquals(List.of(), aws.requests());
        for (String expected : List.of("ssm PutParameter /mtls/service-1/keystore-password", "SecureString under KMS key alias/mtls",
                "lambda PublishLayerVersion mtls-service-2", "lambda AddLayerVersionPermission mtls-service-1:<version>",
                "statement mtls-cli-account-" + ACCOUNT)) {
            assertTrue(result.out().contains(expected), expected + " in\n" + result.out());
        }
        for (String secret : ws.passwords().values()) {
            assertFalse(result.out().contains(secret));
        }
    }

    @Test
    void dryRunListsTheLayerFilesWithTheDigestsThatAFollowingPublishStores() throws Exception {
        Cli.Result text = publish("--dry-run").assertExit(0, "dry run");
        Cli.Result json = publish("--dry-run", "--output", "json").assertExit(0, "dry run as json");
        assertEquals(List.of(), aws.requests(), "a dry run calls nothing");

        publish().assertExit(0, "layer publish");
        com.fasterxml.jackson.databind.JsonNode layers = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out()).path("layers");
        assertEquals(Workspace.DEMO_SERVICES.size(), layers.size(), json.out());
        for (com.fasterxml.jackson.databind.JsonNode layer : layers) {
            String service = layer.path("service").asText();
            assertEquals("mtls-" + service, layer.path("layerName").asText());
            Map<String, byte[]> published = LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-" + service, 1));
            Map<String, String> planned = new TreeMap<>();
            for (com.fasterxml.jackson.databind.JsonNode file : layer.path("files")) {
                String path = file.path("path").asText();
                planned.put(path, file.path("sha256").asText());
                assertEquals(published.get(path).length, file.path("size").asLong(), path);
                assertTrue(text.out().contains(file.path("sha256").asText()), "the text names the digest of " + path);
            }
            Map<String, String> actual = new TreeMap<>();
            published.forEach((path, bytes) -> actual.put(path, sha256(bytes)));
            assertEquals(actual, planned, "on a first publish every file, the manifest too, is what the dry run listed");
            assertEquals(List.of("/mtls/" + service + "/keystore-password", "/mtls/" + service + "/truststore-password"),
                    layer.path("parameters").findValuesAsText("name"));
            assertTrue(text.out().contains("/mtls/" + service + "/truststore-password  the newest version if it holds"), text.out());
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aKmsKeyAndTagsGoToTheParameters() {
        publish("--service", "service-1", "--kms-key-id", "alias/mtls-passwords", "--tag", "team=payments")
                .assertExit(0, "publish with key and tags");

        RecordedRequest put = aws.requests("PutParameter").get(0);
        assertEquals("alias/mtls-passwords", put.json().get("KeyId"));
        assertEquals("team", ((Map<?, ?>) ((List<?>) put.json().get("Tags")).get(1)).get("Key"));
        assertEquals(Map.of("managed-by", "mtls-cli", "team", "payments"), aws.ssm().tags("/mtls/service-1/keystore-password"));
    }

    @Test
    void aCustomPrefixAndLayerName() throws Exception {
        publish("--service", "service-2", "--parameter-prefix", "/prod/{service}/tls/", "--layer-name", "payments-{service}")
                .assertExit(0, "publish with names");

        LayerManifest manifest = LayerZips.manifest(FakeAwsCli.layerContent(aws, "payments-service-2", 1), "service-2");
        assertEquals("/prod/service-2/tls/keystore-password:1", manifest.keyStore().password().selector());
    }

    /** The description names the certificate the manifest describes. */
    private static final class X509Check {
        static void assertDescribes(String description, LayerManifest manifest) {
            assertTrue(description.contains(manifest.certificateNotAfter().toString()), description);
            assertTrue(description.contains(manifest.certificateSha256()), description);
        }
    }
}
