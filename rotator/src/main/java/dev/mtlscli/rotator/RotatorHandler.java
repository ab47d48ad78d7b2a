package dev.mtlscli.rotator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.mtlscli.MtlsException;
import dev.mtlscli.json.Json;
import dev.mtlscli.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rotator's Lambda entry point (dev.mtlscli.rotator.RotatorHandler::handleRequest), JSON in
 * and out, for the three tasks of the state machine: {@code targets}, {@code slice} and
 * {@code report} (the contract in docs/rotation-in-aws.md). It only translates JSON to and from
 * {@link Rotator}; the errors the state machine retries or catches by name ({@link LeaseBusy},
 * {@link Throttled}, {@link RotationFailed}) come out as they are.
 */
public final class RotatorHandler implements RequestStreamHandler {
    private static final Set<String> TARGET_FIELDS = Set.of("account", "region", "roleArn");

    private final Rotator rotator;

    /** As Lambda builds it: configured from the environment the construct sets; EMF lines on stdout. */
    public RotatorHandler() {
        this(new Rotator(RotatorSettings.fromEnvironment(System.getenv()), Clock.systemUTC(), System.out, System.err));
    }

    RotatorHandler(Rotator rotator) {
        this.rotator = rotator;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonObject request = Json.parseObject(input.readAllBytes(), "the rotator's input");
        String action = request.string("action");
        Object answer = switch (action == null ? "" : action) {
            case "targets" -> targets(request);
            case "slice" -> slice(request, context);
            case "report" -> report(request);
            default -> throw new MtlsException("the rotator's input has no action targets, slice or report: " + action);
        };
        output.write(Json.write(answer).getBytes(StandardCharsets.UTF_8));
    }

    private Map<String, Object> targets(JsonObject request) {
        Rotator.Targets targets = rotator.targets(request.string("runId"));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("runId", targets.runId());
        // two Maps, one after the other: the members move to what the publishers released
        answer.put("publishers", targets.publishers().stream().map(RotatorHandler::target).toList());
        answer.put("members", targets.members().stream().map(RotatorHandler::target).toList());
        return answer;
    }

    private Map<String, Object> slice(JsonObject request, Context context) {
        String runId = required(request.string("runId"), "runId");
        Rotator.Target target = target(required(request.object("target"), "target"));
        Rotator.SliceResult result = rotator.slice(runId, target, request.string("cursor"), context::getRemainingTimeInMillis);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("done", result.done());
        answer.put("cursor", result.cursor());
        answer.put("target", target(result.target()));
        answer.put("moved", result.moved());
        answer.put("renewed", result.renewed());
        answer.put("failures", result.failures());
        return answer;
    }

    private Map<String, Object> report(JsonObject request) {
        String runId = required(request.string("runId"), "runId");
        List<Rotator.ReportedResult> results = new ArrayList<>();
        List<JsonObject> items = new ArrayList<>();
        for (String field : List.of("results", "memberResults")) {
            List<JsonObject> some = request.objects(field);
            items.addAll(some == null ? List.of() : some);
        }
        for (JsonObject item : items) {
            Integer failures = item.integer("failures");
            results.add(new Rotator.ReportedResult(target(required(item.object("target"), "results[].target")),
                    failures == null ? 0 : failures, Boolean.TRUE.equals(item.bool("busy")), item.string("error")));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("failed", rotator.report(runId, results));
        return answer;
    }

    private static Rotator.Target target(JsonObject json) {
        json.allowOnly(TARGET_FIELDS);
        return new Rotator.Target(required(json.string("account"), "target.account"), required(json.string("region"), "target.region"),
                json.string("roleArn"));
    }

    private static Map<String, Object> target(Rotator.Target target) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("account", target.account());
        json.put("region", target.region());
        json.put("roleArn", target.roleArn());
        return json;
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new MtlsException("the rotator's input has no '" + field + "'");
        }
        return value;
    }
}
