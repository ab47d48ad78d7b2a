package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AddLayerVersionPermissionResponse;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionByArnResponse;
import software.amazon.awssdk.services.lambda.model.GetLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.ListLayerVersionsResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.PublishLayerVersionResponse;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.Runtime;

/** The real LambdaClient against the fake: layer versions, their contents and their policies. */
class LambdaLayersWireTest {
    private static final String LAYER = "mtls-service-1";
    private static final String LAYER_ARN = "arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT_ID + ":layer:" + LAYER;

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeAws aws;
    private LambdaClient lambda;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        lambda = LambdaWire.client(aws);
    }

    @AfterEach
    void stop() {
        lambda.close();
        aws.close();
    }

    private PublishLayerVersionResponse publish(byte[] zip) {
        return lambda.publishLayerVersion(r -> r.layerName(LAYER).description("mtls material")
                .compatibleRuntimes(Runtime.JAVA21).compatibleArchitectures(Architecture.X86_64, Architecture.ARM64)
                .licenseInfo("Apache-2.0")
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
    }

    private HttpResponse<byte[]> download(String location) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void publishAnswersLikeLambda() throws Exception {
        byte[] zip = LambdaWire.layerZip("service-1");

        PublishLayerVersionResponse published = publish(zip);

        assertEquals(1L, published.version());
        assertEquals(LAYER_ARN, published.layerArn());
        assertEquals(LAYER_ARN + ":1", published.layerVersionArn());
        assertEquals("mtls material", published.description());
        assertEquals(List.of(Runtime.JAVA21), published.compatibleRuntimes());
        assertEquals(List.of(Architecture.X86_64, Architecture.ARM64), published.compatibleArchitectures());
        assertEquals("Apache-2.0", published.licenseInfo());
        assertEquals(zip.length, published.content().codeSize());
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(zip));
        assertEquals(sha, published.content().codeSha256());
        assertTrue(published.createdDate().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000"),
                published.createdDate());
        RecordedRequest request = aws.requests("PublishLayerVersion").get(0);
        assertEquals(201, request.status());
        assertEquals("lambda", request.service());
    }

    @Test
    void versionNumbersGrowAndAreNeverReused() {
        byte[] zip = LambdaWire.layerZip("service-1");
        assertEquals(1L, publish(zip).version());
        assertEquals(2L, publish(zip).version());

        lambda.deleteLayerVersion(r -> r.layerName(LAYER).versionNumber(2L));
        lambda.deleteLayerVersion(r -> r.layerName(LAYER).versionNumber(1L));

        assertEquals(3L, publish(zip).version());
        assertEquals(List.of(3L), aws.lambda().layerVersions(LAYER).stream()
                .map(FakeLambda.LayerVersion::version).toList());
        assertEquals(1L, lambda.publishLayerVersion(r -> r.layerName("another-layer")
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip)))).version());
    }

    @Test
    void getReturnsADownloadableLocation() throws Exception {
        byte[] zip = LambdaWire.layerZip("service-1");
        publish(zip);

        GetLayerVersionResponse got = lambda.getLayerVersion(r -> r.layerName(LAYER).versionNumber(1L));

        assertEquals(LAYER_ARN + ":1", got.layerVersionArn());
        assertEquals("mtls material", got.description());
        HttpResponse<byte[]> download = download(got.content().location());
        assertEquals(200, download.statusCode());
        assertArrayEquals(zip, download.body());
        String sha = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(download.body()));
        assertEquals(got.content().codeSha256(), sha);
        assertTrue(download.request().headers().firstValue("Authorization").isEmpty());
        assertEquals(1, aws.requests("GetObject").size());
    }

    @Test
    void anOverriddenContentLocationIsAnsweredAsItIsForOneVersionOnly() {
        publish(LambdaWire.layerZip("service-1"));
        publish(LambdaWire.layerZip("service-1-v2"));

        aws.lambda().overrideContentLocation(LAYER_ARN + ":1", "file:///etc/passwd");

        assertEquals("file:///etc/passwd", lambda.getLayerVersion(r -> r.layerName(LAYER).versionNumber(1L)).content().location());
        assertEquals("file:///etc/passwd", lambda.getLayerVersionByArn(r -> r.arn(LAYER_ARN + ":1")).content().location());
        assertTrue(lambda.getLayerVersion(r -> r.layerName(LAYER).versionNumber(2L)).content().location().startsWith("http://"));
    }

    @Test
    void getByArnIsTheSameVersion() {
        publish(LambdaWire.layerZip("service-1"));
        publish(LambdaWire.layerZip("service-1-v2"));

        GetLayerVersionByArnResponse got = lambda.getLayerVersionByArn(r -> r.arn(LAYER_ARN + ":2"));

        assertEquals(2L, got.version());
        assertEquals(aws.lambda().layerVersion(LAYER_ARN + ":2").orElseThrow().codeSha256(),
                got.content().codeSha256());
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> lambda.getLayerVersionByArn(r -> r.arn(LAYER_ARN + ":9")));
        assertEquals(404, e.statusCode());
        assertEquals("ResourceNotFoundException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("Layer version " + LAYER_ARN + ":9 does not exist."), e.getMessage());
    }

    @Test
    void aDeletedVersionIsGoneAndItsLocationRefused() throws Exception {
        publish(LambdaWire.layerZip("service-1"));
        String location = lambda.getLayerVersion(r -> r.layerName(LAYER).versionNumber(1L)).content().location();

        lambda.deleteLayerVersion(r -> r.layerName(LAYER).versionNumber(1L));
        lambda.deleteLayerVersion(r -> r.layerName(LAYER).versionNumber(1L)); // idempotent, as in Lambda

        assertThrows(ResourceNotFoundException.class,
                () -> lambda.getLayerVersion(r -> r.layerName(LAYER).versionNumber(1L)));
        assertEquals(403, download(location).statusCode());
        assertEquals(403, download(aws.endpoint() + "/_content/no-such-token").statusCode());
        assertEquals(List.of(204, 204), aws.requests("DeleteLayerVersion").stream().map(RecordedRequest::status)
                .toList());
    }

    @Test
    void listIsNewestFirstAndPaginated() {
        for (int i = 0; i < 5; i++) {
            aws.lambda().publishLayerVersion(LAYER, LambdaWire.layerZip("v" + i));
        }

        ListLayerVersionsResponse first = lambda.listLayerVersions(r -> r.layerName(LAYER).maxItems(2));
        assertEquals(List.of(5L, 4L), first.layerVersions().stream().map(LayerVersionsListItem::version).toList());
        assertNotNull(first.nextMarker());
        ListLayerVersionsResponse second = lambda.listLayerVersions(r -> r.layerName(LAYER).maxItems(2)
                .marker(first.nextMarker()));
        assertEquals(List.of(3L, 2L), second.layerVersions().stream().map(LayerVersionsListItem::version).toList());

        List<Long> all = lambda.listLayerVersionsPaginator(r -> r.layerName(LAYER).maxItems(2)).layerVersions()
                .stream().map(LayerVersionsListItem::version).toList();
        assertEquals(List.of(5L, 4L, 3L, 2L, 1L), all);
        assertEquals(LAYER_ARN + ":5", first.layerVersions().get(0).layerVersionArn());
    }

    @Test
    void listFiltersOnRuntimeAndArchitecture() {
        byte[] zip = LambdaWire.layerZip("service-1");
        lambda.publishLayerVersion(r -> r.layerName(LAYER).compatibleRuntimes(Runtime.JAVA17)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));
        lambda.publishLayerVersion(r -> r.layerName(LAYER).compatibleRuntimes(Runtime.JAVA21)
                .compatibleArchitectures(Architecture.ARM64).content(c -> c.zipFile(SdkBytes.fromByteArray(zip))));

        assertEquals(List.of(1L), lambda.listLayerVersions(r -> r.layerName(LAYER)
                .compatibleRuntime(Runtime.JAVA17)).layerVersions().stream().map(LayerVersionsListItem::version)
                .toList());
        assertEquals(List.of(2L), lambda.listLayerVersions(r -> r.layerName(LAYER)
                .compatibleArchitecture(Architecture.ARM64)).layerVersions().stream()
                .map(LayerVersionsListItem::version).toList());
        assertEquals(List.of(LAYER), lambda.listLayers(r -> r.compatibleRuntime(Runtime.JAVA21)).layers().stream()
                .map(l -> l.layerName()).toList());
        assertEquals(2L, lambda.listLayers(r -> { }).layers().get(0).latestMatchingVersion().version());
    }

    @Test
    void anUnknownLayerListsNoVersions() {
        assertTrue(lambda.listLayerVersions(r -> r.layerName("never-published")).layerVersions().isEmpty());
    }

    @Test
    void permissionsBuildTheLayerPolicy() {
        publish(LambdaWire.layerZip("service-1"));

        AddLayerVersionPermissionResponse account = lambda.addLayerVersionPermission(r -> r.layerName(LAYER)
                .versionNumber(1L).statementId("account-210987654321").action("lambda:GetLayerVersion")
                .principal("210987654321"));
        AddLayerVersionPermissionResponse org = lambda.addLayerVersionPermission(r -> r.layerName(LAYER)
                .versionNumber(1L).statementId("org").action("lambda:GetLayerVersion").principal("*")
                .organizationId("o-a1b2c3d4e5"));

        assertEquals("{\"Sid\":\"account-210987654321\",\"Effect\":\"Allow\",\"Principal\":"
                + "{\"AWS\":\"arn:aws:iam::210987654321:root\"},\"Action\":\"lambda:GetLayerVersion\","
                + "\"Resource\":\"" + LAYER_ARN + ":1\"}", account.statement());
        assertNotEquals(account.revisionId(), org.revisionId());
        var policy = lambda.getLayerVersionPolicy(r -> r.layerName(LAYER).versionNumber(1L));
        assertEquals(org.revisionId(), policy.revisionId());
        Map<String, Object> document = Json.parseObject(policy.policy());
        assertEquals("2012-10-17", document.get("Version"));
        assertEquals("default", document.get("Id"));
        List<?> statements = (List<?>) document.get("Statement");
        assertEquals(2, statements.size());
        Map<?, ?> orgStatement = (Map<?, ?>) statements.get(1);
        assertEquals("*", orgStatement.get("Principal"));
        assertEquals(Map.of("StringEquals", Map.of("aws:PrincipalOrgID", "o-a1b2c3d4e5")),
                orgStatement.get("Condition"));
        assertEquals(policy.policy(), aws.lambda().layerVersionPolicy(LAYER_ARN + ":1").orElseThrow());
    }

    @Test
    void aDuplicateStatementIdIsAConflict() {
        publish(LambdaWire.layerZip("service-1"));
        lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("sid")
                .action("lambda:GetLayerVersion").principal("210987654321"));

        ResourceConflictException e = assertThrows(ResourceConflictException.class,
                () -> lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("sid")
                        .action("lambda:GetLayerVersion").principal("*")));

        assertEquals(409, e.statusCode());
        assertEquals(1, ((List<?>) Json.parseObject(aws.lambda().layerVersionPolicy(LAYER_ARN + ":1").orElseThrow())
                .get("Statement")).size());
    }

    @Test
    void removingTheLastStatementRemovesThePolicy() {
        publish(LambdaWire.layerZip("service-1"));
        lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("sid")
                .action("lambda:GetLayerVersion").principal("arn:aws:iam::210987654321:root"));

        lambda.removeLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("sid"));

        ResourceNotFoundException none = assertThrows(ResourceNotFoundException.class,
                () -> lambda.getLayerVersionPolicy(r -> r.layerName(LAYER).versionNumber(1L)));
        assertTrue(none.getMessage().contains("No policy is associated with the given resource."), none.getMessage());
        assertThrows(ResourceNotFoundException.class, () -> lambda.removeLayerVersionPermission(r -> r
                .layerName(LAYER).versionNumber(1L).statementId("sid")));
        assertEquals(204, aws.requests("RemoveLayerVersionPermission").get(0).status());
    }

    @Test
    void aStaleRevisionIdIsAPreconditionFailure() {
        publish(LambdaWire.layerZip("service-1"));
        String first = lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("a")
                .action("lambda:GetLayerVersion").principal("210987654321")).revisionId();
        String second = lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("b")
                .action("lambda:GetLayerVersion").principal("109876543210").revisionId(first)).revisionId();

        PreconditionFailedException e = assertThrows(PreconditionFailedException.class,
                () -> lambda.addLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("c")
                        .action("lambda:GetLayerVersion").principal("*").revisionId(first)));

        assertEquals(412, e.statusCode());
        lambda.removeLayerVersionPermission(r -> r.layerName(LAYER).versionNumber(1L).statementId("a")
                .revisionId(second));
    }

    @Test
    void permissionArgumentsAreCheckedLikeTheApi() {
        publish(LambdaWire.layerZip("service-1"));

        LambdaException badPrincipal = assertThrows(LambdaException.class, () -> lambda.addLayerVersionPermission(
                r -> r.layerName(LAYER).versionNumber(1L).statementId("s").action("lambda:GetLayerVersion")
                        .principal("lambda.amazonaws.com")));
        assertEquals("ValidationException", badPrincipal.awsErrorDetails().errorCode());
        assertEquals(400, badPrincipal.statusCode());
        LambdaException badAction = assertThrows(LambdaException.class, () -> lambda.addLayerVersionPermission(
                r -> r.layerName(LAYER).versionNumber(1L).statementId("s").action("lambda:InvokeFunction")
                        .principal("*")));
        assertEquals("ValidationException", badAction.awsErrorDetails().errorCode());
        LambdaException badSid = assertThrows(LambdaException.class, () -> lambda.addLayerVersionPermission(
                r -> r.layerName(LAYER).versionNumber(1L).statementId("no spaces").action("lambda:GetLayerVersion")
                        .principal("*")));
        assertTrue(badSid.getMessage().contains("at 'statementId' failed to satisfy constraint"), badSid.getMessage());
        assertThrows(InvalidParameterValueException.class, () -> lambda.addLayerVersionPermission(
                r -> r.layerName(LAYER).versionNumber(1L).statementId("s").action("lambda:GetLayerVersion")
                        .principal("210987654321").organizationId("o-a1b2c3d4e5")));
        assertThrows(ResourceNotFoundException.class, () -> lambda.addLayerVersionPermission(
                r -> r.layerName(LAYER).versionNumber(7L).statementId("s").action("lambda:GetLayerVersion")
                        .principal("*")));
        assertFalse(aws.lambda().layerVersionPolicy(LAYER_ARN + ":1").isPresent());
    }

    @Test
    void publishChecksItsArguments() {
        byte[] zip = LambdaWire.layerZip("service-1");

        LambdaException badName = assertThrows(LambdaException.class, () -> lambda.publishLayerVersion(r -> r
                .layerName("has.dots").content(c -> c.zipFile(SdkBytes.fromByteArray(zip)))));
        assertEquals("ValidationException", badName.awsErrorDetails().errorCode());
        assertTrue(badName.getMessage().contains("at 'layerName'"), badName.getMessage());
        LambdaException longName = assertThrows(LambdaException.class, () -> lambda.publishLayerVersion(r -> r
                .layerName("x".repeat(141)).content(c -> c.zipFile(SdkBytes.fromByteArray(zip)))));
        assertTrue(longName.getMessage().contains("length less than or equal to 140"), longName.getMessage());
        assertEquals("ValidationException", assertThrows(LambdaException.class, () -> lambda.publishLayerVersion(
                r -> r.layerName(LAYER).description("d".repeat(257))
                        .content(c -> c.zipFile(SdkBytes.fromByteArray(zip))))).awsErrorDetails().errorCode());
        InvalidParameterValueException notZip = assertThrows(InvalidParameterValueException.class,
                () -> lambda.publishLayerVersion(r -> r.layerName(LAYER)
                        .content(c -> c.zipFile(SdkBytes.fromUtf8String("not a zip")))));
        assertTrue(notZip.getMessage().contains("Could not unzip uploaded file"), notZip.getMessage());
        InvalidParameterValueException s3 = assertThrows(InvalidParameterValueException.class,
                () -> lambda.publishLayerVersion(r -> r.layerName(LAYER)
                        .content(c -> c.s3Bucket("bucket").s3Key("layer.zip"))));
        assertTrue(s3.getMessage().contains("ZipFile"), s3.getMessage());
        assertTrue(aws.lambda().layerVersions(LAYER).isEmpty());
    }

    @Test
    void aLayerArnWorksAsTheLayerName() {
        publish(LambdaWire.layerZip("service-1"));

        assertEquals(2L, lambda.publishLayerVersion(r -> r.layerName(LAYER_ARN)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(LambdaWire.layerZip("x"))))).version());
        assertEquals(1L, lambda.getLayerVersion(r -> r.layerName(LAYER_ARN).versionNumber(1L)).version());
    }

    @Test
    void anArchiveOverTheLimitIsTooLarge() {
        aws.lambda().maxLayerZipBytes(1024);
        byte[] big = LambdaWire.zip(Map.of("random.bin", Base64.getEncoder().encodeToString(randomBytes(4096))));

        LambdaException e = assertThrows(LambdaException.class, () -> lambda.publishLayerVersion(r -> r
                .layerName(LAYER).content(c -> c.zipFile(SdkBytes.fromByteArray(big)))));

        assertEquals(413, e.statusCode());
        assertEquals("RequestEntityTooLargeException", e.awsErrorDetails().errorCode());
        assertTrue(e.getMessage().contains("Request must be smaller than 1366 bytes for the PublishLayerVersion"),
                e.getMessage());
        assertEquals(1, aws.requests("PublishLayerVersion").size(), "a 413 is not retried");
    }

    @Test
    void theRealLimitIsFiftyMebibytes() {
        byte[] justOver = new byte[(int) FakeLambda.MAX_LAYER_ZIP_BYTES + 1];
        System.arraycopy(new byte[] {'P', 'K', 3, 4}, 0, justOver, 0, 4);

        LambdaException e = assertThrows(LambdaException.class, () -> lambda.publishLayerVersion(r -> r
                .layerName(LAYER).content(c -> c.zipFile(SdkBytes.fromByteArrayUnsafe(justOver)))));

        assertEquals(413, e.statusCode());
        assertTrue(e.getMessage().contains("Request must be smaller than 69905067 bytes"), e.getMessage());
    }

    @Test
    void anotherAccountsLayerIsReadableOnlyWhenGranted() {
        String other = "210987654321";
        FakeLambda.LayerVersion shared = aws.lambda().publishLayerVersion(other, "shared-ca", LambdaWire.layerZip("ca"),
                null, List.of());

        LambdaException denied = assertThrows(LambdaException.class,
                () -> lambda.getLayerVersionByArn(r -> r.arn(shared.layerVersionArn())));
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());

        aws.lambda().addLayerVersionPermission(shared.layerVersionArn(), "to-us", FakeAws.ACCOUNT_ID, null);
        assertEquals(shared.codeSha256(), lambda.getLayerVersionByArn(r -> r.arn(shared.layerVersionArn()))
                .content().codeSha256());
        assertEquals("AccessDeniedException", assertThrows(LambdaException.class,
                () -> lambda.deleteLayerVersion(r -> r.layerName(shared.layerArn()).versionNumber(1L)))
                .awsErrorDetails().errorCode());
        assertNull(lambda.listLayers(r -> { }).layers().stream().filter(l -> l.layerName().equals("shared-ca"))
                .findFirst().orElse(null));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new java.util.Random(42).nextBytes(bytes);
        return bytes;
    }
}
