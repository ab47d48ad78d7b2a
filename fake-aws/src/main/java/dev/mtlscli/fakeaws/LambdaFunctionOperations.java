package dev.mtlscli.fakeaws;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The function operations of Lambda on the wire (listing, reading and updating configuration,
 * invoking, tags), over the state in {@link FunctionStore}.
 */
final class LambdaFunctionOperations {
    private static final int MAX_LIST_PAGE = 50;
    /** FunctionName in the model: 140; NamespacedFunctionName (reads, Invoke): 170. */
    private static final int FUNCTION_NAME_MAX = 140;
    private static final int NAMESPACED_FUNCTION_NAME_MAX = 170;
    /** Lambda's limit on a synchronous invocation's request payload. */
    private static final int MAX_INVOKE_PAYLOAD = 6 * 1024 * 1024;
    private static final String ROLE_PATTERN = "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+";

    private final FunctionStore functions;

    LambdaFunctionOperations(FunctionStore functions) {
        this.functions = functions;
    }

    RestAnswer listFunctions(RestCall call) throws AwsError {
        // the model allows up to 10000, but Lambda answers at most 50 per page
        int pageSize = Math.min(MAX_LIST_PAGE, LambdaArgs.queryInt(call, "MaxItems", 1, 10000, MAX_LIST_PAGE));
        String after = LambdaArgs.markerKey(call);
        List<FakeLambda.FunctionConfig> all = functions.all();
        int start = 0;
        if (after != null) {
            while (start < all.size() && all.get(start).functionName().compareTo(after) < 0) {
                start++;
            }
        }
        int end = Math.min(all.size(), start + pageSize);
        Map<String, Object> output = new LinkedHashMap<>();
        if (end < all.size()) {
            output.put("NextMarker", LambdaArgs.marker(all.get(end).functionName()));
        }
        output.put("Functions", all.subList(start, end).stream().map(LambdaFunctionOperations::configJson).toList());
        return RestAnswer.json(200, output);
    }

    RestAnswer getFunctionConfiguration(RestCall call) throws AwsError {
        return RestAnswer.json(200, configJson(functions.read(function(call, NAMESPACED_FUNCTION_NAME_MAX))));
    }

    /** GetFunction, for the SDK's waitUntilFunctionUpdatedV2; the function's code is not served. */
    RestAnswer getFunction(RestCall call) throws AwsError {
        LambdaNames.FunctionRef ref = function(call, NAMESPACED_FUNCTION_NAME_MAX);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Configuration", configJson(functions.read(ref)));
        Map<String, String> tags = functions.tags(ref);
        if (!tags.isEmpty()) {
            output.put("Tags", tags);
        }
        return RestAnswer.json(200, output);
    }

    RestAnswer updateFunctionConfiguration(RestCall call) throws AwsError {
        LambdaNames.FunctionRef ref = function(call, FUNCTION_NAME_MAX);
        Map<String, Object> input = call.json();
        String role = JsonArgs.optionalString(input, "Role");
        if (role != null) {
            LambdaNames.check("role", role, ROLE_PATTERN, 0, Integer.MAX_VALUE);
        }
        String handler = JsonArgs.optionalString(input, "Handler");
        if (handler != null) {
            LambdaNames.check("handler", handler, "[^\\s]+", 0, 128);
        }
        String description = JsonArgs.optionalString(input, "Description");
        if (description != null) {
            LambdaNames.check("description", description, null, 0, 256);
        }
        Integer timeout = LambdaArgs.optionalInt(input, "Timeout");
        if (timeout != null && timeout < 1) {
            throw LambdaNames.violation("timeout", timeout, "Member must have value greater than or equal to 1");
        }
        Integer memorySize = LambdaArgs.optionalInt(input, "MemorySize");
        if (memorySize != null && (memorySize < 128 || memorySize > 10240)) {
            throw LambdaNames.violation("memorySize", memorySize, memorySize < 128
                    ? "Member must have value greater than or equal to 128"
                    : "Member must have value less than or equal to 10240");
        }
        Map<String, String> environment = null;
        if (input.get("Environment") instanceof Map<?, ?> env) {
            environment = LambdaArgs.stringMap(env.get("Variables"), "Environment.Variables");
        }
        List<String> layers = LambdaArgs.stringList(input, "Layers");
        if (layers != null) {
            for (String arn : layers) {
                LambdaNames.layerVersion("layers", arn);
            }
        }
        FakeLambda.FunctionConfig updated = functions.update(ref, new FunctionStore.Update(role, handler, description,
                timeout, memorySize, JsonArgs.optionalString(input, "Runtime"), environment, layers,
                JsonArgs.optionalString(input, "RevisionId")));
        return RestAnswer.json(200, configJson(updated));
    }

    RestAnswer invoke(RestCall call) throws AwsError {
        LambdaNames.FunctionRef ref = function(call, NAMESPACED_FUNCTION_NAME_MAX);
        String invocationType = call.header("X-Amz-Invocation-Type");
        if (invocationType != null && !invocationType.equals("RequestResponse")) {
            throw LambdaErrors.invalidParameter("fake-aws serves only the RequestResponse invocation type, not "
                    + invocationType + ".");
        }
        FunctionStore.InvokeTarget target = functions.invokeTarget(ref);
        // the test's handler runs outside the store's lock: it may be slow, or call the fake itself
        FakeLambda.InvokeResult result = run(target, new String(call.body(), StandardCharsets.UTF_8));
        RestAnswer answer = new RestAnswer(200, Map.of("X-Amz-Executed-Version", "$LATEST"), "application/json",
                result.payload().getBytes(StandardCharsets.UTF_8));
        if (result.functionError() != null) {
            answer = answer.withHeader("X-Amz-Function-Error", result.functionError());
        }
        if ("Tail".equals(call.header("X-Amz-Log-Type"))) {
            String log = "START RequestId: fake-aws Version: $LATEST\nEND RequestId: fake-aws\n";
            answer = answer.withHeader("X-Amz-Log-Result",
                    Base64.getEncoder().encodeToString(log.getBytes(StandardCharsets.UTF_8)));
        }
        return answer;
    }

    /** Invoke's limit on the request payload: 413 RequestTooLargeException, which the SDK models. */
    void checkRequestSize(long bodyBytes) throws AwsError {
        if (bodyBytes > MAX_INVOKE_PAYLOAD) {
            throw new AwsError(413, "RequestTooLargeException", "Request must be smaller than " + MAX_INVOKE_PAYLOAD
                    + " bytes for the InvokeFunction operation");
        }
    }

    RestAnswer listTags(RestCall call) throws AwsError {
        String resource = call.pathParam("Resource");
        if (resource == null || !resource.startsWith("arn:")) {
            throw LambdaErrors.invalidParameter("The resource must be an ARN: " + resource);
        }
        LambdaNames.FunctionRef ref = LambdaNames.function(resource, 256);
        return RestAnswer.json(200, Map.of("Tags", functions.tags(ref)));
    }

    private static LambdaNames.FunctionRef function(RestCall call, int maxLength) throws AwsError {
        LambdaNames.FunctionRef ref = LambdaNames.function(call.pathParam("FunctionName"), maxLength);
        String qualifier = call.queryParam("Qualifier");
        return qualifier == null ? ref : new LambdaNames.FunctionRef(ref.region(), ref.account(), ref.name(), qualifier);
    }

    /** Runs the test's handler; what it throws is reported as a Lambda runtime reports an uncaught exception. */
    private static FakeLambda.InvokeResult run(FunctionStore.InvokeTarget target, String payload) {
        if (target.handler() == null) {
            return FakeLambda.InvokeResult.success("null");
        }
        try {
            FakeLambda.InvokeResult result = target.handler().invoke(payload, target.config());
            return result != null ? result : FakeLambda.InvokeResult.success("null");
        } catch (Exception e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("errorMessage", e.getMessage());
            body.put("errorType", e.getClass().getName());
            body.put("stackTrace", Arrays.stream(e.getStackTrace()).limit(10).map(String::valueOf).toList());
            return new FakeLambda.InvokeResult(Json.write(body), "Unhandled");
        }
    }

    /** A FunctionConfiguration as Lambda returns it for a zip-packaged function's $LATEST. */
    static Map<String, Object> configJson(FakeLambda.FunctionConfig config) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("FunctionName", config.functionName());
        json.put("FunctionArn", config.functionArn());
        json.put("Runtime", config.runtime());
        json.put("Role", config.role());
        json.put("Handler", config.handler());
        json.put("CodeSize", config.codeSize());
        json.put("Description", config.description());
        json.put("Timeout", (long) config.timeout());
        json.put("MemorySize", (long) config.memorySize());
        json.put("LastModified", config.lastModified());
        json.put("CodeSha256", config.codeSha256());
        json.put("Version", "$LATEST");
        if (!config.environment().isEmpty()) {
            json.put("Environment", Map.of("Variables", config.environment()));
        }
        json.put("TracingConfig", Map.of("Mode", "PassThrough"));
        json.put("RevisionId", config.revisionId());
        if (!config.layers().isEmpty()) {
            json.put("Layers", config.layers().stream().map(l -> {
                Map<String, Object> layer = new LinkedHashMap<>();
                layer.put("Arn", l.arn());
                layer.put("CodeSize", l.codeSize());
                return layer;
            }).toList());
        }
        json.put("State", config.state());
        json.put("LastUpdateStatus", config.lastUpdateStatus());
        if (config.lastUpdateStatusReason() != null) {
            json.put("LastUpdateStatusReason", config.lastUpdateStatusReason());
        }
        if (config.lastUpdateStatusReasonCode() != null) {
            json.put("LastUpdateStatusReasonCode", config.lastUpdateStatusReasonCode());
        }
        json.put("PackageType", "Zip");
        json.put("Architectures", config.architectures());
        json.put("EphemeralStorage", Map.of("Size", 512L));
        json.put("SnapStart", Map.of("ApplyOn", "None", "OptimizationStatus", "Off"));
        json.put("LoggingConfig", Map.of("LogFormat", "Text", "LogGroup", "/aws/lambda/" + config.functionName()));
        return json;
    }
}
