package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterHistoryResponse;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** The real SsmClient against the fake: the wire protocol, SigV4, state and faults. */
class SsmWireTest {
    private static final String PASSWORD = "/mtls/service-1/keystore-password";

    private FakeAws aws;
    private SsmClient ssm;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        ssm = client(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY);
    }

    @AfterEach
    void stop() {
        ssm.close();
        aws.close();
    }

    private SsmClient client(String accessKeyId, String secretAccessKey) {
        return SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
                .region(Region.US_EAST_1)
                .endpointOverride(aws.endpoint())
                .build();
    }

    private long putSecure(String name, String value, boolean overwrite) {
        return ssm.putParameter(r -> r.name(name).value(value).type(ParameterType.SECURE_STRING)
                .overwrite(overwrite)).version();
    }

    @Test
    void versionSelectorsReturnEachVersionDecrypted() {
        assertEquals(1, putSecure(PASSWORD, "pw-one", false));
        assertEquals(2, putSecure(PASSWORD, "pw-two", true));

        GetParametersResponse response = ssm.getParameters(r -> r
                .names(PASSWORD + ":1", PASSWORD + ":2", "/mtls/missing")
                .withDecryption(true));

        assertEquals(List.of("/mtls/missing"), response.invalidParameters());
        assertEquals(2, response.parameters().size());
        Parameter first = byVersion(response, 1);
        Parameter second = byVersion(response, 2);
        assertEquals("pw-one", first.value());
        assertEquals("pw-two", second.value());
        assertEquals(PASSWORD, first.name());
        assertEquals(":1", first.selector());
        assertEquals(ParameterType.SECURE_STRING, second.type());
        assertEquals("arn:aws:ssm:us-east-1:" + FakeAws.ACCOUNT_ID + ":parameter" + PASSWORD, second.arn());
        assertNotNull(second.lastModifiedDate());
    }

    private static Parameter byVersion(GetParametersResponse response, long version) {
        return response.parameters().stream().filter(p -> p.version() == version).findFirst()
                .orElseThrow(() -> new AssertionError("no version " + version + " in " + response.parameters()));
    }

    @Test
    void recordsTheGetParametersRequestAsSent() {
        aws.ssm().put(PASSWORD, "pw", true);

        ssm.getParameters(r -> r.names(PASSWORD + ":1").withDecryption(true));

        List<RecordedRequest> gets = aws.requests("GetParameters");
        assertEquals(1, gets.size());
        RecordedRequest get = gets.get(0);
        assertEquals("ssm", get.service());
        assertEquals(Boolean.TRUE, get.json().get("WithDecryption"));
        assertEquals(List.of(PASSWORD + ":1"), get.json().get("Names"));
        assertEquals("AmazonSSM.GetParameters", get.header("X-Amz-Target"));
        assertEquals("application/x-amz-json-1.1", get.header("content-type"));
        assertTrue(get.succeeded());
    }

    @Test
    void secureStringWithoutDecryptionIsNotThePlaintext() {
        aws.ssm().put(PASSWORD, "plaintext-password", true);

        Parameter parameter = ssm.getParameter(r -> r.name(PASSWORD)).parameter();

        assertFalse(parameter.value().contains("plaintext-password"), parameter.value());
        assertEquals(aws.ssm().latest(PASSWORD).orElseThrow().encryptedValue(), parameter.value());
        assertEquals("plaintext-password",
                ssm.getParameter(r -> r.name(PASSWORD).withDecryption(true)).parameter().value());
    }

    @Test
    void plainStringIsReturnedAsIs() {
        aws.ssm().put("/mtls/region", "eu-west-1", false);

        Parameter parameter = ssm.getParameter(r -> r.name("/mtls/region")).parameter();

        assertEquals("eu-west-1", parameter.value());
        assertEquals(ParameterType.STRING, parameter.type());
    }

    @Test
    void putWithoutOverwriteOnAnExistingNameFails() {
        putSecure(PASSWORD, "pw-one", false);

        ParameterAlreadyExistsException e = assertThrows(ParameterAlreadyExistsException.class,
                () -> putSecure(PASSWORD, "pw-two", false));

        assertEquals(400, e.statusCode());
        assertEquals(1, aws.ssm().history(PASSWORD).size());
    }

    @Test
    void createKeepsKeyIdTagsAndDescription() {
        ssm.putParameter(r -> r.name(PASSWORD).value("pw").type(ParameterType.SECURE_STRING)
                .keyId("alias/mtls").description("keystore password")
                .tags(t -> t.key("app").value("mtls-cli")));

        FakeSsm.ParameterVersion stored = aws.ssm().latest(PASSWORD).orElseThrow();
        assertEquals("alias/mtls", stored.keyId());
        assertEquals("keystore password", stored.description());
        assertEquals(Map.of("app", "mtls-cli"), aws.ssm().tags(PASSWORD));
    }

    @Test
    void missingParameterAndMissingVersionAreTheirOwnErrors() {
        aws.ssm().put(PASSWORD, "pw", true);

        assertThrows(ParameterNotFoundException.class, () -> ssm.getParameter(r -> r.name("/mtls/none")));
        assertThrows(ParameterVersionNotFoundException.class, () -> ssm.getParameter(r -> r.name(PASSWORD + ":7")));
    }

    @Test
    void historyListsEveryVersionAndDeleteRemovesTheParameter() {
        aws.ssm().put(PASSWORD, "a", true);
        aws.ssm().put(PASSWORD, "b", true);
        aws.ssm().put(PASSWORD, "c", true);

        GetParameterHistoryResponse page = ssm.getParameterHistory(r -> r.name(PASSWORD).withDecryption(true)
                .maxResults(2));
        assertEquals(List.of("a", "b"), page.parameters().stream().map(p -> p.value()).toList());
        assertNotNull(page.nextToken());
        List<String> all = ssm.getParameterHistoryPaginator(r -> r.name(PASSWORD).withDecryption(true).maxResults(2))
                .stream().flatMap(r -> r.parameters().stream()).map(p -> p.value()).toList();
        assertEquals(List.of("a", "b", "c"), all);

        ssm.deleteParameter(r -> r.name(PASSWORD));
        assertFalse(aws.ssm().exists(PASSWORD));
        assertThrows(ParameterNotFoundException.class, () -> ssm.deleteParameter(r -> r.name(PASSWORD)));
    }

    @Test
    void wrongSecretKeyIsAnInvalidSignature() {
        aws.ssm().put(PASSWORD, "pw", true);
        try (SsmClient wrong = client(FakeAws.ACCESS_KEY_ID, "not-the-secret")) {
            SsmException e = assertThrows(SsmException.class,
                    () -> wrong.getParameters(r -> r.names(PASSWORD).withDecryption(true)));

            assertEquals(400, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
        }
        List<RecordedRequest> gets = aws.requests("GetParameters");
        assertEquals(1, gets.size(), "the SDK does not retry a bad signature when the clocks agree");
        assertEquals("InvalidSignatureException", gets.get(0).errorType());
    }

    @Test
    void unknownAccessKeyIsAnUnrecognizedClient() {
        try (SsmClient stranger = client("AKIDSOMEONEELSE00000", FakeAws.SECRET_ACCESS_KEY)) {
            SsmException e = assertThrows(SsmException.class,
                    () -> stranger.getParameter(r -> r.name(PASSWORD)));

            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
        }
    }

    @Test
    void anOperationTheFakeDoesNotServeIsAnUnknownOperation() {
        SsmException e = assertThrows(SsmException.class, () -> ssm.describeParameters(r -> { }));

        assertEquals("UnknownOperationException", e.awsErrorDetails().errorCode());
        assertEquals(400, e.statusCode());
    }

    @Test
    void theSdkRetriesAnInjectedThrottle() {
        aws.ssm().put(PASSWORD, "pw", true);
        aws.failNext("GetParameters", 400, "ThrottlingException");

        GetParametersResponse response = ssm.getParameters(r -> r.names(PASSWORD).withDecryption(true));

        assertEquals("pw", response.parameters().get(0).value());
        List<RecordedRequest> gets = aws.requests("GetParameters");
        assertEquals(2, gets.size());
        assertEquals("ThrottlingException", gets.get(0).errorType());
        assertEquals(400, gets.get(0).status());
        assertTrue(gets.get(1).succeeded());
        assertTrue(gets.stream().allMatch(g -> Boolean.TRUE.equals(g.json().get("WithDecryption"))));
    }

    @Test
    void anInjectedFailureIsUsedOnceAndSurfacesItsType() {
        aws.ssm().put(PASSWORD, "pw", false);
        aws.failNext("GetParameter", 400, "AccessDeniedException");

        SsmException e = assertThrows(SsmException.class, () -> ssm.getParameter(r -> r.name(PASSWORD)));

        assertEquals("AccessDeniedException", e.awsErrorDetails().errorCode());
        assertEquals("pw", ssm.getParameter(r -> r.name(PASSWORD)).parameter().value());
    }

    @Test
    void anInjectedDelayHoldsTheAnswer() {
        aws.ssm().put(PASSWORD, "pw", false);
        Duration delay = Duration.ofMillis(300);
        aws.delayNext("GetParameter", delay);

        long started = System.nanoTime();
        ssm.getParameter(r -> r.name(PASSWORD));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(delay) >= 0, "answered after " + took);
        assertEquals(1, aws.requests("GetParameter").size());
    }
}
