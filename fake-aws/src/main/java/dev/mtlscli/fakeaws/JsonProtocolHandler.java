package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Serves the AWS JSON protocols: routes on {@code X-Amz-Target}, checks the SigV4 signature for
 * the routed service, applies queued faults, runs the operation, writes the answer the way AWS
 * does ({@code __type}/{@code message} body and {@code x-amzn-ErrorType} header on errors) and
 * records every request with its answer.
 */
final class JsonProtocolHandler implements HttpHandler {
    /**
     * AWS JSON services answer a refused signature with 400 (REST services such as Lambda use 403):
     * an SSM call with a wrong secret key fails with status 400 and InvalidSignatureException.
     */
    static final int AUTH_FAILURE_STATUS = 400;
    private static final String DEFAULT_CONTENT_TYPE = "application/x-amz-json-1.1";

    private record Answer(int status, String errorType, String namespace, Map<String, Object> body) {
    }

    /** The account of the request being answered, for a service whose answer depends on it (Organizations). */
    static final ThreadLocal<String> CALLER_ACCOUNT = new ThreadLocal<>();

    /** Who signed the request being answered, for a service that decides by principal (KMS key policies). */
    static final ThreadLocal<SigV4Verifier.Caller> CALLER = new ThreadLocal<>();

    private final Map<String, JsonTargetService> servicesByPrefix;
    private volatile StsQueryHandler sts;
    // the same services in every region the fake serves, each with its own state
    private final Map<String, Map<String, JsonTargetService>> servicesByRegion;
    private final SigV4Verifier verifier;
    private final Faults faults;
    private final Consumer<RecordedRequest> recorder;

    JsonProtocolHandler(List<JsonTargetService> services, SigV4Verifier verifier, Faults faults,
                        Consumer<RecordedRequest> recorder) {
        this(Map.of("", services), verifier, faults, recorder);
    }

    /** STS's Query requests come to the same path: form-encoded instead of JSON. */
    void sts(StsQueryHandler handler) {
        this.sts = handler;
    }

    /** @param servicesByRegion per partition key (see {@link #key}), its services (the first entry routes) */
    JsonProtocolHandler(Map<String, List<JsonTargetService>> servicesByRegion, SigV4Verifier verifier, Faults faults,
                        Consumer<RecordedRequest> recorder) {
        Map<String, Map<String, JsonTargetService>> regions = new LinkedHashMap<>();
        servicesByRegion.forEach((region, services) -> {
            Map<String, JsonTargetService> byPrefix = new LinkedHashMap<>();
            services.forEach(service -> byPrefix.put(service.targetPrefix(), service));
            regions.put(region, Map.copyOf(byPrefix));
        });
        this.servicesByRegion = regions;
        this.servicesByPrefix = regions.values().iterator().next();
        this.verifier = verifier;
        this.faults = faults;
        this.recorder = recorder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            ReceivedRequest request = ReceivedRequest.read(exchange);
            if (sts != null && StsQueryHandler.isQueryRequest(request)) {
                sts.handle(exchange, request);
                return;
            }
            String target = request.header("x-amz-target");
            int dot = target == null ? -1 : target.lastIndexOf('.');
            JsonTargetService service = dot < 0 ? null : servicesByPrefix.get(target.substring(0, dot));
            String operation = dot < 0 ? null : target.substring(dot + 1);

            Answer answer = service == null
                    ? error(400, "UnknownOperationException", null,
                            "fake-aws serves no operation for X-Amz-Target '" + target + "'.")
                    : answer(request, service, operation);

            recorder.accept(new RecordedRequest(service == null ? null : service.signingName(), operation,
                    request.headers(), request.bodyText(), lenientParse(request.bodyText()),
                    answer.status(), answer.errorType()));
            write(exchange, service == null ? DEFAULT_CONTENT_TYPE : service.contentType(), answer);
        }
    }

    private Answer answer(ReceivedRequest request, JsonTargetService service, String operation) {
        String region;
        try {
            SigV4Verifier.Caller caller = verifier.verifyCaller(request, service.signingName(), service.global());
            region = caller.region();
            CALLER_ACCOUNT.set(caller.account());
            CALLER.set(caller);
            Map<String, JsonTargetService> regional = servicesByRegion.get(key(caller.account(), caller.region()));
            if (!service.global()) {
                if (regional == null) {
                    regional = servicesByRegion.get("");
                }
                if (regional == null) {
                    return error(AUTH_FAILURE_STATUS, "UnrecognizedClientException", null,
                            "fake-aws has no account " + caller.account() + " in " + caller.region() + ".");
                }
                service = regional.get(service.targetPrefix());
            }
        } catch (SigV4Verifier.Rejected rejected) {
            return error(AUTH_FAILURE_STATUS, rejected.type(), null, rejected.getMessage());
        }
        String namespace = "com.amazonaws." + service.signingName();
        try {
            faults.awaitRelease(region);
            faults.applyDelay(operation);
            faults.applyFailure(operation);
            Map<String, Object> input;
            try {
                input = Json.parseObject(request.bodyText());
            } catch (IllegalArgumentException e) {
                throw AwsError.badRequest("SerializationException", e.getMessage());
            }
            return new Answer(200, null, null, service.call(operation, input));
        } catch (AwsError e) {
            return error(e.status(), e.type(), namespace, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(500, "InternalFailure", null, "fake-aws was stopped while delaying the answer.");
        } catch (RuntimeException e) {
            return error(500, "InternalFailure", null, "fake-aws failed: " + e);
        }
    }

    /** The partition of an account's region, as the handlers key their services. */
    static String key(String account, String region) {
        return account + "/" + region;
    }

    private static Answer error(int status, String type, String namespace, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("__type", type);
        if (message != null) {
            body.put("message", message);
        }
        return new Answer(status, type, namespace == null ? "com.amazon.coral.service" : namespace, body);
    }

    private static void write(HttpExchange exchange, String contentType, Answer answer) throws IOException {
        byte[] bytes = Json.write(answer.body()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (answer.errorType() != null) {
            exchange.getResponseHeaders().set("x-amzn-ErrorType",
                    answer.errorType() + ":http://internal.amazon.com/coral/" + answer.namespace() + "/");
        }
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, Object> lenientParse(String body) {
        try {
            return Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }
}
