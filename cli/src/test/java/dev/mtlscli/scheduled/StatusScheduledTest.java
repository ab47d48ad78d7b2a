package dev.mtlscli.scheduled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 23 item 4: `status --lease-table` shows, per service, whether its rotation is scheduled,
 * the rotator's last run and its outcome, and by when the next is due; a failed or overdue run
 * needs attention (exit 3), so a rotator that stopped is not silent.
 */
class StatusScheduledTest {
    private static final String TABLE = "mtls-rotator";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    private FakeAws aws;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        aws.dynamoDb().createTable(TABLE, "scope");
        Path ws = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", ws.toString());
        FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", ws.toString());
        FakeAwsCli.runOk(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(), "--schedule", "--lease-table", TABLE);
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private void lastRun(String outcome, List<String> failed, Instant finished, Instant nextBy) {
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            assertTrue(new RunRecordTable(dynamo, TABLE).write(new RunRecord("service-1", "run-" + finished.toEpochMilli(), finished,
                    outcome, failed, nextBy)));
        }
    }

    private Cli.Result status(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("status", "--lease-table", TABLE));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    @Test
    void aRecentSuccessfulRunShowsWhenTheNextIsDue() {
        Instant finished = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        lastRun(RunRecord.SUCCEEDED, List.of(), finished, finished.plus(Duration.ofHours(12)));

        Cli.Result result = status();

        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("service-1: scheduled (revision 1), last run " + finished + " succeeded, next run by "
                + finished.plus(Duration.ofHours(12))), result.out());
        assertTrue(result.out().contains("service-2: not scheduled"), result.out());
    }

    @Test
    void anOverdueRunNeedsAttention() throws Exception {
        Instant finished = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        lastRun(RunRecord.SUCCEEDED, List.of(), finished, finished.plus(Duration.ofHours(12)));

        Cli.Result text = status();
        Cli.Result json = status("--output", "json");

        assertEquals(3, text.exitCode(), text.out());
        assertTrue(text.out().contains("OVERDUE: the next run was due by"), text.out());
        JsonNode scheduled = JSON.readTree(json.out()).path("scheduled").path("service-1");
        assertTrue(scheduled.path("overdue").asBoolean());
        assertTrue(scheduled.path("needsAttention").asBoolean());
        assertEquals(3, json.exitCode());
    }

    @Test
    void aFailedRunNamesWhereItFailed() {
        Instant finished = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lastRun(RunRecord.FAILED, List.of(FakeAws.ACCOUNT_ID + "/" + aws.region()), finished, finished.plus(Duration.ofHours(12)));

        Cli.Result result = status();

        assertEquals(3, result.exitCode());
        assertTrue(result.out().contains("failed in " + FakeAws.ACCOUNT_ID + "/" + aws.region()), result.out());
    }

    @Test
    void anOlderRunFinishingLateDoesNotHideANewerOne() {
        Instant newer = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        lastRun(RunRecord.FAILED, List.of("x/y"), newer, newer.plus(Duration.ofHours(12)));
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            RunRecordTable runs = new RunRecordTable(dynamo, TABLE);
            assertFalse(runs.write(new RunRecord("service-1", "older", newer.minusSeconds(60), RunRecord.SUCCEEDED, List.of(), null)));
            assertEquals(RunRecord.FAILED, runs.read("service-1").orElseThrow().outcome());
        }
    }

    @Test
    void aRecordTheRotatorDidNotWriteIsRefusedInOneLine() {
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", AttributeValue.fromS("run/service-1"),
                    "outcome", AttributeValue.fromS("fine, trust me"))));
        }

        Cli.Result result = status();

        assertEquals(1, result.exitCode());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("not one the rotator wrote"), result.err());
    }

    @Test
    void withoutATableNothingIsReadFromDynamoDb() {
        aws.clearRequests();

        Cli.Result result = FakeAwsCli.run(aws, "status");

        assertFalse(result.out().contains("scheduled rotation"), result.out());
        assertTrue(aws.requests().stream().noneMatch(r -> "dynamodb".equals(r.service())));
    }
}
