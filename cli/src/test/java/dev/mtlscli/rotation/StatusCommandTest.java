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
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `status` against the fake: layers published by `layer publish` (365-day and 10-day client
 * certificates), layers seeded with an expired manifest, without a manifest, or deleted while in
 * use, functions on them (more than one ListFunctions page), and layers of other names (more than
 * one ListLayers page).
 */
class StatusCommandTest {
    private static final int NEW_FUNCTIONS = 55;
    private static final int FILLER_LAYERS = 55;

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;
    private static Workspace shortLived;
    private static final Map<String, String> arns = new LinkedHashMap<>();

    @BeforeAll
    static void seed() {
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Path shortRoot = temp.resolve("ws-short");
        Cli.runOk("certs", "create", "--out", shortRoot.toString(), "--validity", "10");
        shortLived = Workspace.open(shortRoot, "pkcs12");

        // mtls-service-1: version 1, then version 2 pinning a new keystore password version
        publish(ws, "service-1", "mtls-service-1");
        aws.ssm().put("/mtls/service-1/keystore-password", "a-password-changed-by-hand-in-ssm", true);
        publish(ws, "service-1", "mtls-service-1");
        // 10-day certificates: one layer in use, one idle
        publish(shortLived, "service-2", "mtls-service-2", "--force");
        publish(shortLived, "service-2", "mtls-idle", "--force");
        // another naming, found only with --layer-prefix acme-
        publish(ws, "service-1", "acme-service-1");

        FakeLambda lambda = aws.lambda();
        arns.put("mtls-expired", lambda.publishLayerVersion("mtls-expired",
                LayerZips.zip(Map.of("mtls/legacy/manifest.json", manifest("legacy", Instant.now().minus(Duration.ofDays(3)))))).layerVersionArn());
        arns.put("mtls-broken", lambda.publishLayerVersion("mtls-broken",
                LayerZips.zip(Map.of("java/lib/not-mtls.txt", "hello".getBytes(StandardCharsets.UTF_8)))).layerVersionArn());
        arns.put("mtls-gone", lambda.publishLayerVersion("mtls-gone",
                LayerZips.zip(Map.of("mtls/gone/manifest.json", manifest("gone", Instant.now().plus(Duration.ofDays(200)))))).layerVersionArn());
        arns.put("shared-utils", lambda.publishLayerVersion("shared-utils",
                LayerZips.zip(Map.of("java/lib/utils.txt", "utils".getBytes(StandardCharsets.UTF_8)))).layerVersionArn());
        for (int i = 0; i < FILLER_LAYERS; i++) {
            lambda.publishLayerVersion(String.format("filler-%02d", i), LayerZips.zip(Map.of("x.txt", new byte[] {(byte) i})));
        }

        String service1v1 = layerVersionArn("mtls-service-1", 1);
        String service1v2 = layerVersionArn("mtls-service-1", 2);
        for (int i = 0; i < NEW_FUNCTIONS; i++) {
            List<String> layers = i == 0 ? List.of(arns.get("shared-utils"), service1v2) : List.of(service1v2);
            lambda.createFunction(String.format("fn-new-%02d", i), "java21", layers, Map.of());
        }
        lambda.createFunction("fn-old-a", "java21", List.of(service1v1), Map.of());
        lambda.createFunction("fn-old-b", "java17", List.of(service1v1), Map.of());
        lambda.createFunction("fn-short", "java21", List.of(layerVersionArn("mtls-service-2", 1)), Map.of());
        lambda.createFunction("fn-expired", "java21", List.of(arns.get("mtls-expired")), Map.of());
        lambda.createFunction("fn-broken", "java21", List.of(arns.get("mtls-broken")), Map.of());
        lambda.createFunction("fn-gone", "java21", List.of(arns.get("mtls-gone")), Map.of());
        lambda.createFunction("fn-acme", "java21", List.of(layerVersionArn("acme-service-1", 1)), Map.of());
        lambda.createFunction("fn-utils-only", "java21", List.of(arns.get("shared-utils")), Map.of());
        lambda.createFunction("fn-plain", "java21", List.of(), Map.of());
        try (LambdaClient client = FakeAwsCli.lambda(aws)) {
            client.deleteLayerVersion(b -> b.layerName("mtls-gone").versionNumber(1L));
        }
        assertTrue(lambda.layerVersions("mtls-gone").isEmpty(), "mtls-gone:1 is deleted");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void jsonInventoriesEveryMtlsLayerWithExpiryPinsAndFunctions() throws Exception {
        aws.clearRequests();
        Cli.Result result = FakeAwsCli.run(aws, "status", "--output", "json").assertExit(3, "status");
        JsonNode root = json(result);

        assertEquals(List.of("mtls-broken", "mtls-expired", "mtls-gone", "mtls-idle", "mtls-service-1", "mtls-service-2"),
                texts(root.path("layers"), "layerName"), "mtls-* layers only, by name; not acme-, shared-utils or filler-");
        assertTrue(aws.requests("ListLayers").size() >= 2, "the mtls layers are on the second ListLayers page");
        assertTrue(aws.requests("ListFunctions").size() >= 2, "more than 50 functions: several ListFunctions pages");
        assertEquals(30, root.path("renewBeforeDays").asInt());
        assertEquals("mtls-", root.path("layerPrefix").asText());
        assertTrue(root.path("needsAttention").asBoolean());

        JsonNode service1 = layer(root, "mtls-service-1");
        assertEquals(2, service1.path("newestVersion").asLong());
        assertEquals(NEW_FUNCTIONS, service1.path("functionsOnNewestVersion").asInt());
        assertEquals(2, service1.path("functionsOnOlderVersions").asInt());
        assertFalse(service1.path("needsAttention").asBoolean(), result.out());
        assertEquals("arn:aws:lambda:" + aws.region() + ":" + FakeAws.ACCOUNT_ID + ":layer:mtls-service-1",
                service1.path("layerArn").asText());
        JsonNode v2 = version(service1, 2);
        JsonNode v1 = version(service1, 1);
        assertEquals(List.of(2L, 1L), longs(service1.path("versions"), "version"), "newest first");
        assertTrue(v2.path("newest").asBoolean());
        assertFalse(v1.path("newest").asBoolean());
        assertEquals(NEW_FUNCTIONS, v2.path("functionCount").asInt());
        List<String> onV2 = texts(v2.path("functions"), "functionName");
        assertEquals(IntStream.range(0, NEW_FUNCTIONS).mapToObj(i -> String.format("fn-new-%02d", i)).toList(), onV2);
        assertEquals(aws.lambda().functionArn("fn-new-54"), v2.path("functions").get(54).path("functionArn").asText());
        assertEquals(List.of("fn-old-a", "fn-old-b"), texts(v1.path("functions"), "functionName"));
        assertEquals(List.of("/mtls/service-1/keystore-password:3", "/mtls/service-1/truststore-password:1"),
                strings(v2.path("pinnedParameters")));
        assertEquals(List.of("/mtls/service-1/keystore-password:1", "/mtls/service-1/truststore-password:1"),
                strings(v1.path("pinnedParameters")));
        X509Certificate client = (X509Certificate) ws.loadKeyStore("service-1").getCertificate("service-1");
        assertEquals(client.getNotAfter().toInstant().toString(), v2.path("notAfter").asText());
        assertEquals("ok", v2.path("state").asText());
        long daysLeft = v2.path("daysLeft").asLong();
        assertTrue(daysLeft >= 363 && daysLeft <= 365, "a 365-day certificate made today: " + daysLeft);
        assertEquals("service-1", v2.path("manifests").get(0).path("service").asText());

        JsonNode shortV1 = version(layer(root, "mtls-service-2"), 1);
        X509Certificate shortClient = (X509Certificate) shortLived.loadKeyStore("service-2").getCertificate("service-2");
        assertEquals(shortClient.getNotAfter().toInstant().toString(), shortV1.path("notAfter").asText());
        long shortDays = shortV1.path("daysLeft").asLong();
        assertTrue(shortDays >= 9 && shortDays <= 10, "a 10-day certificate made today: " + shortDays);
        assertEquals("renew", shortV1.path("state").asText());
        assertTrue(shortV1.path("needsAttention").asBoolean());
        assertEquals(List.of("fn-short"), texts(shortV1.path("functions"), "functionName"));

        JsonNode idle = version(layer(root, "mtls-idle"), 1);
        assertEquals("renew", idle.path("state").asText());
        assertFalse(idle.path("needsAttention").asBoolean(), "not in use");
        assertEquals(0, idle.path("functionCount").asInt());

        JsonNode expired = version(layer(root, "mtls-expired"), 1);
        assertEquals("expired", expired.path("state").asText());
        assertTrue(expired.path("daysLeft").asLong() <= -3, expired.toString());
        assertEquals(List.of("/mtls/legacy/keystore-password:2", "/mtls/legacy/truststore-password:1"),
                strings(expired.path("pinnedParameters")));

        JsonNode broken = version(layer(root, "mtls-broken"), 1);
        assertEquals("unreadable", broken.path("state").asText());
        assertTrue(broken.path("manifestProblem").asText().contains("manifest.json"), broken.toString());
        assertTrue(broken.path("notAfter").isNull());
        assertEquals(List.of("fn-broken"), texts(broken.path("functions"), "functionName"));

        JsonNode goneLayer = layer(root, "mtls-gone");
        assertTrue(goneLayer.path("newestVersion").isNull(), goneLayer.toString());
        assertEquals(1, goneLayer.path("functionsOnOlderVersions").asInt());
        JsonNode gone = version(goneLayer, 1);
        assertTrue(gone.path("deleted").asBoolean());
        assertEquals("unreadable", gone.path("state").asText());
        assertEquals(arns.get("mtls-gone"), gone.path("layerVersionArn").asText());

        Set<String> attention = new HashSet<>();
        for (JsonNode finding : root.path("attention")) {
            attention.add(finding.path("layerName").asText() + ":" + finding.path("version").asLong() + " "
                    + finding.path("state").asText() + " " + strings(finding.path("functions")));
        }
        assertEquals(Set.of("mtls-broken:1 unreadable [fn-broken]", "mtls-expired:1 expired [fn-expired]",
                "mtls-gone:1 unreadable [fn-gone]", "mtls-service-2:1 renew [fn-short]"), attention);

        for (JsonNode layer : root.path("layers")) {
            for (JsonNode version : layer.path("versions")) {
                List<String> users = texts(version.path("functions"), "functionName");
                assertFalse(users.contains("fn-utils-only") || users.contains("fn-plain") || users.contains("fn-acme"),
                        "functions without an mtls- layer are on no version: " + users);
            }
        }
    }

    @Test
    void textIsATablePerLayerWithTheFindingsAtTheEnd() {
        Cli.Result result = FakeAwsCli.run(aws, "status").assertExit(3, "status");
        String out = result.out();

        assertTrue(out.contains("mtls-service-1: newest version 2, 55 functions on it, 2 functions on older versions\n"), out);
        assertTrue(out.matches("(?s).*\n  2\\* +\\S+Z +36[345]  ok +55  /mtls/service-1/keystore-password:3, "
                + "/mtls/service-1/truststore-password:1\n.*"), out);
        assertTrue(out.matches("(?s).*\n  1 +\\S+Z +36[345]  ok +2  /mtls/service-1/keystore-password:1, "
                + "/mtls/service-1/truststore-password:1\n +used by: fn-old-a, fn-old-b\n.*"), out);
        assertTrue(out.matches("(?s).*\n  1\\* +\\S+Z +(9|10)  renew! +1  .*\n +used by: fn-short\n.*"), out);
        assertTrue(out.matches("(?s).*\nmtls-idle: .*\n  1\\* +\\S+Z +(9|10)  renew +0  .*"), out);
        assertTrue(out.contains("\n           used by: fn-new-00, fn-new-01, fn-new-02, fn-new-03, fn-new-04, fn-new-05, fn-new-06, "
                + "fn-new-07, fn-new-08, fn-new-09, fn-new-10, fn-new-11, fn-new-12, fn-new-13, fn-new-14, fn-new-15, fn-new-16, "
                + "fn-new-17, fn-new-18, fn-new-19 and 35 more (--output json lists all)\n"), out);
        assertTrue(out.contains("NEEDS ATTENTION (4):\n"), out);
        assertTrue(out.matches("(?s).*\n  mtls-service-2:1 expires \\S+ \\((9|10) days left\\), inside the 30-day renewal window;"
                + " used by 1 function: fn-short\n.*"), out);
        assertTrue(out.matches("(?s).*\n  mtls-expired:1 expired \\S+ \\(\\d+ days ago\\); used by 1 function: fn-expired\n.*"), out);
        assertTrue(out.contains("\n  mtls-broken:1 manifest cannot be read: "), out);
        assertTrue(out.contains("\n  mtls-gone:1 manifest cannot be read: the version is deleted"), out);
        assertTrue(out.contains("mtls-gone: newest version none (all deleted), 0 functions on it, 1 function on older versions"), out);
        assertFalse(out.contains("acme-service-1") || out.contains("shared-utils") || out.contains("filler-"), out);
        assertEquals("", result.err());
    }

    @Test
    void layerFilterOfAHealthyLayerExitsZeroWithoutListingLayers() throws Exception {
        aws.clearRequests();
        Cli.Result result = FakeAwsCli.run(aws, "status", "--layer", "mtls-service-1", "--output", "json")
                .assertExit(0, "status --layer mtls-service-1");
        JsonNode root = json(result);

        assertEquals(List.of("mtls-service-1"), texts(root.path("layers"), "layerName"));
        assertFalse(root.path("needsAttention").asBoolean());
        assertEquals(0, root.path("attention").size());
        assertTrue(root.path("layerPrefix").isNull());
        assertEquals(List.of(), aws.requests("ListLayers"), "named layers are not discovered");

        Cli.Result text = FakeAwsCli.run(aws, "status", "--layer", "mtls-service-1").assertExit(0, "text");
        assertTrue(text.out().contains("OK: no layer version in use expires within 30 days, is weak or cannot be read."), text.out());
    }

    @Test
    void aVersionInUseInsideTheWindowExitsThreeUntilTheWindowIsMoved() throws Exception {
        JsonNode inside = json(FakeAwsCli.run(aws, "status", "--layer", "mtls-service-2", "--output", "json")
                .assertExit(3, "10 days left, 30-day window"));
        assertEquals("renew", version(layer(inside, "mtls-service-2"), 1).path("state").asText());

        JsonNode outside = json(FakeAwsCli.run(aws, "status", "--layer", "mtls-service-2", "--renew-before", "5", "--output", "json")
                .assertExit(0, "10 days left, 5-day window"));
        assertEquals("ok", version(layer(outside, "mtls-service-2"), 1).path("state").asText());
        assertEquals(5, outside.path("renewBeforeDays").asInt());
    }

    @Test
    void aVersionInsideTheWindowThatNoFunctionUsesExitsZero() throws Exception {
        JsonNode root = json(FakeAwsCli.run(aws, "status", "--layer", "mtls-idle", "--output", "json")
                .assertExit(0, "idle 10-day version"));
        JsonNode idle = version(layer(root, "mtls-idle"), 1);
        assertEquals("renew", idle.path("state").asText());
        assertFalse(idle.path("needsAttention").asBoolean());
    }

    @Test
    void theSameVersionNoLongerInUseExitsZero() throws Exception {
        publish(shortLived, "service-2", "rotating-service-2", "--force");
        aws.lambda().createFunction("fn-rotating", "java21", List.of(layerVersionArn("rotating-service-2", 1)), Map.of());

        JsonNode inUse = json(FakeAwsCli.run(aws, "status", "--layer", "rotating-service-2", "--output", "json")
                .assertExit(3, "in use inside the window"));
        assertEquals(List.of("fn-rotating"), texts(version(layer(inUse, "rotating-service-2"), 1).path("functions"), "functionName"));

        try (LambdaClient client = FakeAwsCli.lambda(aws)) {
            client.updateFunctionConfiguration(b -> b.functionName("fn-rotating").layers(List.of()));
        }
        aws.lambda().completeUpdates();

        JsonNode idle = json(FakeAwsCli.run(aws, "status", "--layer", "rotating-service-2", "--output", "json")
                .assertExit(0, "the same version, no longer in use"));
        JsonNode version = version(layer(idle, "rotating-service-2"), 1);
        assertEquals("renew", version.path("state").asText());
        assertEquals(0, version.path("functionCount").asInt());
    }

    @Test
    void anExpiredVersionInUseExitsThreeWhateverTheWindow() throws Exception {
        JsonNode root = json(FakeAwsCli.run(aws, "status", "--layer", "mtls-expired", "--renew-before", "0", "--output", "json")
                .assertExit(3, "expired, in use"));
        assertEquals("expired", version(layer(root, "mtls-expired"), 1).path("state").asText());
    }

    @Test
    void functionsOnAnUnreadableOrDeletedVersionExitThree() {
        Cli.Result broken = FakeAwsCli.run(aws, "status", "--layer", "mtls-broken").assertExit(3, "no manifest");
        assertTrue(broken.out().contains("mtls-broken:1 manifest cannot be read: "), broken.out());
        assertTrue(broken.out().contains("used by 1 function: fn-broken"), broken.out());

        Cli.Result gone = FakeAwsCli.run(aws, "status", "--layer", "mtls-gone").assertExit(3, "deleted version in use");
        assertTrue(gone.out().contains("(deleted)"), gone.out());
        assertTrue(gone.out().contains("used by 1 function: fn-gone"), gone.out());
    }

    @Test
    void layerPrefixSelectsAnotherNaming() throws Exception {
        aws.clearRequests();
        JsonNode root = json(FakeAwsCli.run(aws, "status", "--layer-prefix", "acme-", "--output", "json")
                .assertExit(0, "acme-service-1 is healthy"));

        assertEquals(List.of("acme-service-1"), texts(root.path("layers"), "layerName"));
        assertEquals("acme-", root.path("layerPrefix").asText());
        JsonNode acme = version(layer(root, "acme-service-1"), 1);
        assertEquals(List.of("fn-acme"), texts(acme.path("functions"), "functionName"));
        assertEquals(List.of("/mtls/service-1/keystore-password:3", "/mtls/service-1/truststore-password:1"),
                strings(acme.path("pinnedParameters")));
        assertFalse(aws.requests("ListLayers").isEmpty());
    }

    @Test
    void aNamedLayerThatDoesNotExistIsAFailureNotAnEmptyHealthyList() {
        Cli.Result result = FakeAwsCli.run(aws, "status", "--layer", "mtls-nothing-here").assertExit(1, "no such layer");
        assertTrue(result.err().contains("no layer named mtls-nothing-here"), result.err());
        assertEquals("", result.out());
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                Arguments.of(List.of("--renew-before", "-1"), 1, "--renew-before must be 0 or more days"),
                Arguments.of(List.of("--renew-before", "soon"), 2, "--renew-before"),
                Arguments.of(List.of("--layer", "my layer!"), 1, "invalid layer name 'my layer!'"),
                Arguments.of(List.of("--layer", "x".repeat(141)), 1, "invalid layer name"),
                Arguments.of(List.of("--layer-prefix", "mtls/"), 1, "invalid --layer-prefix 'mtls/'"),
                Arguments.of(List.of("--layer-prefix", ""), 1, "invalid --layer-prefix ''"),
                Arguments.of(List.of("--layer", "mtls-service-1", "--layer-prefix", "mtls-"), 1, "exclude each other"),
                Arguments.of(List.of("--output", "yaml"), 2, "--output"),
                Arguments.of(List.of("--region", "xx-nowhere-9"), 1, "unknown AWS region 'xx-nowhere-9'"));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void badInputIsOneLineAndCallsNothing(List<String> extra, int exitCode, String expected) {
        aws.clearRequests();
        List<String> args = new ArrayList<>(List.of("status"));
        args.addAll(extra);

        Cli.Result result = FakeAwsCli.run(aws, args.toArray(String[]::new)).assertExit(exitCode, String.join(" ", args));

        assertEquals(1, result.errLines().size(), result.err());
        String line = result.errLines().get(0);
        assertTrue(line.startsWith("mtls-cli: ") && line.contains(expected), line);
        assertFalse(line.contains("internal error"), line);
        assertEquals("", result.out());
        assertEquals(List.of(), aws.requests(), "no AWS call may be made for bad input");
    }

    // ---- helpers

    private static void publish(Workspace workspace, String service, String layerName, String... extra) {
        List<String> args = new ArrayList<>(List.of("layer", "publish", "--workspace", workspace.root().toString(),
                "--service", service, "--layer-name", layerName));
        args.addAll(List.of(extra));
        FakeAwsCli.runOk(aws, args.toArray(String[]::new));
    }

    private static String layerVersionArn(String layerName, long version) {
        return aws.lambda().layerVersions(layerName).stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> new AssertionError("no " + layerName + ":" + version)).layerVersionArn();
    }

    private static byte[] manifest(String service, Instant notAfter) {
        return LayerManifests.toJson(new LayerManifest(LayerManifest.VERSION, service, "backend-" + service + ".com",
                new StoreRef("keystore.p12", "PKCS12", ParameterRef.parse("/mtls/" + service + "/keystore-password:2")),
                new StoreRef("truststore.p12", "PKCS12", ParameterRef.parse("/mtls/" + service + "/truststore-password:1")),
                notAfter.truncatedTo(ChronoUnit.SECONDS), "AA:BB"));
    }

    private static JsonNode json(Cli.Result result) throws IOException {
        return new ObjectMapper().readTree(result.out());
    }

    private static JsonNode layer(JsonNode root, String name) {
        return StreamSupport.stream(root.path("layers").spliterator(), false)
                .filter(layer -> name.equals(layer.path("layerName").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no layer " + name + " in " + root));
    }

    private static JsonNode version(JsonNode layer, long version) {
        return StreamSupport.stream(layer.path("versions").spliterator(), false)
                .filter(v -> v.path("version").asLong() == version).findFirst()
                .orElseThrow(() -> new AssertionError("no version " + version + " in " + layer));
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.path(field).asText()).toList();
    }

    private static List<Long> longs(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.path(field).asLong()).toList();
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
