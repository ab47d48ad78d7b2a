package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.GetFunctionResponse;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.LastUpdateStatus;
import software.amazon.awssdk.services.lambda.model.Layer;
import software.amazon.awssdk.services.lambda.model.ListFunctionsResponse;
import software.amazon.awssdk.services.lambda.model.PreconditionFailedException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.UpdateFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.waiters.LambdaWaiter;

/** The real LambdaClient against the fake: function configuration, updates and their status, Invoke, tags. */
class LambdaFunctionsWireTest {
    private static final String FUNCTION = "orders";

    private FakeAws aws;
    private LambdaClient lambda;
    private String v1;
    private String v2;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        lambda = LambdaWire.client(aws);
        v1 = aws.lambda().publishLayerVersion("mtls-service-1", LambdaWire.layerZip("service-1")).layerVersionArn();
        v2 = aws.lambda().publishLayerVersion("mtls-service-1", LambdaWire.layerZip("service-1b")).layerVersionArn();
        aws.lambda().createFunction(FUNCTION, "java21", List.of(v1), Map.of("app", "mtls-demo"));
    }

    @AfterEach
    void stop() {
        lambda.close();
        aws.close();
    }

    private UpdateFunctionConfigurationResponse setLayers(String... arns) {
        return lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).layers(arns));
    }

    @Test
    void configurationDescribesTheSeededFunction() {
        GetFunctionConfigurationResponse config = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));

        assertEquals(FUNCTION, config.functionName());
        assertEquals("arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT_ID + ":function:" + FUNCTION, config.functionArn());
        assertEquals("java21", config.runtimeAsString());
        assertEquals(List.of(v1), config.layers().stream().map(Layer::arn).toList());
        assertEquals(aws.lambda().layerVersion(v1).orElseThrow().codeSize(), config.layers().get(0).codeSize());
        assertEquals("Active", config.stateAsString());
        assertEquals(LastUpdateStatus.SUCCESSFUL, config.lastUpdateStatus());
        assertEquals("$LATEST", config.version());
        assertNotNull(config.revisionId());
        assertNotNull(config.role());
        assertEquals(128, config.memorySize());
        assertTrue(config.lastModified().endsWith("+0000"), config.lastModified());
        assertEquals(config.functionName(), lambda.getFunctionConfiguration(r -> r.functionName(config.functionArn()))
                .functionName(), "a function ARN names the function too");
    }

    @Test
    void anUnknownFunctionIsNotFound() {
        ResourceNotFoundException e = assertThrows(ResourceNotFoundException.class,
                () -> lambda.getFunctionConfiguration(r -> r.functionName("nope")));

        assertEquals(404, e.statusCode());
        assertTrue(e.getMessage().contains("Function not found: arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT_ID
                + ":function:nope"), e.getMessage());
    }

    @Test
    void listFunctionsIsPaginated() {
        IntStream.range(0, 120).forEach(i -> aws.lambda().createFunction(String.format("fn-%03d", i), "java21",
                List.of(), Map.of()));

        ListFunctionsResponse first = lambda.listFunctions(r -> r.maxItems(200));
        assertEquals(50, first.functions().size(), "Lambda answers at most 50 per page");
        assertNotNull(first.nextMarker());
        List<String> all = lambda.listFunctionsPaginator(r -> r.maxItems(50)).functions().stream()
                .map(FunctionConfiguration::functionName).toList();
        assertEquals(121, all.size());
        assertEquals(all.stream().sorted().toList(), all);
        assertEquals(3, lambda.listFunctions(r -> r.maxItems(3)).functions().size());
    }

    @Test
    void anUpdateIsInProgressThenSuccessful() {
        String before = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).revisionId();

        UpdateFunctionConfigurationResponse updated = setLayers(v2);

        assertEquals(LastUpdateStatus.IN_PROGRESS, updated.lastUpdateStatus());
        assertEquals(List.of(v2), updated.layers().stream().map(Layer::arn).toList());
        assertNotEquals(before, updated.revisionId());
        assertEquals(LastUpdateStatus.IN_PROGRESS,
                lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).lastUpdateStatus());
        GetFunctionConfigurationResponse done = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));
        assertEquals(LastUpdateStatus.SUCCESSFUL, done.lastUpdateStatus());
        assertNull(done.lastUpdateStatusReason());
        assertEquals(List.of(v2), aws.lambda().function(FUNCTION).orElseThrow().layerArns());
        assertEquals(List.of(v2), aws.requests("UpdateFunctionConfiguration").get(0).json().get("Layers"));
    }

    @Test
    void theNumberOfReadsUntilDoneIsConfigurable() {
        aws.lambda().updatesCompleteAfterReads(0);
        setLayers(v2);
        assertEquals(LastUpdateStatus.SUCCESSFUL,
                lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).lastUpdateStatus());

        aws.lambda().updatesCompleteAfterReads(3);
        setLayers(v1);
        for (int i = 0; i < 3; i++) {
            assertEquals(LastUpdateStatus.IN_PROGRESS,
                    lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).lastUpdateStatus());
        }
        assertEquals("InProgress", aws.lambda().function(FUNCTION).orElseThrow().lastUpdateStatus(),
                "inspection does not count as a read");
        assertEquals(LastUpdateStatus.SUCCESSFUL,
                lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).lastUpdateStatus());
    }

    @Test
    void anUpdateWhileOneIsInProgressIsAConflict() {
        setLayers(v2);

        ResourceConflictException e = assertThrows(ResourceConflictException.class, () -> setLayers(v1));

        assertEquals(409, e.statusCode());
        assertTrue(e.getMessage().contains("The operation cannot be performed at this time. An update is in progress"
                + " for resource: arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT_ID + ":function:" + FUNCTION),
                e.getMessage());
        assertEquals(1, aws.requests("UpdateFunctionConfiguration").stream().filter(r -> r.status() == 409).count(),
                "the SDK does not retry a conflict");
        aws.lambda().completeUpdates();
        assertEquals(LastUpdateStatus.IN_PROGRESS, setLayers(v1).lastUpdateStatus());
    }

    @Test
    void theWaiterPollsUntilTheUpdateIsDone() {
        aws.lambda().updatesCompleteAfterReads(2);
        setLayers(v2);

        try (LambdaWaiter waiter = LambdaWaiter.builder().client(lambda)
                .overrideConfiguration(o -> o.backoffStrategy(
                        software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy.create(
                                Duration.ofMillis(10))).maxAttempts(10))
                .build()) {
            WaiterResponse<GetFunctionConfigurationResponse> response =
                    waiter.waitUntilFunctionUpdated(r -> r.functionName(FUNCTION));

            assertEquals(3, response.attemptsExecuted());
            assertEquals(LastUpdateStatus.SUCCESSFUL,
                    response.matched().response().orElseThrow().lastUpdateStatus());

            setLayers(v1);
            WaiterResponse<GetFunctionResponse> v2Response = waiter.waitUntilFunctionUpdatedV2(
                    r -> r.functionName(FUNCTION));
            assertEquals(LastUpdateStatus.SUCCESSFUL,
                    v2Response.matched().response().orElseThrow().configuration().lastUpdateStatus());
            assertEquals(Map.of("app", "mtls-demo"), v2Response.matched().response().orElseThrow().tags());
        }
    }

    @Test
    void aFailedUpdateKeepsThePreviousConfiguration() {
        aws.lambda().failNextUpdate(FUNCTION, "InvalidConfiguration", "The layer is not compatible.");
        setLayers(v2);

        try (LambdaWaiter waiter = LambdaWaiter.builder().client(lambda)
                .overrideConfiguration(o -> o.backoffStrategy(
                        software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy.create(
                                Duration.ofMillis(10))).maxAttempts(10))
                .build()) {
            SdkClientException e = assertThrows(SdkClientException.class,
                    () -> waiter.waitUntilFunctionUpdated(r -> r.functionName(FUNCTION)));
            assertTrue(e.getMessage().contains("LastUpdateStatus=Failed"), e.getMessage());
        }
        GetFunctionConfigurationResponse config = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));
        assertEquals(LastUpdateStatus.FAILED, config.lastUpdateStatus());
        assertEquals("The layer is not compatible.", config.lastUpdateStatusReason());
        assertEquals("InvalidConfiguration", config.lastUpdateStatusReasonCodeAsString());
        assertEquals(List.of(v1), config.layers().stream().map(Layer::arn).toList());
        assertEquals(LastUpdateStatus.IN_PROGRESS, setLayers(v2).lastUpdateStatus(), "the next update is allowed");
    }

    @Test
    void layersMustExistAndBeFewEnough() {
        String missing = v1.substring(0, v1.lastIndexOf(':')) + ":99";
        InvalidParameterValueException e = assertThrows(InvalidParameterValueException.class, () -> setLayers(missing));
        assertTrue(e.getMessage().contains("Layer version " + missing + " does not exist."), e.getMessage());

        LambdaException malformed = assertThrows(LambdaException.class, () -> setLayers("not-an-arn"));
        assertEquals("ValidationException", malformed.awsErrorDetails().errorCode());

        List<String> six = IntStream.range(0, 6).mapToObj(i -> aws.lambda().publishLayerVersion("layer-" + i,
                LambdaWire.layerZip("s" + i)).layerVersionArn()).toList();
        InvalidParameterValueException tooMany = assertThrows(InvalidParameterValueException.class,
                () -> setLayers(six.toArray(String[]::new)));
        assertTrue(tooMany.getMessage().contains("more than 5 layers"), tooMany.getMessage());

        assertThrows(InvalidParameterValueException.class, () -> setLayers(v1, v2), "two versions of one layer");
        assertEquals(List.of(v1), aws.lambda().function(FUNCTION).orElseThrow().layerArns());
        assertEquals("Successful", aws.lambda().function(FUNCTION).orElseThrow().lastUpdateStatus());
    }

    @Test
    void aStaleRevisionIdIsAPreconditionFailure() {
        String revision = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION)).revisionId();
        lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).layers(v2).revisionId(revision));
        aws.lambda().completeUpdates();

        PreconditionFailedException e = assertThrows(PreconditionFailedException.class,
                () -> lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).layers(v1).revisionId(revision)));
        assertEquals(412, e.statusCode());
    }

    @Test
    void otherFieldsAreUpdatedToo() {
        aws.lambda().updatesCompleteAfterReads(0);
        lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).memorySize(512).timeout(30)
                .description("orders API").environment(e -> e.variables(Map.of("MTLS_SERVICES", "service-1"))));

        GetFunctionConfigurationResponse config = lambda.getFunctionConfiguration(r -> r.functionName(FUNCTION));
        assertEquals(512, config.memorySize());
        assertEquals(30, config.timeout());
        assertEquals("orders API", config.description());
        assertEquals(Map.of("MTLS_SERVICES", "service-1"), config.environment().variables());
        assertEquals(List.of(v1), config.layers().stream().map(Layer::arn).toList(), "Layers not given: unchanged");
        assertEquals("ValidationException", assertThrows(LambdaException.class,
                () -> lambda.updateFunctionConfiguration(r -> r.functionName(FUNCTION).memorySize(64)))
                .awsErrorDetails().errorCode());
    }

    @Test
    void anotherAccountsLayerNeedsItsGrant() {
        FakeLambda.LayerVersion shared = aws.lambda().publishLayerVersion("210987654321", "shared-ca",
                LambdaWire.layerZip("ca"), "CA bundle", List.of("java21"));

        LambdaException denied = assertThrows(LambdaException.class, () -> setLayers(shared.layerVersionArn()));
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());

        aws.lambda().addLayerVersionPermission(shared.layerVersionArn(), "org", "*", "o-a1b2c3d4e5");
        assertEquals("AccessDeniedException", assertThrows(LambdaException.class,
                () -> setLayers(shared.layerVersionArn())).awsErrorDetails().errorCode(), "not in that organization");

        aws.lambda().callerOrganization("o-a1b2c3d4e5");
        assertEquals(List.of(shared.layerVersionArn()), setLayers(shared.layerVersionArn()).layers().stream()
                .map(Layer::arn).toList());
    }

    @Test
    void invokeIsAnsweredByTheTestsHandler() {
        aws.lambda().onInvoke(FUNCTION, (payload, fn) -> FakeLambda.InvokeResult.success(
                "{\"layers\":" + fn.layerArns().size() + ",\"echo\":" + payload + "}"));

        InvokeResponse response = lambda.invoke(r -> r.functionName(FUNCTION)
                .payload(SdkBytes.fromUtf8String("{\"path\":\"/orders\"}")));

        assertEquals(200, response.statusCode());
        assertNull(response.functionError());
        assertEquals("$LATEST", response.executedVersion());
        assertEquals("{\"layers\":1,\"echo\":{\"path\":\"/orders\"}}", response.payload().asUtf8String());
    }

    @Test
    void aFunctionErrorIsReportedLikeLambda() {
        aws.lambda().onInvoke(FUNCTION, (payload, fn) -> {
            if (!fn.layerArns().contains(v2)) {
                throw new IllegalStateException("no keystore in /opt/mtls/service-1");
            }
            return FakeLambda.InvokeResult.success("\"ok\"");
        });

        InvokeResponse failed = lambda.invoke(r -> r.functionName(FUNCTION).payload(SdkBytes.fromUtf8String("{}")));

        assertEquals(200, failed.statusCode());
        assertEquals("Unhandled", failed.functionError());
        Map<String, Object> error = Json.parseObject(failed.payload().asUtf8String());
        assertEquals("java.lang.IllegalStateException", error.get("errorType"));
        assertEquals("no keystore in /opt/mtls/service-1", error.get("errorMessage"));
        assertTrue(error.get("stackTrace") instanceof List<?>);

        aws.lambda().updatesCompleteAfterReads(0);
        setLayers(v2);
        assertEquals("\"ok\"", lambda.invoke(r -> r.functionName(FUNCTION)).payload().asUtf8String());
        InvokeResponse declared = invokeWith(FakeLambda.InvokeResult.error("Handshake", "bad certificate"));
        assertEquals("Unhandled", declared.functionError());
        assertTrue(declared.payload().asUtf8String().contains("\"errorType\":\"Handshake\""));
    }

    private InvokeResponse invokeWith(FakeLambda.InvokeResult result) {
        aws.lambda().onInvoke(FUNCTION, (payload, fn) -> result);
        return lambda.invoke(r -> r.functionName(FUNCTION));
    }

    @Test
    void invokeWithoutAHandlerAnswersNull() {
        InvokeResponse response = lambda.invoke(r -> r.functionName(FUNCTION).logType("Tail"));

        assertEquals("null", response.payload().asUtf8String());
        assertNotNull(response.logResult());
        assertThrows(ResourceNotFoundException.class, () -> lambda.invoke(r -> r.functionName("nope")));
        assertThrows(InvalidParameterValueException.class, () -> lambda.invoke(r -> r.functionName(FUNCTION)
                .invocationType("Event")));
    }

    @Test
    void listTagsReturnsTheFunctionsTags() {
        String arn = aws.lambda().functionArn(FUNCTION);

        assertEquals(Map.of("app", "mtls-demo"), lambda.listTags(r -> r.resource(arn)).tags());
        assertThrows(ResourceNotFoundException.class,
                () -> lambda.listTags(r -> r.resource(aws.lambda().functionArn("nope"))));
    }
}
