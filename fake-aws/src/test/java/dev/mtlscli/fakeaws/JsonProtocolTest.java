package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/** The answers on the wire, seen by a plain HTTP client: error headers and bodies, and a tampered body. */
class JsonProtocolTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeAws aws;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private HttpResponse<String> post(Map<String, String> headers, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(aws.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The headers of a GetParameters call over {@code signedBody}, signed with the fake's credentials. */
    private Map<String, String> signedHeaders(String signedBody) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(aws.endpoint().resolve("/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "AmazonSSM.GetParameters")
                .build();
        SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r
                .request(request)
                .payload(ContentStreamProvider.fromUtf8String(signedBody))
                .identity(AwsCredentialsIdentity.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ssm"));
        Map<String, String> headers = new java.util.HashMap<>();
        signed.request().forEachHeader((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) { // the JDK client sets Host itself, to the same value
                headers.put(name, values.get(0));
            }
        });
        return headers;
    }

    @Test
    void anUnsignedCallIsAnsweredAsAwsDoes() throws Exception {
        HttpResponse<String> response = post(Map.of(
                "Content-Type", "application/x-amz-json-1.1",
                "X-Amz-Target", "AmazonSSM.GetParameters"), "{\"Names\":[\"/a\"]}");

        assertEquals(400, response.statusCode());
        assertEquals("application/x-amz-json-1.1", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.headers().firstValue("x-amzn-ErrorType").orElseThrow()
                .startsWith("MissingAuthenticationTokenException:"));
        assertTrue(response.headers().firstValue("x-amzn-RequestId").isPresent());
        Map<String, Object> body = Json.parseObject(response.body());
        assertEquals("MissingAuthenticationTokenException", body.get("__type"));
        assertEquals("Missing Authentication Token", body.get("message"));
        assertEquals("MissingAuthenticationTokenException", aws.requests("GetParameters").get(0).errorType());
    }

    @Test
    void anUnknownTargetIsAnUnknownOperation() throws Exception {
        HttpResponse<String> response = post(Map.of("X-Amz-Target", "Kinesis_20131202.PutRecord"), "{}");

        assertEquals(400, response.statusCode());
        assertEquals("UnknownOperationException", Json.parseObject(response.body()).get("__type"));
    }

    @Test
    void aSignedCallFromAnotherSigningClientIsAccepted() throws Exception {
        aws.ssm().put("/a", "value-a", false);
        String body = "{\"Names\":[\"/a\"]}";

        HttpResponse<String> response = post(signedHeaders(body), body);

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.body().contains("\"Value\":\"value-a\""), response.body());
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() throws Exception {
        aws.ssm().put("/a", "value-a", false);
        aws.ssm().put("/b", "value-b", false);

        HttpResponse<String> response = post(signedHeaders("{\"Names\":[\"/a\"]}"), "{\"Names\":[\"/b\"]}");

        assertEquals(400, response.statusCode());
        assertEquals("InvalidSignatureException", Json.parseObject(response.body()).get("__type"));
    }

    @Test
    void aSignedBodyThatIsNotJsonIsASerializationError() throws Exception {
        String body = "{not json";

        HttpResponse<String> response = post(signedHeaders(body), body);

        assertEquals(400, response.statusCode());
        assertEquals("SerializationException", Json.parseObject(response.body()).get("__type"));
        assertEquals(body, aws.requests().get(0).body());
    }
}
