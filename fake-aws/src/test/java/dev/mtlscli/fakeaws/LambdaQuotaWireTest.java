package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.ThrottleReason;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * Lambda's control-plane quotas per account-region through the real LambdaClient (no retries, so
 * each call is one request): GetFunction 100 per second, the rest of the control plane 15 per
 * second together, Invoke uncounted, on the fake's clock, which the test moves.
 */
class LambdaQuotaWireTest {
    private static final String EAST = "us-east-1";
    private static final String WEST = "eu-west-1";
    /** One token of a 15-per-second bucket. */
    private static final Duration ONE_FIFTEENTH = Duration.ofNanos(1_000_000_000L / 15 + 1);

    private final AcmPcaWireTest.SteppingClock clock =
            new AcmPcaWireTest.SteppingClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    private FakeAws aws;
    private LambdaClient east;
    private LambdaClient west;
    private String v1;

    @BeforeEach
    void start() {
        aws = FakeAws.start(List.of(EAST, WEST), clock);
        east = LambdaWire.withoutRetries(aws, EAST);
        west = LambdaWire.withoutRetries(aws, WEST);
        v1 = aws.lambda(EAST).publishLayerVersion("mtls-service-1", LambdaWire.layerZip("service-1")).layerVersionArn();
        aws.lambda(EAST).createFunction("orders", "java21", List.of(v1), Map.of());
        aws.lambda(WEST).createFunction("orders", "java21", List.of(), Map.of());
    }

    @AfterEach
    void stop() {
        east.close();
        west.close();
        aws.close();
    }

    @Test
    void quotasAreNotEnforcedUnlessSwitchedOn() {
        for (int i = 0; i < 40; i++) {
            east.getFunctionConfiguration(b -> b.functionName("orders"));
        }
        assertEquals(40, aws.requests("GetFunctionConfiguration").stream().filter(RecordedRequest::succeeded).count());
    }

    @Test
    void theControlPlaneSharesFifteenASecondAndTheSixteenthIsRefusedAsLambdaRefusesIt() {
        aws.enforceLambdaQuotas(true);
        // 15 calls of different operations in the same instant: one quota for all of them
        for (int i = 0; i < 5; i++) {
            east.getFunctionConfiguration(b -> b.functionName("orders"));
            east.listFunctions();
            east.listLayerVersions(b -> b.layerName("mtls-service-1"));
        }
        TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                () -> east.updateFunctionConfiguration(b -> b.functionName("orders").layers(List.of())));
        assertEquals(429, refused.statusCode());
        assertEquals("TooManyRequestsException", refused.awsErrorDetails().errorCode());
        assertEquals("Rate exceeded", refused.awsErrorDetails().errorMessage());
        assertEquals(ThrottleReason.CALLER_RATE_LIMIT_EXCEEDED, refused.reason());
        assertEquals("User", refused.type());
        assertEquals("1", refused.retryAfterSeconds(), "the Retry-After header, in whole seconds");
        assertEquals(List.of(v1), aws.lambda(EAST).function("orders").orElseThrow().layerArns(),
                "a refused update changes nothing");
        RecordedRequest recorded = aws.requests("UpdateFunctionConfiguration").get(0);
        assertEquals(429, recorded.status());
        assertEquals("TooManyRequestsException", recorded.errorType());
        List<FakeLambda.CountedCall> counted = aws.lambda(EAST).countedCalls();
        assertEquals(16, counted.size());
        assertEquals(new FakeLambda.CountedCall("UpdateFunctionConfiguration", "Remainder of the control plane API requests",
                clock.instant(), false), counted.get(15));
        assertTrue(counted.subList(0, 15).stream().allMatch(FakeLambda.CountedCall::admitted));
        assertEquals(List.of(), aws.lambda(WEST).countedCalls(), "each account-region counts its own");
    }

    @Test
    void theBucketRefillsAtFifteenASecondOnTheFakesClockAndARefusedCallTakesNothing() {
        aws.enforceLambdaQuotas(true);
        exhaustControlPlane(east);
        for (int i = 0; i < 3; i++) {
            assertThrows(TooManyRequestsException.class, () -> east.listFunctions());
        }
        clock.advance(ONE_FIFTEENTH);
        east.listFunctions();
        assertThrows(TooManyRequestsException.class, () -> east.listFunctions());
        clock.advance(Duration.ofSeconds(5));
        exhaustControlPlane(east); // full again, and never more than one second's worth
        assertThrows(TooManyRequestsException.class, () -> east.listFunctions());
    }

    @Test
    void getFunctionHasAHundredASecondOfItsOwnAndInvokeIsNotCounted() {
        aws.enforceLambdaQuotas(true);
        exhaustControlPlane(east);
        for (int i = 0; i < 100; i++) {
            east.getFunction(b -> b.functionName("orders"));
        }
        TooManyRequestsException refused = assertThrows(TooManyRequestsException.class,
                () -> east.getFunction(b -> b.functionName("orders")));
        assertEquals(ThrottleReason.CALLER_RATE_LIMIT_EXCEEDED, refused.reason());
        for (int i = 0; i < 30; i++) {
            assertEquals(200, east.invoke(b -> b.functionName("orders")).statusCode());
        }
        assertTrue(aws.lambda(EAST).countedCalls().stream().noneMatch(call -> call.operation().equals("Invoke")));
        assertEquals(101, aws.lambda(EAST).countedCalls().stream().filter(call -> call.quota().equals("GetFunction API requests")).count());
    }

    @Test
    void eachAccountRegionHasItsOwnQuota() {
        aws.enforceLambdaQuotas(true);
        exhaustControlPlane(east);
        assertThrows(TooManyRequestsException.class, () -> east.listFunctions());
        exhaustControlPlane(west);
        assertThrows(TooManyRequestsException.class, () -> west.listFunctions());
    }

    @Test
    void switchedOffEveryCallIsAdmittedAgain() {
        aws.enforceLambdaQuotas(true);
        exhaustControlPlane(east);
        aws.enforceLambdaQuotas(false);
        for (int i = 0; i < 30; i++) {
            east.listFunctions();
        }
    }

    @Test
    void everyRecordedRequestCarriesTheTimeItWasAnsweredByTheFakesClock() {
        Instant first = clock.instant();
        east.listFunctions();
        clock.advance(Duration.ofMillis(250));
        east.getFunction(b -> b.functionName("orders"));
        List<RecordedRequest> requests = aws.requests();
        assertEquals(first, requests.get(0).at());
        assertEquals(first.plusMillis(250), requests.get(1).at());
        assertEquals(EAST, requests.get(1).signedRegion());
    }

    private static void exhaustControlPlane(LambdaClient lambda) {
        for (int i = 0; i < 15; i++) {
            lambda.listFunctions();
        }
    }
}
