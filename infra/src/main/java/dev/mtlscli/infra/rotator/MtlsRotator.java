package dev.mtlscli.infra.rotator;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.scheduler.Schedule;
import software.amazon.awscdk.services.scheduler.ScheduleExpression;
import software.amazon.awscdk.services.scheduler.TimeWindow;
import software.amazon.awscdk.services.scheduler.targets.StepFunctionsStartExecution;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.constructs.Construct;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The scheduled rotator, deployable from any CDK app: the rotator function (the rotator
 * module's jar), its state table (leases, desired state, progress markers), the Step
 * Functions state machine that runs it over every account-region, the EventBridge Scheduler
 * schedule that starts a run, and the alarms that say when it cannot. See
 * docs/rotation-in-aws.md, "Deploy the rotator".
 *
 * <pre>
 *   new MtlsRotator(this, "Rotator", MtlsRotatorProps.builder()
 *           .services(List.of("payments"))
 *           .kmsCaKeyArns(List.of("arn:aws:kms:eu-west-1:111122223333:key/..."))
 *           .consumerFunctionTag("mtls-cli:consumer", "payments")
 *           .build());
 * </pre>
 */
public final class MtlsRotator extends Construct {
    public static final String HANDLER = "dev.mtlscli.rotator.RotatorHandler::handleRequest";
    /** The table's key attribute: a lease scope, "ACCOUNT/REGION/LAYER" (dev.mtlscli.lease.LeaseScope). */
    public static final String TABLE_KEY = "scope";
    /** Lambda's own maximum is 15 minutes; a slice stops well before this and returns its cursor. */
    public static final Duration FUNCTION_TIMEOUT = Duration.minutes(10);
    static final int MEMORY_MB = 1024;

    private final Table table;
    private final Function function;
    private final StateMachine stateMachine;
    private final Schedule schedule;
    private final RotatorAlarms alarms;

    public MtlsRotator(Construct scope, String id, MtlsRotatorProps props) {
        super(scope, id);
        table = Table.Builder.create(this, "State")
                .partitionKey(Attribute.builder().name(TABLE_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                // the desired state and the progress markers outlive the stack: a redeploy must not forget a half-done rotation
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        LogGroup functionLogs = LogGroup.Builder.create(this, "FunctionLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .build();
        // its own role without AWSLambdaBasicExecutionRole, whose logs rights are on "*"
        Role role = Role.Builder.create(this, "FunctionRole")
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("mtls-cli rotator: the named layers, parameters, consumers, CA and state table only")
                .build();
        role.addToPolicy(PolicyStatement.Builder.create()
                .sid("OwnLogs")
                .effect(Effect.ALLOW)
                // the metrics are embedded in the log events: no cloudwatch:PutMetricData
                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                .resources(List.of(functionLogs.getLogGroupArn()))
                .build());
        RotatorPolicy.statements(this, props, table.getTableArn()).forEach(role::addToPolicy);

        function = Function.Builder.create(this, "Function")
                .description("mtls-cli rotator: renews, publishes and moves the consumers of " + String.join(", ", props.services()))
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(HANDLER)
                .code(props.code() != null ? props.code() : defaultCode())
                .memorySize(MEMORY_MB)
                .timeout(FUNCTION_TIMEOUT)
                .role(role)
                .logGroup(functionLogs)
                .environment(Map.of(
                        "MTLS_STATE_TABLE", table.getTableName(),
                        "MTLS_PARAMETER_PREFIX", props.parameterPrefix(),
                        "MTLS_METRICS_NAMESPACE", props.metricsNamespace(),
                        "MTLS_EVENT_BUS", props.eventBusName(),
                        // the services to rotate, whose desired states are the items desired/<service>:
                        // the function reads them by key (GetItem), so it needs no Scan of the table
                        "MTLS_SERVICES", String.join(",", props.services()),
                        // the next run is due one period after a run: the last-run records `status` reads say by when
                        "MTLS_SCHEDULE_PERIOD", props.schedulePeriod().toIsoString()))
                .build();

        LogGroup executionLogs = LogGroup.Builder.create(this, "ExecutionLogs")
                .retention(RetentionDays.THREE_MONTHS)
                .build();
        stateMachine = StateMachine.Builder.create(this, "StateMachine")
                .comment("mtls-cli rotation run: targets, the publishing account-regions then the member ones in bounded slices, report")
                .stateMachineType(StateMachineType.STANDARD)
                .definitionBody(DefinitionBody.fromChainable(RotatorDefinition.build(this, function, props.maxConcurrency())))
                // a run that outlasts the period would overlap the next one; it is ended and alarmed instead
                .timeout(props.schedulePeriod())
                .logs(LogOptions.builder().destination(executionLogs).level(LogLevel.ERROR).includeExecutionData(true).build())
                .build();

        Role schedulerRole = Role.Builder.create(this, "SchedulerRole")
                // only schedules of this account may use it (the confused deputy)
                .assumedBy(new ServicePrincipal("scheduler.amazonaws.com")
                        .withConditions(Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount()))))
                .description("mtls-cli rotator schedule: may start the rotation state machine, nothing else")
                .build();
        stateMachine.grantStartExecution(schedulerRole);
        schedule = Schedule.Builder.create(this, "Schedule")
                .description("mtls-cli rotator: one rotation run per tick; enabled=false in the props pauses it")
                .schedule(ScheduleExpression.expression(props.schedule()))
                .timeWindow(props.flexibleWindow() != null ? TimeWindow.flexible(props.flexibleWindow()) : TimeWindow.off())
                .enabled(props.enabled())
                .target(StepFunctionsStartExecution.Builder.create(stateMachine)
                        .role(schedulerRole)
                        // a start that could not be made within the hour is left to the next tick, not stacked onto it
                        .maxEventAge(Duration.hours(1))
                        .retryAttempts(5)
                        .build())
                .build();

        alarms = new RotatorAlarms(this, "Alarms", props, stateMachine);
    }

    private static Code defaultCode() {
        Path jar = Path.of(MtlsRotatorProps.DEFAULT_JAR);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar.toAbsolutePath() + " not found: the rotator's jar "
                    + "(build it with mvn -pl rotator -am package, or give MtlsRotatorProps.code)");
        }
        return Code.fromAsset(jar.toString());
    }

    public Table table() {
        return table;
    }

    public Function function() {
        return function;
    }

    public StateMachine stateMachine() {
        return stateMachine;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** Per service: DaysToExpiry, then PinnedDaysToExpiry. */
    public List<Alarm> expiryAlarms() {
        return alarms.expiry();
    }

    public Alarm failedRunAlarm() {
        return alarms.failedRun();
    }

    public Alarm heartbeatAlarm() {
        return alarms.heartbeat();
    }
}
