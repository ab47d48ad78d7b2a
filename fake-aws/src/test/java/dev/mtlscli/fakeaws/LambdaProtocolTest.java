package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;
import software.amazon.awssdk.services.lambda.waiters.LambdaWaiter;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Lambda's REST-JSON protocol on the wire: signature refusals, error shapes, retries of injected faults, load. */
class LambdaProtocolTest {
    private static final String FUNCTION = "orders";

    private final HttpClient http = HttpClient.newHttpClient();
    private FakeAws aws;
    private LambdaClient lambda;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        lambda = LambdaWire.client(aws);
        aws.lambda().createFunction(FUNCTION, "java21", List.of(), Map.of());
    }

    @AfterEach
    void stop() {
        lambda.close();
        aws.close();
    }

    @Test
    void aWrongSecretKeyIsRefusedWith403() {
        try (LambdaClient wrong = LambdaWire.client(aws, FakeAws.ACCESS_KEY_ID, "not-the-secret")) {
            LambdaException e = assertThrows(LambdaException.class,
                    () -> wrong.getFunctionConfiguration(r -> r.functionName(FUNCTION)));

            assertEquals(403, e.statusCode());
            assertEquals("InvalidSignatureException", e.awsErrorDetails().errorCode());
            assertTrue(e.getMessage().startsWith("The request signature we calculated does not match"),
                    e.getMessage());
        }
        List<RecordedRequest> gets = aws.requests("GetFunctionConfiguration");
        assertEquals(1, gets.size(), "the SDK does not retry a refused signature");
        assertEquals("InvalidSignatureException", gets.get(0).errorType());
    }

    @Test
    void anUnknownAccessKeyIsAnUnrecognizedClient() {
        try (LambdaClient stranger = LambdaWire.client(aws, "AKIDSOMEONEELSE00000", FakeAws.SECRET_ACCESS_KEY)) {
            LambdaException e = assertThrows(LambdaException.class, () -> stranger.listFunctions(r -> { }));

            assertEquals("UnrecognizedClientException", e.awsErrorDetails().errorCode());
            assertEquals(403, e.statusCode());
        }
    }

    @Test
    void anArnInThePathIsSignedAndRoutedAsOneSegment() {
        String arn = aws.lambda().functionArn(FUNCTION);

        assertEquals(FUNCTION, lambda.getFunctionConfiguration(r -> r.functionName(arn)).functionName());
        assertEquals(Map.of(), lambda.listTags(r -> r.resource(arn)).tags());
    }

    @Test
    void anUnsignedCallIsAnsweredAsLambdaDoes() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                aws.endpoint().resolve("/2015-03-31/functions/" + FUNCTION + "/configuration")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(403, response.statusCode());
        assertEquals("MissingAuthenticationTokenException",
                response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertTrue(response.headers().firstValue("x-amzn-RequestId").isPresent());
        Map<String, Object> body = Json.parseObject(response.body());
        assertEquals("User", body.get("Type"));
        assertEquals("Missing Authentication Token", body.get("message"));
        assertEquals("MissingAuthenticationTokenException", aws.requests("GetFunctionConfiguration").get(0).errorType());
    }

    @Test
    void anUnknownPathIsAnUnknownOperation() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                aws.endpoint().resolve("/2015-03-31/event-source-mappings/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(404, response.statusCode());
        assertEquals("UnknownOperationException", response.headers().firstValue("x-amzn-ErrorType").orElseThrow());
        assertNull(aws.requests().get(0).operation());
    }

    @Test
    void aThrottledCallIsRetriedBySdkAndSucceeds() {
        aws.failNext("GetFunctionConfiguration", 429, "TooManyRequestsException");

        assertEquals(FUNCTION, lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).functionName());

        List<RecordedRequest> gets = aws.requests("GetFunctionConfiguration");
        assertEquals(2, gets.size());
        assertEquals(429, gets.get(0).status());
        assertEquals("TooManyRequestsException", gets.get(0).errorType());
        assertTrue(gets.get(1).succeeded());
    }

    @Test
    void persistentThrottlingSurfacesTooManyRequests() {
        aws.throttleEvery("ListFunctions", 1);

        TooManyRequestsException e = assertThrows(TooManyRequestsException.class,
                () -> lambda.listFunctions(r -> { }));

        assertEquals(429, e.statusCode());
        assertEquals("TooManyRequestsException", e.awsErrorDetails().errorCode());
        assertEquals(3, aws.requests("ListFunctions").size(), "the standard retry mode makes 3 attempts");
        aws.throttleEvery("ListFunctions", 0);
        assertEquals(1, lambda.listFunctions(r -> { }).functions().size());
    }

    @Test
    void aThrottleScheduleRefusesTheSameCallsEveryRun() {
        aws.throttleEvery("GetFunctionConfiguration", 3);

        for (int i = 0; i < 5; i++) {
            lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));
        }

        // requests 3 and 6 are refused, and each is retried at once: 5 SDK calls take 7 requests
        assertEquals(List.of(200, 200, 429, 200, 200, 429, 200), aws.requests("GetFunctionConfiguration").stream()
                .map(RecordedRequest::status).toList());
    }

    @Test
    void aServiceExceptionIsRetried() {
        aws.failNext("UpdateFunctionConfiguration", 500, "ServiceException");

        lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).memorySize(256));

        List<RecordedRequest> updates = aws.requests("UpdateFunctionConfiguration");
        assertEquals(List.of(500, 200), updates.stream().map(RecordedRequest::status).toList());
        assertEquals(256, aws.lambda().function(FUNCTION).orElseThrow().memorySize());
    }

    @Test
    void aPersistentServiceExceptionSurfaces() {
        for (int i = 0; i < 3; i++) {
            aws.failNext("ListTags", 500, "ServiceException");
        }

        ServiceException e = assertThrows(ServiceException.class,
                () -> lambda.listTags(r -> r.resource(aws.lambda().functionArn(FUNCTION))));

        assertEquals(500, e.statusCode());
    }

    @Test
    void latencyHoldsEveryAnswer() {
        Duration latency = Duration.ofMillis(100);
        aws.latency(latency);

        long started = System.nanoTime();
        lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));
        lambda.listFunctions(r -> { });
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(latency.multipliedBy(2)) >= 0, "answered after " + took);
        aws.latency(Duration.ZERO);
    }

    @Test
    void theJsonServicesAreThrottledWithTheirOwnError() {
        aws.ssm().put("/mtls/p", "v", false);
        aws.throttleEvery(1);
        try (SsmClient ssm = SsmClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(FakeAws.ACCESS_KEY_ID, FakeAws.SECRET_ACCESS_KEY)))
                .region(Region.US_EAST_1)
                .endpointOverride(aws.endpoint())
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build()) {
            SsmException e = assertThrows(SsmException.class, () -> ssm.getParameter(r -> r.name("/mtls/p")));

            assertEquals(400, e.statusCode());
            assertEquals("ThrottlingException", e.awsErrorDetails().errorCode());
        }
    }

    /** Many functions rotated at once, with latency and throttling, as the benchmark will do it. */
    @Test
    void concurrentRotationsUnderThrottlingAllLand() throws Exception {
        String v1 = aws.lambda().publishLayerVersion("mtls", LambdaWire.layerZip("v1")).layerVersionArn();
        String v2 = aws.lambda().publishLayerVersion("mtls", LambdaWire.layerZip("v2")).layerVersionArn();
        List<String> names = IntStream.range(0, 40).mapToObj(i -> "fn-" + i).toList();
        names.forEach(name -> aws.lambda().createFunction(name, "java21", List.of(v1), Map.of()));
        aws.latency(Duration.ofMillis(2));
        aws.throttleEvery(20);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (LambdaWaiter waiter = LambdaWaiter.builder().client(lambda)
                .overrideConfiguration(o -> o.backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(5)))
                        .maxAttempts(20))
                .build()) {
            List<Future<?>> rotations = new ArrayList<>();
            for (String name : names) {
                rotations.add(pool.submit(() -> {
                    lambda.updateFunctionConfiguration(r -> r.functionName(name).layers(v2));
                    waiter.waitUntilFunctionUpdated(r -> r.functionName(name));
                    return null;
                }));
            }
            for (Future<?> rotation : rotations) {
                rotation.get();
            }
        } finally {
            pool.shutdown();
        }

        for (String name : names) {
            FakeLambda.FunctionConfig config = aws.lambda().function(name).orElseThrow();
            assertEquals(List.of(v2), config.layerArns(), name);
            assertEquals("Successful", config.lastUpdateStatus(), name);
        }
        long throttled = aws.requests().stream().filter(r -> "TooManyRequestsException".equals(r.errorType())).count();
        assertTrue(throttled > 0, "some calls were throttled");
    }
}
