package dev.mtlscli.telemetry;

import dev.mtlscli.json.Json;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rotator's metrics as CloudWatch embedded metric format documents: one JSON line per
 * service and one for the run, written to the function's log, from which CloudWatch Logs extracts
 * the metrics. No PutMetricData call, so no cloudwatch permission and no extra latency in the
 * slice; a line that is not valid EMF is dropped by CloudWatch without a word, hence the checks.
 *
 * <p>Names and units are the contract with the alarms of the CDK construct (infra/): namespace
 * {@code mtls-cli} by default; per service (dimension {@code Service}) {@code DaysToExpiry},
 * {@code PinnedDaysToExpiry}, {@code Renewals}, {@code FunctionsMoved}, {@code Failures}; per run
 * {@code RunSucceeded}.
 */
public final class EmbeddedMetrics {
    public static final String DEFAULT_NAMESPACE = "mtls-cli";
    public static final String SERVICE_DIMENSION = "Service";
    /** CloudWatch's own limits on a namespace and on a dimension value. */
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._/#:-][A-Za-z0-9 ._/#:-]{0,254}");
    private static final int MAX_DIMENSION_VALUE = 1024;

    private final String namespace;

    public EmbeddedMetrics(String namespace) {
        if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("not a CloudWatch namespace: " + namespace);
        }
        this.namespace = namespace;
    }

    /** What one run did for one service, with the service's health after it. */
    public record ServiceRun(ServiceHealth health, long renewals, long functionsMoved, long failures) {
    }

    public String service(ServiceRun run, Instant at) {
        String service = run.health().service();
        if (service.isEmpty() || service.length() > MAX_DIMENSION_VALUE || service.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("not a CloudWatch dimension value: a service name of " + service.length() + " characters");
        }
        // CloudWatch has no unit of days, so the day counts go as None
        List<Metric> values = List.of(
                new Metric("DaysToExpiry", "None", run.health().daysToExpiry()),
                new Metric("PinnedDaysToExpiry", "None", run.health().pinnedDaysToExpiry()),
                new Metric("Renewals", "Count", run.renewals()),
                new Metric("FunctionsMoved", "Count", run.functionsMoved()),
                new Metric("Failures", "Count", run.failures()));
        return document(at, List.of(SERVICE_DIMENSION), Map.of(SERVICE_DIMENSION, service), values);
    }

    /** The heartbeat: written once per successful run, so that its absence can be alarmed on. */
    public String runSucceeded(Instant at) {
        return document(at, List.of(), Map.of(), List.of(new Metric("RunSucceeded", "Count", 1)));
    }

    private record Metric(String name, String unit, long value) {
    }

    private String document(Instant at, List<String> dimensions, Map<String, String> dimensionValues, List<Metric> values) {
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (Metric metric : values) {
            Map<String, Object> definition = new LinkedHashMap<>();
            definition.put("Name", metric.name());
            definition.put("Unit", metric.unit());
            metrics.add(definition);
        }
        Map<String, Object> directive = new LinkedHashMap<>();
        directive.put("Namespace", namespace);
        directive.put("Dimensions", List.of(dimensions));
        directive.put("Metrics", metrics);
        Map<String, Object> aws = new LinkedHashMap<>();
        aws.put("Timestamp", at.toEpochMilli());
        aws.put("CloudWatchMetrics", List.of(directive));
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("_aws", aws);
        document.putAll(dimensionValues);
        values.forEach(metric -> document.put(metric.name(), metric.value()));
        return Json.writeLine(document);
    }
}
