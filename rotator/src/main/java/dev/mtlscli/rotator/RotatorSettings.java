package dev.mtlscli.rotator;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.telemetry.EmbeddedMetrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the rotator function is configured with, from the environment the CDK construct sets.
 *
 * @param aws          how to reach AWS: the function's own region and credentials (tests: the fake's endpoint)
 * @param stateTable   MTLS_STATE_TABLE: leases, desired states and journals
 * @param parameterPrefix MTLS_PARAMETER_PREFIX: the SSM prefix the rotator may write under; a service's
 *                     own prefix, in its desired state, must be inside it
 * @param services     MTLS_SERVICES: the services whose desired states are read (items desired/&lt;service&gt;)
 * @param sliceMargin  a slice starts no service with less time than this left
 * @param expiringWithin MTLS_EXPIRING_DAYS: a layer version whose certificate expires within this is announced as expiring
 */
public record RotatorSettings(AwsSettings aws, String stateTable, String parameterPrefix, String metricsNamespace, String eventBus,
                              List<String> services, Duration sliceMargin, Duration schedulePeriod, Duration expiringWithin) {
    /** The longest a service's rotation is expected to take in one slice; the rest goes to the next slice. */
    public static final Duration DEFAULT_SLICE_MARGIN = Duration.ofMinutes(3);
    /** As the construct's expiry alarms by default. */
    public static final Duration DEFAULT_EXPIRING_WITHIN = Duration.ofDays(14);

    public RotatorSettings(AwsSettings aws, String stateTable, String parameterPrefix, String metricsNamespace, String eventBus,
                           List<String> services, Duration sliceMargin, Duration schedulePeriod) {
        this(aws, stateTable, parameterPrefix, metricsNamespace, eventBus, services, sliceMargin, schedulePeriod, DEFAULT_EXPIRING_WITHIN);
    }

    /** Without a schedule period: the run records then name no next run. */
    public RotatorSettings(AwsSettings aws, String stateTable, String parameterPrefix, String metricsNamespace, String eventBus,
                           List<String> services, Duration sliceMargin) {
        this(aws, stateTable, parameterPrefix, metricsNamespace, eventBus, services, sliceMargin, null);
    }

    public RotatorSettings {
        services = List.copyOf(services);
        if (expiringWithin == null) {
            expiringWithin = DEFAULT_EXPIRING_WITHIN;
        }
        if (stateTable == null || stateTable.isBlank()) {
            throw new MtlsException("MTLS_STATE_TABLE is not set: the rotator needs its state table");
        }
        if (services.isEmpty()) {
            throw new MtlsException("MTLS_SERVICES is not set: the rotator needs the services to rotate (comma-separated)");
        }
    }

    public static RotatorSettings fromEnvironment(Map<String, String> env) {
        String services = env.getOrDefault("MTLS_SERVICES", "");
        return new RotatorSettings(AwsSettings.defaults(), env.get("MTLS_STATE_TABLE"), env.getOrDefault("MTLS_PARAMETER_PREFIX", "/mtls"),
                env.getOrDefault("MTLS_METRICS_NAMESPACE", EmbeddedMetrics.DEFAULT_NAMESPACE), env.getOrDefault("MTLS_EVENT_BUS", "default"),
                Arrays.stream(services.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList(), DEFAULT_SLICE_MARGIN,
                period(env.get("MTLS_SCHEDULE_PERIOD")), expiringDays(env.get("MTLS_EXPIRING_DAYS")));
    }

    /** MTLS_EXPIRING_DAYS, whole days (the construct sets its expiry alarm's); 14 when absent. */
    static Duration expiringDays(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_EXPIRING_WITHIN;
        }
        try {
            int days = Integer.parseInt(value.trim());
            if (days < 1 || days > 3650) {
                throw new NumberFormatException();
            }
            return Duration.ofDays(days);
        } catch (NumberFormatException e) {
            throw new MtlsException("MTLS_EXPIRING_DAYS must be a whole number of days between 1 and 3650, not " + value);
        }
    }

    /** MTLS_SCHEDULE_PERIOD, an ISO-8601 duration (PT12H) the construct sets from its schedule; null when absent. */
    static Duration period(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Duration period = Duration.parse(value.trim());
            if (period.isNegative() || period.isZero()) {
                throw new MtlsException("MTLS_SCHEDULE_PERIOD must be a positive duration, not " + value);
            }
            return period;
        } catch (java.time.format.DateTimeParseException e) {
            throw new MtlsException("MTLS_SCHEDULE_PERIOD must be an ISO-8601 duration such as PT12H, not " + value);
        }
    }
}
