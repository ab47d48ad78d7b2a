package dev.mtlscli.infra.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotator construct, synthesized three times with the CDK's assertions: with every prop
 * (two regions, consumers by name and by tag, KMS and Private CAs, member roles, a parameter
 * key, an SNS topic), with the defaults (one service, one KMS CA), and paused on a cron
 * schedule. The code is a stand-in jar; synthesis needs no AWS account. ARNs are compared as
 * text with the template's tokens written ${Partition}, ${Region}, ${AccountId}, ${Ref:ID},
 * ${GetAtt:ID.Attr}.
 */
class MtlsRotatorTest {
    private static final String KMS_CA_1 = "arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555";
    private static final String KMS_CA_2 = "arn:aws:kms:eu-west-1:111122223333:key/22222222-2222-3333-4444-555555555555";
    private static final String PRIVATE_CA = "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private static final String PARAMETER_KEY = "arn:aws:kms:eu-west-1:111122223333:key/99999999-2222-3333-4444-555555555555";
    private static final List<String> MEMBER_ROLES = List.of("arn:aws:iam::222233334444:role/mtls-rotator",
            "arn:aws:iam::333344445555:role/mtls-rotator");
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Template full;
    static JsonNode fullJson;
    static JsonNode defaultsJson;
    static JsonNode pausedJson;
    static Path jar;

    @BeforeAll
    static void synth() throws IOException {
        jar = Files.write(dir.resolve("mtls-rotator.jar"), new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0});

        Stack fullStack = new Stack(new App(), "Full");
        new MtlsRotator(fullStack, "Rotator", MtlsRotatorProps.builder()
                .code(standIn())
                .services(List.of("payments", "orders"))
                .consumerFunctionNames(List.of("checkout", "refunds"))
                .consumerFunctionTag("mtls-cli:consumer", "payments")
                .kmsCaKeyArns(List.of(KMS_CA_1, KMS_CA_2))
                .privateCaArns(List.of(PRIVATE_CA))
                .memberRoleArns(MEMBER_ROLES)
                .regions(REGIONS)
                .parameterPrefix("/certs/mtls")
                .eventBusName("mtls-releases")
                .parameterKmsKeyArn(PARAMETER_KEY)
                .metricsNamespace("acme/mtls")
                .schedule("rate(6 hours)")
                .flexibleWindow(Duration.minutes(45))
                .maxConcurrency(7)
                .expiryAlarmDays(21)
                .alarmTopic(new Topic(fullStack, "Alarms"))
                .build());
        full = Template.fromStack(fullStack);
        fullJson = JSON.valueToTree(full.toJSON());

        Stack defaultsStack = new Stack(new App(), "Defaults");
        new MtlsRotator(defaultsStack, "Rotator", MtlsRotatorProps.builder()
                .code(standIn()).services(List.of("payments")).kmsCaKeyArns(List.of(KMS_CA_1)).build());
        defaultsJson = JSON.valueToTree(Template.fromStack(defaultsStack).toJSON());

        Stack pausedStack = new Stack(new App(), "Paused");
        new MtlsRotator(pausedStack, "Rotator", MtlsRotatorProps.builder()
                .code(standIn()).services(List.of("payments")).privateCaArns(List.of(PRIVATE_CA))
                .schedule("cron(0 3 * * ? *)").schedulePeriod(Duration.days(1)).flexibleWindow(null)
                .enabled(false)
                .build());
        pausedJson = JSON.valueToTree(Template.fromStack(pausedStack).toJSON());
    }

    // ---------------------------------------------------------------- function and table

    @Test
    void theFunctionIsTheContractsHandlerOnJava21Arm64WithItsEnvironment() {
        full.hasResourceProperties("AWS::Lambda::Function", Match.objectLike(Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "Handler", "dev.mtlscli.rotator.RotatorHandler::handleRequest",
                "MemorySize", 1024,
                "Timeout", 600)));
        JsonNode function = only(fullJson, "AWS::Lambda::Function");
        JsonNode environment = function.at("/Properties/Environment/Variables");
        assertEquals(Map.of(
                "MTLS_STATE_TABLE", "${Ref:" + logicalId(fullJson, "AWS::DynamoDB::Table") + "}",
                "MTLS_PARAMETER_PREFIX", "/certs/mtls",
                "MTLS_METRICS_NAMESPACE", "acme/mtls",
                "MTLS_EVENT_BUS", "mtls-releases",
                "MTLS_SERVICES", "payments,orders",
                "MTLS_SCHEDULE_PERIOD", "PT6H"), fields(environment));
        assertEquals(Map.of("MTLS_STATE_TABLE", "${Ref:" + logicalId(defaultsJson, "AWS::DynamoDB::Table") + "}",
                        "MTLS_PARAMETER_PREFIX", "/mtls", "MTLS_METRICS_NAMESPACE", "mtls-cli", "MTLS_EVENT_BUS", "default",
                        "MTLS_SERVICES", "payments", "MTLS_SCHEDULE_PERIOD", "PT12H"),
                fields(only(defaultsJson, "AWS::Lambda::Function").at("/Properties/Environment/Variables")));
        assertTrue(function.at("/Properties/Code/S3Key").asText().endsWith(".jar"), "the stand-in jar is the code asset");
        // the function logs to its own group, which its role names
        assertEquals("${Ref:" + logicalId(fullJson, "AWS::Logs::LogGroup", "FunctionLogs") + "}",
                text(function.at("/Properties/LoggingConfig/LogGroup")));
    }

    @Test
    void theStateTableIsKeyedByScopeOnDemandRecoverableAndRetained() {
        JsonNode table = only(fullJson, "AWS::DynamoDB::Table");
        assertEquals(JSON.valueToTree(List.of(Map.of("AttributeName", "scope", "KeyType", "HASH"))), table.at("/Properties/KeySchema"));
        assertEquals(JSON.valueToTree(List.of(Map.of("AttributeName", "scope", "AttributeType", "S"))),
                table.at("/Properties/AttributeDefinitions"));
        assertEquals("PAY_PER_REQUEST", table.at("/Properties/BillingMode").asText());
        assertTrue(table.at("/Properties/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled").asBoolean());
        assertEquals("Retain", table.get("DeletionPolicy").asText());
        assertEquals("Retain", table.get("UpdateReplacePolicy").asText());
    }

    @Test
    void theDefaultCodeIsTheRotatorModulesJarAndItsAbsenceIsNamed() {
        assertFalse(Files.exists(Path.of(MtlsRotatorProps.DEFAULT_JAR)), "the test runs where no rotator jar is built");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MtlsRotator(new Stack(new App(), "NoJar"),
                "Rotator", MtlsRotatorProps.builder().services(List.of("payments")).kmsCaKeyArns(List.of(KMS_CA_1)).build()));
        assertTrue(e.getMessage().contains("rotator/target/mtls-rotator.jar not found") && e.getMessage().contains("MtlsRotatorProps.code"),
                e.getMessage());
    }

    // ---------------------------------------------------------------- IAM

    @Test
    void theFunctionRoleHasExactlyTheNamedRights() {
        Map<String, JsonNode> statements = bySid(statements(fullJson, functionRole(fullJson)));
        assertEquals(new TreeSet<>(List.of("OwnLogs", "Layers", "Parameters", "ConsumersByName", "ConsumersByTag", "FindConsumers",
                "KmsCa", "PrivateCa", "StateTable", "MemberAccounts", "ReleaseEvents", "ParameterKey")), new TreeSet<>(statements.keySet()));

        assertStatement(statements.get("OwnLogs"), List.of("logs:CreateLogStream", "logs:PutLogEvents"),
                List.of("${GetAtt:" + logicalId(fullJson, "AWS::Logs::LogGroup", "FunctionLogs") + ".Arn}"));
        List<String> layers = new ArrayList<>();
        for (String region : REGIONS) {
            for (String layer : List.of("mtls-payments", "mtls-orders")) {
                layers.add("arn:${Partition}:lambda:" + region + ":${AccountId}:layer:" + layer);
                layers.add("arn:${Partition}:lambda:" + region + ":${AccountId}:layer:" + layer + ":*");
            }
        }
        assertStatement(statements.get("Layers"), List.of("lambda:PublishLayerVersion", "lambda:GetLayerVersion",
                "lambda:ListLayerVersions", "lambda:AddLayerVersionPermission", "lambda:DeleteLayerVersion"), layers);
        assertStatement(statements.get("Parameters"), List.of("ssm:PutParameter", "ssm:GetParameter", "ssm:GetParameters",
                        "ssm:GetParameterHistory", "ssm:DeleteParameter", "ssm:AddTagsToResource"),
                REGIONS.stream().map(r -> "arn:${Partition}:ssm:" + r + ":${AccountId}:parameter/certs/mtls/*").toList());
        List<String> consumerActions = List.of("lambda:GetFunction", "lambda:GetFunctionConfiguration",
                "lambda:UpdateFunctionConfiguration", "lambda:InvokeFunction");
        List<String> named = new ArrayList<>();
        for (String region : REGIONS) {
            for (String function : List.of("checkout", "refunds")) {
                named.add("arn:${Partition}:lambda:" + region + ":${AccountId}:function:" + function);
                named.add("arn:${Partition}:lambda:" + region + ":${AccountId}:function:" + function + ":*");
            }
        }
        assertStatement(statements.get("ConsumersByName"), consumerActions, named);
        assertStatement(statements.get("ConsumersByTag"), consumerActions,
                REGIONS.stream().map(r -> "arn:${Partition}:lambda:" + r + ":${AccountId}:function:*").toList());
        assertEquals(JSON.valueToTree(Map.of("StringEquals", Map.of("aws:ResourceTag/mtls-cli:consumer", "payments"))),
                statements.get("ConsumersByTag").get("Condition"));
        assertStatement(statements.get("FindConsumers"), List.of("lambda:ListFunctions"), List.of("*"));
        assertStatement(statements.get("KmsCa"), List.of("kms:Sign", "kms:GetPublicKey", "kms:DescribeKey"), List.of(KMS_CA_1, KMS_CA_2));
        assertStatement(statements.get("PrivateCa"), List.of("acm-pca:IssueCertificate", "acm-pca:GetCertificate",
                "acm-pca:GetCertificateAuthorityCertificate"), List.of(PRIVATE_CA));
        assertStatement(statements.get("StateTable"), List.of("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
                "dynamodb:DeleteItem", "dynamodb:Query"), List.of("${GetAtt:" + logicalId(fullJson, "AWS::DynamoDB::Table") + ".Arn}"));
        assertStatement(statements.get("MemberAccounts"), List.of("sts:AssumeRole"), MEMBER_ROLES);
        assertStatement(statements.get("ReleaseEvents"), List.of("events:PutEvents"),
                REGIONS.stream().map(r -> "arn:${Partition}:events:" + r + ":${AccountId}:event-bus/mtls-releases").toList());
        assertStatement(statements.get("ParameterKey"), List.of("kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"), List.of(PARAMETER_KEY));
        assertEquals(JSON.valueToTree(Map.of("StringEquals", Map.of("kms:ViaService",
                        List.of("ssm.eu-west-1.amazonaws.com", "ssm.us-east-1.amazonaws.com")))),
                statements.get("ParameterKey").get("Condition"));

        // the defaults: the stack's region, consumers found by listing only, no member roles, no parameter key
        Map<String, JsonNode> defaults = bySid(statements(defaultsJson, functionRole(defaultsJson)));
        assertEquals(new TreeSet<>(List.of("OwnLogs", "Layers", "Parameters", "FindConsumers", "KmsCa", "StateTable", "ReleaseEvents")),
                new TreeSet<>(defaults.keySet()));
        assertEquals(List.of("arn:${Partition}:lambda:${Region}:${AccountId}:layer:mtls-payments",
                "arn:${Partition}:lambda:${Region}:${AccountId}:layer:mtls-payments:*"), resources(defaults.get("Layers")));
        assertEquals(List.of("arn:${Partition}:ssm:${Region}:${AccountId}:parameter/mtls/*"), resources(defaults.get("Parameters")));
        assertEquals(List.of("arn:${Partition}:events:${Region}:${AccountId}:event-bus/default"), resources(defaults.get("ReleaseEvents")));

        // no managed policy (AWSLambdaBasicExecutionRole's logs rights are on "*"), no inline policy
        for (JsonNode template : List.of(fullJson, defaultsJson, pausedJson)) {
            for (JsonNode role : resources(template, "AWS::IAM::Role").values()) {
                assertTrue(role.at("/Properties/ManagedPolicyArns").isMissingNode(), role.toString());
                assertTrue(role.at("/Properties/Policies").isMissingNode(), role.toString());
            }
        }
    }

    @Test
    void noStatementHasAWildcardBeyondListFunctionsTheLogDeliveryAndNamedPrefixes() {
        // the actions without a resource type: lambda:ListFunctions, and the log delivery Step Functions needs for its log group
        Set<String> withoutResourceType = Set.of("lambda:ListFunctions", "logs:CreateLogDelivery", "logs:GetLogDelivery",
                "logs:UpdateLogDelivery", "logs:DeleteLogDelivery", "logs:ListLogDeliveries", "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies", "logs:DescribeLogGroups");
        int checked = 0;
        for (JsonNode template : List.of(fullJson, defaultsJson, pausedJson)) {
            for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
                for (JsonNode statement : policy.at("/Properties/PolicyDocument/Statement")) {
                    assertEquals("Allow", statement.get("Effect").asText());
                    assertFalse(actions(statement).stream().anyMatch(a -> a.contains("*")), "a wildcard action: " + statement);
                    for (String resource : resources(statement)) {
                        checked++;
                        if (resource.equals("*")) {
                            assertTrue(withoutResourceType.containsAll(actions(statement)), "Resource \"*\" for " + actions(statement));
                        } else if (resource.endsWith(":function:*")) {
                            assertTrue(statement.at("/Condition/StringEquals").fieldNames().next().startsWith("aws:ResourceTag/"),
                                    "every function, without a tag condition: " + statement);
                        } else if (resource.contains("*")) {
                            // a named layer's or function's versions, a named parameter prefix
                            assertTrue(resource.matches(".*:(layer|function):[a-zA-Z0-9_-]+:\\*")
                                    || resource.matches(".*:parameter/[a-zA-Z0-9_./-]+/\\*")
                                    || resource.matches("\\$\\{GetAtt:[A-Za-z0-9]+\\.Arn}:\\*"), "a wildcard in " + resource);
                        }
                    }
                }
            }
        }
        assertTrue(checked > 30, "statements were read: " + checked);
    }

    // ---------------------------------------------------------------- schedule

    @Test
    void theScheduleStartsOnlyThisStateMachineWithItsOwnRole() {
        String stateMachine = logicalId(fullJson, "AWS::StepFunctions::StateMachine");
        JsonNode schedule = only(fullJson, "AWS::Scheduler::Schedule").get("Properties");
        assertEquals("rate(6 hours)", schedule.get("ScheduleExpression").asText());
        assertEquals(JSON.valueToTree(Map.of("Mode", "FLEXIBLE", "MaximumWindowInMinutes", 45)), schedule.get("FlexibleTimeWindow"));
        assertEquals("ENABLED", schedule.get("State").asText());
        assertEquals("${Ref:" + stateMachine + "}", text(schedule.at("/Target/Arn")));
        assertEquals(3600, schedule.at("/Target/RetryPolicy/MaximumEventAgeInSeconds").asInt());
        String role = schedule.at("/Target/RoleArn/Fn::GetAtt/0").asText();
        assertEquals(List.of("states:StartExecution"), actions(statements(fullJson, role).get(0)));
        assertEquals(1, statements(fullJson, role).size());
        assertEquals(List.of("${Ref:" + stateMachine + "}"), resources(statements(fullJson, role).get(0)));
        JsonNode trust = resources(fullJson, "AWS::IAM::Role").get(role).at("/Properties/AssumeRolePolicyDocument/Statement/0");
        assertEquals("scheduler.amazonaws.com", trust.at("/Principal/Service").asText());
        assertEquals("${AccountId}", text(trust.at("/Condition/StringEquals/aws:SourceAccount")));

        JsonNode defaults = only(defaultsJson, "AWS::Scheduler::Schedule").get("Properties");
        assertEquals("rate(12 hours)", defaults.get("ScheduleExpression").asText());
        assertEquals(30, defaults.at("/FlexibleTimeWindow/MaximumWindowInMinutes").asInt());
        assertEquals("ENABLED", defaults.get("State").asText());

        // paused: the schedule is there, DISABLED; a cron expression with its period
        JsonNode paused = only(pausedJson, "AWS::Scheduler::Schedule").get("Properties");
        assertEquals("DISABLED", paused.get("State").asText());
        assertEquals("cron(0 3 * * ? *)", paused.get("ScheduleExpression").asText());
        assertEquals("OFF", paused.at("/FlexibleTimeWindow/Mode").asText());
    }

    // ---------------------------------------------------------------- alarms

    @Test
    void expiryAlarmsWatchEachServicesDaysAndPinnedDaysAndTreatSilenceAsBreaching() {
        List<JsonNode> expiry = resources(fullJson, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/Namespace").asText().equals("acme/mtls")).toList();
        Set<String> seen = new TreeSet<>();
        for (JsonNode alarm : expiry) {
            JsonNode p = alarm.get("Properties");
            seen.add(p.get("MetricName").asText() + "/" + p.at("/Dimensions/0/Value").asText());
            assertEquals(1, p.get("Dimensions").size());
            assertEquals("Service", p.at("/Dimensions/0/Name").asText());
            assertEquals("Minimum", p.get("Statistic").asText());
            assertEquals(2 * 6 * 3600, p.get("Period").asInt(), "two schedule periods");
            assertEquals(1, p.get("EvaluationPeriods").asInt());
            assertEquals("LessThanOrEqualToThreshold", p.get("ComparisonOperator").asText());
            assertEquals(21, p.get("Threshold").asInt());
            assertEquals("breaching", p.get("TreatMissingData").asText());
        }
        assertEquals(new TreeSet<>(List.of("DaysToExpiry/orders", "DaysToExpiry/payments",
                "PinnedDaysToExpiry/orders", "PinnedDaysToExpiry/payments")), seen);

        for (JsonNode alarm : resources(defaultsJson, "AWS::CloudWatch::Alarm").values()) {
            if (alarm.at("/Properties/Namespace").asText().equals("mtls-cli")) {
                assertEquals(14, alarm.at("/Properties/Threshold").asInt());
                assertEquals(2 * 12 * 3600, alarm.at("/Properties/Period").asInt());
            }
        }
    }

    @Test
    void aFailedOrTimedOutRunAlarmsAndSoDoesNoSuccessInTwoPeriods() {
        String stateMachine = "${Ref:" + logicalId(fullJson, "AWS::StepFunctions::StateMachine") + "}";
        JsonNode failed = alarmWith(fullJson, "Metrics");
        JsonNode p = failed.get("Properties");
        assertEquals("GreaterThanThreshold", p.get("ComparisonOperator").asText());
        assertEquals(0, p.get("Threshold").asInt());
        assertEquals("notBreaching", p.get("TreatMissingData").asText(), "no execution is no failure; the heartbeat covers it");
        Map<String, String> metrics = new HashMap<>();
        String expression = null;
        for (JsonNode metric : p.get("Metrics")) {
            if (metric.has("Expression")) {
                expression = metric.get("Expression").asText();
                continue;
            }
            JsonNode stat = metric.get("MetricStat");
            assertEquals("AWS/States", stat.at("/Metric/Namespace").asText());
            assertEquals("StateMachineArn", stat.at("/Metric/Dimensions/0/Name").asText());
            assertEquals(stateMachine, text(stat.at("/Metric/Dimensions/0/Value")));
            assertEquals("Sum", stat.get("Stat").asText());
            metrics.put(metric.get("Id").asText(), stat.at("/Metric/MetricName").asText());
        }
        assertEquals(Map.of("failed", "ExecutionsFailed", "timedOut", "ExecutionsTimedOut"), metrics);
        assertEquals("FILL(failed, 0) + FILL(timedOut, 0)", expression);

        JsonNode heartbeat = resources(fullJson, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/MetricName").asText().equals("ExecutionsSucceeded")).findFirst().orElseThrow();
        JsonNode h = heartbeat.get("Properties");
        assertEquals("AWS/States", h.get("Namespace").asText());
        assertEquals(stateMachine, text(h.at("/Dimensions/0/Value")));
        assertEquals("Sum", h.get("Statistic").asText());
        assertEquals(2 * 6 * 3600, h.get("Period").asInt());
        assertEquals("LessThanThreshold", h.get("ComparisonOperator").asText());
        assertEquals(1, h.get("Threshold").asInt());
        assertEquals("breaching", h.get("TreatMissingData").asText());
        assertEquals(2 * 24 * 3600, alarmWith(pausedJson, "MetricName", "ExecutionsSucceeded").at("/Properties/Period").asInt());

        // every alarm notifies the topic, into alarm and back to OK; without a topic, none has an action
        String topic = "${Ref:" + logicalId(fullJson, "AWS::SNS::Topic") + "}";
        assertEquals(6, resources(fullJson, "AWS::CloudWatch::Alarm").size());
        for (JsonNode alarm : resources(fullJson, "AWS::CloudWatch::Alarm").values()) {
            assertEquals(List.of(topic), items(alarm.at("/Properties/AlarmActions")));
            assertEquals(List.of(topic), items(alarm.at("/Properties/OKActions")));
        }
        assertEquals(4, resources(defaultsJson, "AWS::CloudWatch::Alarm").size());
        for (JsonNode alarm : resources(defaultsJson, "AWS::CloudWatch::Alarm").values()) {
            assertTrue(alarm.at("/Properties/AlarmActions").isMissingNode());
        }
    }

    // ---------------------------------------------------------------- state machine

    @Test
    void theRunIsTargetsThenTheMapOfPublishersThenTheMapOfMembersThenTheReport() throws IOException {
        JsonNode definition = definition(fullJson);
        assertEquals("Targets", definition.get("StartAt").asText());
        JsonNode states = definition.get("States");
        assertEquals(Set.of("Targets", "Each target", "Each member target", "Report"), fieldNames(states));
        assertEquals(6 * 3600, definition.get("TimeoutSeconds").asInt(), "a run ends before the next one starts");

        JsonNode targets = states.get("Targets");
        assertEquals("Each target", targets.get("Next").asText());
        assertEquals("targets", targets.at("/Parameters/Payload/action").asText());
        assertEquals(Map.of("runId.$", "$.Payload.runId", "publishers.$", "$.Payload.publishers", "members.$", "$.Payload.members"),
                fields(targets.get("ResultSelector")));

        JsonNode map = states.get("Each target");
        assertEquals("Map", map.get("Type").asText());
        assertEquals("$.publishers", map.get("ItemsPath").asText());
        assertEquals(7, map.get("MaxConcurrency").asInt());
        assertEquals("$.results", map.get("ResultPath").asText());
        assertEquals("Each member target", map.get("Next").asText(), "the members move after the publishers released");
        assertEquals(Map.of("runId.$", "$.runId", "target.$", "$$.Map.Item.Value", "cursor.$", "States.StringToJson('null')",
                "moved", "0", "renewed", "0", "failures", "0"), fields(map.get("ItemSelector")));
        assertEquals(10, definition(defaultsJson).at("/States/Each target/MaxConcurrency").asInt());

        JsonNode members = states.get("Each member target");
        assertEquals("Map", members.get("Type").asText());
        assertEquals("$.members", members.get("ItemsPath").asText());
        assertEquals(7, members.get("MaxConcurrency").asInt());
        assertEquals("$.memberResults", members.get("ResultPath").asText(), "the publishers' results stay for the report");
        assertEquals("Report", members.get("Next").asText());
        assertEquals(fields(map.get("ItemSelector")), fields(members.get("ItemSelector")));
        JsonNode memberStates = members.at("/ItemProcessor/States");
        assertEquals(Set.of("Member Slice", "Member More to do?", "Member Next slice", "Member Target done", "Member Target busy",
                "Member Target failed"), fieldNames(memberStates));
        // the same loop as the publishers': same payload, same retries and catches, its own state names
        JsonNode publisherSlice = map.at("/ItemProcessor/States/Slice");
        JsonNode memberSlice = memberStates.get("Member Slice");
        assertEquals(publisherSlice.get("Parameters"), memberSlice.get("Parameters"));
        assertEquals(publisherSlice.get("Retry"), memberSlice.get("Retry"));
        assertEquals(List.of("Member Target busy", "Member Target failed"),
                List.of(memberSlice.at("/Catch/0/Next").asText(), memberSlice.at("/Catch/1/Next").asText()));
        for (JsonNode state : memberStates) {
            for (JsonNode next : state.findValues("Next")) {
                assertTrue(memberStates.has(next.asText()), next.asText());
            }
        }

        JsonNode report = states.get("Report");
        assertTrue(report.get("End").asBoolean());
        assertEquals(Map.of("action", "report", "runId.$", "$.runId", "results.$", "$.results", "memberResults.$", "$.memberResults"),
                fields(report.at("/Parameters/Payload")));
        assertFalse(report.has("Catch"), "RotationFailed fails the execution");

        // every task invokes the rotator function through the Lambda integration
        String function = "${GetAtt:" + logicalId(fullJson, "AWS::Lambda::Function") + ".Arn}";
        for (JsonNode task : List.of(targets, report, publisherSlice, memberSlice)) {
            assertEquals("arn:${Partition}:states:::lambda:invoke", task.get("Resource").asText());
            assertEquals(function, task.at("/Parameters/FunctionName").asText());
        }

        JsonNode machine = only(fullJson, "AWS::StepFunctions::StateMachine").get("Properties");
        assertEquals("STANDARD", machine.get("StateMachineType").asText());
        assertEquals("ERROR", machine.at("/LoggingConfiguration/Level").asText());
        assertTrue(machine.at("/LoggingConfiguration/IncludeExecutionData").asBoolean());
        assertEquals("${GetAtt:" + logicalId(fullJson, "AWS::Logs::LogGroup", "ExecutionLogs") + ".Arn}",
                text(machine.at("/LoggingConfiguration/Destinations/0/CloudWatchLogsLogGroup/LogGroupArn")));
    }

    @Test
    void eachTargetLoopsOnDoneFalseWithTheCursorAndAddsUpItsCounters() throws IOException {
        JsonNode processor = definition(fullJson).at("/States/Each target/ItemProcessor");
        assertEquals("Slice", processor.get("StartAt").asText());
        JsonNode states = processor.get("States");
        assertEquals(Set.of("Slice", "More to do?", "Next slice", "Target done", "Target busy", "Target failed"), fieldNames(states));

        JsonNode slice = states.get("Slice");
        assertEquals(Map.of("action", "slice", "runId.$", "$.runId", "target.$", "$.target", "cursor.$", "$.cursor"),
                fields(slice.at("/Parameters/Payload")));
        assertEquals("$.slice", slice.get("ResultPath").asText(), "the item's own fields stay beside the slice's output");
        assertEquals("More to do?", slice.get("Next").asText());

        JsonNode choice = states.get("More to do?");
        assertEquals("Choice", choice.get("Type").asText());
        assertEquals(1, choice.get("Choices").size());
        assertEquals(JSON.valueToTree(Map.of("Variable", "$.slice.done", "BooleanEquals", false, "Next", "Next slice")),
                choice.at("/Choices/0"));
        assertEquals("Target done", choice.get("Default").asText());

        JsonNode next = states.get("Next slice");
        assertEquals("Slice", next.get("Next").asText(), "the loop goes back to the slice");
        assertEquals(Map.of("runId.$", "$.runId", "target.$", "$.target", "cursor.$", "$.slice.cursor",
                "moved.$", "States.MathAdd($.moved, $.slice.moved)",
                "renewed.$", "States.MathAdd($.renewed, $.slice.renewed)",
                "failures.$", "States.MathAdd($.failures, $.slice.failures)"), fields(next.get("Parameters")));

        JsonNode done = states.get("Target done");
        assertTrue(done.get("End").asBoolean());
        assertEquals("true", fields(done.get("Parameters")).get("done"));
        assertEquals("States.MathAdd($.failures, $.slice.failures)", fields(done.get("Parameters")).get("failures.$"));

        // every Next names a state of its own scope: no dangling transition
        for (JsonNode state : states) {
            for (JsonNode target : state.findValues("Next")) {
                assertTrue(states.has(target.asText()), target.asText());
            }
        }
    }

    @Test
    void sliceRetriesTransientErrorsAndLeaseBusyLongerAndCatchesTheRestPerTarget() throws IOException {
        JsonNode states = definition(fullJson).at("/States/Each target/ItemProcessor/States");
        JsonNode slice = states.get("Slice");
        Map<List<String>, JsonNode> retries = new LinkedHashMap<>();
        slice.get("Retry").forEach(r -> retries.put(items(r.get("ErrorEquals")), r));
        List<String> leaseBusy = List.of("LeaseBusy", "dev.mtlscli.rotator.LeaseBusy");
        List<String> throttled = List.of("Throttled", "dev.mtlscli.rotator.Throttled");
        List<String> lambdaService = List.of("Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                "Lambda.ClientExecutionTimeoutException");
        List<String> lambdaThrottled = List.of("Lambda.TooManyRequestsException");
        assertEquals(Set.of(lambdaService, lambdaThrottled, throttled, leaseBusy, List.of("Sandbox.Timedout", "Lambda.Unknown")),
                retries.keySet());
        for (JsonNode retry : retries.values()) {
            assertTrue(retry.get("MaxAttempts").asInt() >= 1);
            assertEquals(2.0, retry.get("BackoffRate").asDouble());
            assertFalse(items(retry.get("ErrorEquals")).contains("States.ALL"), "nothing retried blindly");
        }
        assertEquals(60, retries.get(leaseBusy).get("IntervalSeconds").asInt());
        assertEquals(5, retries.get(leaseBusy).get("MaxAttempts").asInt());
        for (List<String> transientErrors : List.of(lambdaService, lambdaThrottled, throttled)) {
            assertTrue(retries.get(transientErrors).get("IntervalSeconds").asInt() < 60, "LeaseBusy waits longer than " + transientErrors);
            assertEquals("FULL", retries.get(transientErrors).get("JitterStrategy").asText());
        }

        JsonNode catches = slice.get("Catch");
        assertEquals(2, catches.size());
        assertEquals(leaseBusy, items(catches.get(0).get("ErrorEquals")));
        assertEquals("Target busy", catches.get(0).get("Next").asText());
        assertEquals(List.of("States.ALL"), items(catches.get(1).get("ErrorEquals")), "the catch-all comes last");
        assertEquals("Target failed", catches.get(1).get("Next").asText());
        for (JsonNode c : catches) {
            assertEquals("$.error", c.get("ResultPath").asText());
        }
        Map<String, String> failed = fields(states.at("/Target failed/Parameters"));
        assertEquals("States.MathAdd($.failures, 1)", failed.get("failures.$"), "a failed target counts as a failure for the report");
        assertEquals("$.error.Error", failed.get("error.$"));
        assertEquals("true", failed.get("done"));
        Map<String, String> busy = fields(states.at("/Target busy/Parameters"));
        assertEquals("$.failures", busy.get("failures.$"), "a busy lease is not a failure of the run");
        assertEquals("true", busy.get("busy"));
        assertTrue(states.at("/Target failed/End").asBoolean() && states.at("/Target busy/End").asBoolean(), "the item ends, the run goes on");

        // Targets and Report retry only the transient errors: RotationFailed fails the run at once
        for (String task : List.of("Targets", "Report")) {
            Set<List<String>> errors = new HashSet<>();
            definition(fullJson).at("/States/" + task + "/Retry").forEach(r -> errors.add(items(r.get("ErrorEquals"))));
            assertEquals(Set.of(lambdaService, lambdaThrottled, throttled), errors, task);
        }
    }

    // ---------------------------------------------------------------- props

    @Test
    void propsRefuseWhatCannotWorkAndNameTheSetting() {
        Map<String, Consumer<MtlsRotatorProps.Builder>> refused = new LinkedHashMap<>();
        refused.put("kmsCaKeyArns or privateCaArns", b -> b.services(List.of("payments")));
        refused.put("kmsCaKeyArns", b -> b.services(List.of("payments")).kmsCaKeyArns(List.of("arn:aws:kms:eu-west-1:111122223333:alias/mtls")));
        refused.put("services", b -> b.kmsCaKeyArns(List.of(KMS_CA_1)));
        refused.put("schedulePeriod", b -> ok(b).schedule("cron(0 3 * * ? *)"));
        refused.put("schedulePeriod must", b -> ok(b).schedule("rate(5 minutes)"));
        refused.put("flexibleWindow", b -> ok(b).schedule("rate(1 hour)").flexibleWindow(Duration.hours(1)));
        refused.put("maxConcurrency", b -> ok(b).maxConcurrency(41));
        refused.put("parameterPrefix", b -> ok(b).parameterPrefix("/mtls/*"));
        refused.put("consumerFunctionTag", b -> ok(b).consumerFunctionTag("mtls-cli:consumer", null));
        refused.put("consumerFunctionNames", b -> ok(b).consumerFunctionNames(List.of("arn:aws:lambda:eu-west-1:111122223333:function:f")));
        refused.put("memberRoleArns", b -> ok(b).memberRoleArns(List.of("arn:aws:iam::222233334444:user/alice")));
        refused.put("metricsNamespace", b -> ok(b).metricsNamespace("AWS/Lambda"));
        refused.forEach((setting, props) -> {
            MtlsRotatorProps.Builder builder = MtlsRotatorProps.builder();
            props.accept(builder);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build, setting);
            assertTrue(e.getMessage().startsWith(setting), setting + ": " + e.getMessage());
        });
        IllegalArgumentException local = assertThrows(IllegalArgumentException.class,
                () -> MtlsRotatorProps.builder().services(List.of("payments")).build());
        assertTrue(local.getMessage().contains("local CA key cannot be used by a scheduled rotation"), local.getMessage());

        MtlsRotatorProps defaults = ok(MtlsRotatorProps.builder()).build();
        assertEquals(List.of("mtls-payments"), defaults.layerNames());
        assertEquals(Duration.hours(24).toSeconds(), defaults.alarmWindow().toSeconds());
    }

    /** The stand-in jar as an asset: the CDK binds an asset to one stack. */
    private static Code standIn() {
        return Code.fromAsset(jar.toString());
    }

    private static MtlsRotatorProps.Builder ok(MtlsRotatorProps.Builder builder) {
        return builder.services(List.of("payments")).kmsCaKeyArns(List.of(KMS_CA_1));
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode definition(JsonNode template) throws IOException {
        return JSON.readTree(text(only(template, "AWS::StepFunctions::StateMachine").at("/Properties/DefinitionString")));
    }

    /** A template value as text: strings as they are, Fn::Join concatenated, Ref and Fn::GetAtt as ${...}. */
    static String text(JsonNode value) {
        if (value.isTextual() || value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        if (value.has("Fn::Join")) {
            StringBuilder joined = new StringBuilder();
            JsonNode parts = value.get("Fn::Join").get(1);
            for (int i = 0; i < parts.size(); i++) {
                joined.append(i == 0 ? "" : value.get("Fn::Join").get(0).asText()).append(text(parts.get(i)));
            }
            return joined.toString();
        }
        if (value.has("Ref")) {
            String ref = value.get("Ref").asText();
            return ref.startsWith("AWS::") ? "${" + ref.substring(5) + "}" : "${Ref:" + ref + "}";
        }
        if (value.has("Fn::GetAtt")) {
            return "${GetAtt:" + value.get("Fn::GetAtt").get(0).asText() + "." + value.get("Fn::GetAtt").get(1).asText() + "}";
        }
        throw new AssertionError("not a text value: " + value);
    }

    /** An object's fields as text. */
    private static Map<String, String> fields(JsonNode node) {
        Map<String, String> fields = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> fields.put(e.getKey(), text(e.getValue())));
        return fields;
    }

    /** An array's items as text, or a single value as a one-item list (IAM writes one action or resource without an array). */
    private static List<String> items(JsonNode node) {
        List<String> items = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(item -> items.add(text(item)));
        } else {
            items.add(text(node));
        }
        return items;
    }

    private static List<String> actions(JsonNode statement) {
        return items(statement.get("Action"));
    }

    private static List<String> resources(JsonNode statement) {
        return items(statement.get("Resource"));
    }

    private static void assertStatement(JsonNode statement, List<String> actions, List<String> resources) {
        assertEquals("Allow", statement.get("Effect").asText());
        assertEquals(actions, actions(statement), statement.get("Sid").asText());
        assertEquals(resources, resources(statement), statement.get("Sid").asText());
    }

    private static Map<String, JsonNode> bySid(List<JsonNode> statements) {
        Map<String, JsonNode> bySid = new LinkedHashMap<>();
        statements.forEach(s -> assertEquals(null, bySid.put(s.get("Sid").asText(), s), "one statement per Sid"));
        return bySid;
    }

    private static String functionRole(JsonNode template) {
        return only(template, "AWS::Lambda::Function").at("/Properties/Role/Fn::GetAtt/0").asText();
    }

    private static List<JsonNode> statements(JsonNode template, String role) {
        List<JsonNode> statements = new ArrayList<>();
        for (JsonNode policy : resources(template, "AWS::IAM::Policy").values()) {
            for (JsonNode attached : policy.at("/Properties/Roles")) {
                if (attached.path("Ref").asText().equals(role)) {
                    policy.at("/Properties/PolicyDocument/Statement").forEach(statements::add);
                }
            }
        }
        return statements;
    }

    private static JsonNode alarmWith(JsonNode template, String field) {
        List<JsonNode> alarms = resources(template, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties").has(field)).toList();
        assertEquals(1, alarms.size(), field);
        return alarms.get(0);
    }

    private static JsonNode alarmWith(JsonNode template, String field, String value) {
        return resources(template, "AWS::CloudWatch::Alarm").values().stream()
                .filter(a -> a.at("/Properties/" + field).asText().equals(value)).findFirst().orElseThrow();
    }

    private static Map<String, JsonNode> resources(JsonNode template, String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        template.get("Resources").fields().forEachRemaining(e -> {
            if (e.getValue().get("Type").asText().equals(type)) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    private static String logicalId(JsonNode template, String type) {
        return logicalId(template, type, "");
    }

    private static String logicalId(JsonNode template, String type, String containing) {
        List<String> ids = resources(template, type).keySet().stream().filter(id -> id.contains(containing)).toList();
        assertEquals(1, ids.size(), type + " " + containing + ": " + ids);
        return ids.get(0);
    }

    private static JsonNode only(JsonNode template, String type) {
        return resources(template, type).get(logicalId(template, type));
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
