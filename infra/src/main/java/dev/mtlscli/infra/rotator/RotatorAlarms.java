package dev.mtlscli.infra.rotator;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.constructs.Construct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rotator's alarms (docs/rotation-in-aws.md, "Alarms"): per service, a certificate close to
 * expiry, by the service's own certificate (DaysToExpiry) and by the oldest layer version a
 * consumer pins (PinnedDaysToExpiry); a failed run; and a heartbeat, no successful run in two
 * schedule periods. Silence is never health: a service that reported no days in the window,
 * and a rotator that did not run, are in alarm (missing data is breaching).
 */
final class RotatorAlarms extends Construct {
    static final String DAYS_TO_EXPIRY = "DaysToExpiry";
    static final String PINNED_DAYS_TO_EXPIRY = "PinnedDaysToExpiry";
    static final String SERVICE_DIMENSION = "Service";
    /** A failed execution stays visible for an hour; the heartbeat covers the runs after it. */
    static final Duration FAILED_RUN_PERIOD = Duration.hours(1);

    private final List<Alarm> expiry = new ArrayList<>();
    private final Alarm failedRun;
    private final Alarm heartbeat;

    RotatorAlarms(Construct scope, String id, MtlsRotatorProps props, StateMachine stateMachine) {
        super(scope, id);
        Duration window = props.alarmWindow();
        for (String service : props.services()) {
            for (String metricName : List.of(DAYS_TO_EXPIRY, PINNED_DAYS_TO_EXPIRY)) {
                Metric days = Metric.Builder.create()
                        .namespace(props.metricsNamespace())
                        .metricName(metricName)
                        .dimensionsMap(Map.of(SERVICE_DIMENSION, service))
                        .statistic("Minimum")
                        .period(window)
                        .build();
                String what = metricName.equals(DAYS_TO_EXPIRY) ? "the client certificate of " + service
                        : "a layer version of " + service + " that a consumer function pins";
                expiry.add(alarm(metricName + "-" + service, days, ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
                        props.expiryAlarmDays(), TreatMissingData.BREACHING,
                        what + " expires within " + props.expiryAlarmDays() + " days, or no run reported it in "
                                + window.toHumanString() + " (see docs/rotation-in-aws.md, Alarms)", props));
            }
        }

        MetricOptions hourly = MetricOptions.builder().statistic("Sum").period(FAILED_RUN_PERIOD).build();
        // a run that timed out did not succeed either, and ExecutionsFailed does not count it
        IMetric failedOrTimedOut = MathExpression.Builder.create()
                .expression("FILL(failed, 0) + FILL(timedOut, 0)")
                .usingMetrics(Map.of("failed", stateMachine.metricFailed(hourly), "timedOut", stateMachine.metricTimedOut(hourly)))
                .label("Executions failed or timed out")
                .period(FAILED_RUN_PERIOD)
                .build();
        failedRun = alarm("FailedRun", failedOrTimedOut, ComparisonOperator.GREATER_THAN_THRESHOLD, 0,
                TreatMissingData.NOT_BREACHING, // no execution is no failure: the heartbeat says whether runs happen
                "a rotation run failed or timed out: read the execution's failed targets (see docs/rotation-in-aws.md, Alarms)", props);

        heartbeat = alarm("Heartbeat", stateMachine.metricSucceeded(MetricOptions.builder().statistic("Sum").period(window).build()),
                ComparisonOperator.LESS_THAN_THRESHOLD, 1, TreatMissingData.BREACHING,
                "no rotation run succeeded in " + window.toHumanString() + " (two schedule periods): the rotator is paused, "
                        + "not running or failing (see docs/rotation-in-aws.md, Alarms)", props);
    }

    private Alarm alarm(String id, IMetric metric, ComparisonOperator operator, Number threshold, TreatMissingData missing,
                        String description, MtlsRotatorProps props) {
        Alarm alarm = Alarm.Builder.create(this, id)
                .metric(metric)
                .comparisonOperator(operator)
                .threshold(threshold)
                .evaluationPeriods(1)
                .treatMissingData(missing)
                .alarmDescription("mtls-cli rotator: " + description)
                .build();
        if (props.alarmTopic() != null) {
            SnsAction action = new SnsAction(props.alarmTopic());
            alarm.addAlarmAction(action);
            alarm.addOkAction(action);
        }
        return alarm;
    }

    List<Alarm> expiry() {
        return expiry;
    }

    Alarm failedRun() {
        return failedRun;
    }

    Alarm heartbeat() {
        return heartbeat;
    }
}
