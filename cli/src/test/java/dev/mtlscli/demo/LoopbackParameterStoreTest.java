package dev.mtlscli.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParametersResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.SsmException;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo's Parameter Store, on the wire with the real SDK client, and as another local user would try it. */
class LoopbackParameterStoreTest {
    private static final String KEYSTORE = "/mtls/service-1/keystore-password";
    private static final String TRUSTSTORE = "/mtls/service-1/truststore-password";
    private static final String SECRET = "the-keystore-password-0123456789";

    private LoopbackParameterStore store;

    @BeforeEach
    void start() {
        store = LoopbackParameterStore.start(Map.of(KEYSTORE, SECRET, TRUSTSTORE, "the-truststore-password"));
    }

    @AfterEach
    void stop() {
        store.close();
    }

    @Test
    void theSdkClientGetsThePinnedVersionsDecrypted() {
        try (SsmClient ssm = store.newClient()) {
            GetParametersResponse response = ssm.getParameters(r -> r.names(KEYSTORE + ":1", TRUSTSTORE).withDecryption(true));

            assertEquals(0, response.invalidParameters().size(), response::toString);
            Map<String, Parameter> byName = new java.util.HashMap<>();
            response.parameters().forEach(p -> byName.put(p.name(), p));
            assertEquals(SECRET, byName.get(KEYSTORE).value());
            assertEquals(1L, byName.get(KEYSTORE).version());
            assertEquals(":1", byName.get(KEYSTORE).selector());
            assertEquals(ParameterType.SECURE_STRING, byName.get(KEYSTORE).type());
            assertEquals("the-truststore-password", byName.get(TRUSTSTORE).value());
        }
    }

    @Test
    void anotherVersionOrAnUnknownNameIsInvalidNotAnswered() {
        try (SsmClient ssm = store.newClient()) {
            GetParametersResponse response = ssm.getParameters(r -> r.names(KEYSTORE + ":2", "/mtls/other").withDecryption(true));

            assertEquals(0, response.parameters().size(), response::toString);
            assertEquals(java.util.List.of(KEYSTORE + ":2", "/mtls/other"), response.invalidParameters());
        }
    }

    @Test
    void credentialsOfAnotherRunAreRefused() {
        try (SsmClient other = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAOTHER", "secret", "token")))
                .endpointOverride(store.endpoint())
                .build()) {
            SsmException refused = assertThrows(SsmException.class,
                    () -> other.getParameters(r -> r.names(KEYSTORE).withDecryption(true)));
            assertEquals("UnrecognizedClientException", refused.awsErrorDetails().errorCode());
            assertFalse(refused.getMessage().contains(SECRET));
        }
    }

    @Test
    void aRequestWithoutTheTokenGetsNoPassword() throws Exception {
        HttpResponse<String> response = post(Map.of("X-Amz-Target", LoopbackParameterStore.GET_PARAMETERS),
                "{\"Names\":[\"" + KEYSTORE + "\"],\"WithDecryption\":true}");

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("UnrecognizedClientException"), response.body());
        assertFalse(response.body().contains(SECRET), response.body());
    }

    @Test
    void onlyGetParametersIsServed() {
        try (SsmClient ssm = store.newClient()) {
            SsmException refused = assertThrows(SsmException.class,
                    () -> ssm.putParameter(r -> r.name(KEYSTORE).value("replaced").type(ParameterType.SECURE_STRING).overwrite(true)));
            assertEquals("UnknownOperationException", refused.awsErrorDetails().errorCode());
            assertThrows(SsmException.class, () -> ssm.getParameter(r -> r.name(KEYSTORE).withDecryption(true)));
            assertEquals(SECRET, ssm.getParameters(r -> r.names(KEYSTORE).withDecryption(true)).parameters().get(0).value(),
                    "nothing was replaced");
        }
    }

    @Test
    void malformedOversizedAndTooManyNamesAreRefusedInOneError() throws Exception {
        try (SsmClient ssm = store.newClient()) {
            SsmException tooMany = assertThrows(SsmException.class, () -> ssm.getParameters(r -> r.names(
                    java.util.stream.IntStream.range(0, 11).mapToObj(i -> "/n" + i).toList()).withDecryption(true)));
            assertEquals("ValidationException", tooMany.awsErrorDetails().errorCode());
        }
        Map<String, String> headers = Map.of("X-Amz-Target", LoopbackParameterStore.GET_PARAMETERS,
                "X-Amz-Security-Token", store.credentials().sessionToken());
        HttpResponse<String> malformed = post(headers, "{\"Names\":[\"" + KEYSTORE + "\"");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("SerializationException"), malformed.body());
        HttpResponse<String> unexpected = post(headers, "{\"Names\":[\"" + KEYSTORE + "\"],\"WithDecryption\":true,\"Path\":\"/\"}");
        assertEquals(400, unexpected.statusCode(), "fields GetParameters does not have");
        HttpResponse<String> oversized = post(headers, "{\"Names\":[\"" + "x".repeat(LoopbackParameterStore.MAX_BODY) + "\"]}");
        assertEquals(413, oversized.statusCode());
        assertFalse(oversized.body().contains(SECRET));
    }

    @Test
    void itListensOnLoopbackOnly() throws Exception {
        URI endpoint = store.endpoint();
        assertTrue(InetAddress.getByName(endpoint.getHost()).isLoopbackAddress(), endpoint.toString());
    }

    private HttpResponse<String> post(Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(store.endpoint()).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
