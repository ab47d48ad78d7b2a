package dev.mtlscli.fakeaws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Serves one AWS REST-JSON service (Lambda): routes on method and path, checks the SigV4 signature,
 * applies faults, runs the operation and writes the answer the way these services do. Errors carry
 * the type in the {@code x-amzn-ErrorType} header and a {@code {"Type":"User","message":...}} body,
 * which is where the SDK's REST-JSON error parser looks. Every request is recorded with its answer.
 */
final class RestJsonHandler implements HttpHandler {
    /** REST services refuse a bad signature with 403, where the JSON services (SSM) answer 400. */
    static final int AUTH_FAILURE_STATUS = 403;

    private record Routed(RestRoute route, Map<String, String> params) {
    }

    /** The answer to send, and the AWS error type it carries (null on success) for the record. */
    private record Outcome(RestAnswer answer, String errorType) {

        static Outcome failure(int status, String type, String message) {
            return failure(new AwsError(status, type, message));
        }

        static Outcome failure(AwsError error) {
            Map<String, Object> body = new LinkedHashMap<>();
            // a 4xx is the caller's fault, a 5xx the service's
            body.put("Type", error.status() < 500 ? "User" : "Service");
            body.put("message", error.getMessage());
            body.putAll(error.members());
            RestAnswer answer = RestAnswer.json(error.status(), body).withHeader("x-amzn-ErrorType", error.type());
            for (Map.Entry<String, String> header : error.headers().entrySet()) {
                answer = answer.withHeader(header.getKey(), header.getValue());
            }
            return new Outcome(answer, error.type());
        }
    }

    private final RestJsonService service;
    // the same service in every region the fake serves, each with its own state
    private final Map<String, RestJsonService> servicesByRegion;
    private final SigV4Verifier verifier;
    private final Faults faults;
    private final Consumer<RecordedRequest> recorder;

    RestJsonHandler(RestJsonService service, SigV4Verifier verifier, Faults faults, Consumer<RecordedRequest> recorder) {
        this(Map.of("", service), verifier, faults, recorder);
    }

    /** @param servicesByRegion per region the fake serves, its service (the first entry routes) */
    RestJsonHandler(Map<String, RestJsonService> servicesByRegion, SigV4Verifier verifier, Faults faults,
                    Consumer<RecordedRequest> recorder) {
        this.servicesByRegion = Map.copyOf(servicesByRegion);
        this.service = servicesByRegion.values().iterator().next();
        this.verifier = verifier;
        this.faults = faults;
        this.recorder = recorder;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            ReceivedRequest request = ReceivedRequest.read(exchange);
            Map<String, List<String>> query = decodeQuery(request.uri().getRawQuery());
            Optional<Routed> routed = route(request, query);
            String operation = routed.map(r -> r.route().operation()).orElse(null);
            // parsed once, for the operation and for the record: a layer upload can be 70 MB of JSON
            String bodyText = request.bodyText();
            Map<String, Object> json = parseOrNull(bodyText);
            Outcome outcome = routed.isEmpty()
                    ? Outcome.failure(404, "UnknownOperationException", "fake-aws serves no " + service.signingName()
                            + " operation for " + request.method() + " " + request.uri().getRawPath() + ".")
                    : answer(request, query, routed.get(), json);
            recorder.accept(new RecordedRequest(routed.isEmpty() ? null : service.signingName(), operation,
                    request.headers(), bodyText, json == null ? Map.of() : json,
                    outcome.answer().status(), outcome.errorType()));
            write(exchange, outcome.answer());
        }
    }

    private Optional<Routed> route(ReceivedRequest request, Map<String, List<String>> query) {
        List<String> segments = new ArrayList<>();
        for (String raw : RestRoute.split(request.uri().getRawPath())) {
            segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        for (RestRoute route : service.routes()) {
            Optional<Map<String, String>> params = route.match(request.method(), segments, query);
            if (params.isPresent()) {
                return Optional.of(new Routed(route, params.get()));
            }
        }
        return Optional.empty();
    }

    private Outcome answer(ReceivedRequest request, Map<String, List<String>> query, Routed routed,
                           Map<String, Object> json) {
        String operation = routed.route().operation();
        RestJsonService service;
        String region;
        try {
            SigV4Verifier.Caller caller = verifier.verifyCaller(request, this.service.signingName(), false);
            region = caller.region();
            service = servicesByRegion.get(JsonProtocolHandler.key(caller.account(), caller.region()));
            if (service == null) {
                service = servicesByRegion.getOrDefault("", null);
            }
            if (service == null) {
                return Outcome.failure(AUTH_FAILURE_STATUS, "UnrecognizedClientException",
                        "fake-aws has no account " + caller.account() + " in " + caller.region() + ".");
            }
        } catch (SigV4Verifier.Rejected rejected) {
            return Outcome.failure(AUTH_FAILURE_STATUS, rejected.type(), rejected.getMessage());
        }
        try {
            faults.awaitRelease(region);
            faults.applyDelay(operation);
            faults.applyFailure(operation, service.throttle());
            service.admit(operation);
            service.checkRequestSize(operation, request.body().length);
            if (service.rawBody(operation)) {
                json = Map.of();
            } else if (json == null) {
                throw AwsError.badRequest("InvalidRequestContentException",
                        "Could not parse request body into json: the body is not a JSON object.");
            }
            return new Outcome(service.call(new RestCall(operation, routed.params(), query, request.headers(),
                    request.body(), json)), null);
        } catch (AwsError e) {
            return Outcome.failure(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failure(500, "ServiceException", "fake-aws was stopped while delaying the answer.");
        } catch (RuntimeException e) {
            return Outcome.failure(500, "ServiceException", "fake-aws failed: " + e);
        }
    }

    private static void write(HttpExchange exchange, RestAnswer answer) throws IOException {
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        answer.headers().forEach(exchange.getResponseHeaders()::set);
        byte[] body = answer.body();
        // HttpServer's convention: -1 is "no body", 0 would mean chunked
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Query parameters, percent-decoded; '+' stays '+' since AWS clients encode a space as %20. */
    static Map<String, List<String>> decodeQuery(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.computeIfAbsent(percentDecode(name), k -> new ArrayList<>()).add(percentDecode(value));
        }
        return params;
    }

    private static String percentDecode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The body as a JSON object (empty body: the empty object), or null when it is not one. */
    private static Map<String, Object> parseOrNull(String body) {
        try {
            return Json.parseObject(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
