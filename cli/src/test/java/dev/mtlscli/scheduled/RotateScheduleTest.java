package dev.mtlscli.scheduled;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --schedule` against the fake AWS: the desired state goes into the state table, written
 * once per change, and the MtlsRotator props it prints name exactly what the state needs.
 */
class RotateScheduleTest {
    private static final String TABLE = "mtls-rotator";
    private static final String MEMBER = "222233334444";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;
    private FakeAws aws;
    private Path ws;

    @BeforeEach
    void start() {
        aws = FakeAws.startFleet(List.of("eu-west-1", "eu-central-1"), List.of(MEMBER));
        aws.dynamoDb().createTable(TABLE, "scope");
        ws = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", ws.toString());
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result schedule(String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.toString(), "--schedule",
                "--lease-table", TABLE));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    private DesiredStateTable.Stored stored() {
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            return new DesiredStateTable(dynamo, TABLE).read("service-1").orElseThrow();
        }
    }

    @Test
    void writesTheDesiredStateOnceAndPrintsThePropsItNeeds() {
        Cli.Result result = schedule("--function-tag", "team=payments", "--canary", "1").assertExit(0, "schedule");

        DesiredStateTable.Stored stored = stored();
        String keyArn = aws.kms().key("alias/mtls/service-1-ca").arn();
        assertEquals(1, stored.revision());
        assertEquals(new ScheduledIssuer.Kms(keyArn, ((ScheduledIssuer.Kms) stored.state().issuer()).chain()), stored.state().issuer());
        assertEquals(Map.of("team", "payments"), stored.state().functionTags());
        assertEquals(List.of(new DesiredState.Target(FakeAws.ACCOUNT_ID, aws.region(), null)), stored.state().targets());
        assertEquals("/mtls/service-1/", stored.state().parameterPrefix());
        assertEquals(1, stored.state().canary());
        assertTrue(stored.writtenBy().startsWith("arn:aws:"), stored.writtenBy());
        assertTrue(result.out().contains("Wrote the desired state of service-1 in " + TABLE + " as revision 1"), result.out());
        assertTrue(result.out().contains(".kmsCaKeyArns(List.of(\"" + keyArn + "\"))"), result.out());
        assertTrue(result.out().contains(".consumerFunctionTag(\"team\", \"payments\")"), result.out());
        assertTrue(result.out().contains(".regions(List.of(\"" + aws.region() + "\"))"), result.out());

        Cli.Result again = schedule("--function-tag", "team=payments", "--canary", "1").assertExit(0, "the same again");
        assertTrue(again.out().contains("Unchanged"), again.out());
        assertEquals(1, stored().revision());

        schedule("--function-tag", "team=payments", "--canary", "2").assertExit(0, "a change");
        assertEquals(2, stored().revision());
        assertEquals(2, stored().state().canary());
    }

    @Test
    void aFleetListsEveryAccountRegionWithTheRoleToAssume() throws Exception {
        Cli.Result result = schedule("--regions", "eu-west-1,eu-central-1", "--accounts", MEMBER, "--role-name", "ops/mtls-rotator",
                "--output", "json").assertExit(0, "schedule a fleet");

        String role = "arn:aws:iam::" + MEMBER + ":role/ops/mtls-rotator";
        assertEquals(List.of(new DesiredState.Target(FakeAws.ACCOUNT_ID, "eu-west-1", null), new DesiredState.Target(MEMBER, "eu-west-1", role),
                new DesiredState.Target(FakeAws.ACCOUNT_ID, "eu-central-1", null), new DesiredState.Target(MEMBER, "eu-central-1", role)),
                stored().state().targets());
        JsonNode json = JSON.readTree(result.out());
        assertTrue(json.path("written").asBoolean());
        assertEquals("aws-kms", json.path("desiredState").path("issuer").path("type").asText());
        String props = json.path("rotatorProps").toString();
        assertTrue(props.contains(".memberRoleArns(List.of(\\\"" + role + "\\\"))"), props);
        assertTrue(props.contains(".regions(List.of(\\\"eu-central-1\\\", \\\"eu-west-1\\\"))"), props);
    }

    @Test
    void pruneWithGraceDaysIsTheRetentionPolicyOfTheState() throws Exception {
        Cli.Result result = schedule("--prune", "--grace-days", "3").assertExit(0, "schedule with pruning");

        assertEquals(3, stored().state().pruneGraceDays());
        assertTrue(result.out().contains("prunes unused layer versions older than 3 day(s)"), result.out());

        schedule("--prune").assertExit(0, "the default grace");
        assertEquals(7, stored().state().pruneGraceDays());
        assertEquals(2, stored().revision());

        Cli.Result none = schedule("--output", "json").assertExit(0, "no pruning");
        assertEquals(null, stored().state().pruneGraceDays());
        assertTrue(JSON.readTree(none.out()).path("desiredState").path("pruneGraceDays").isMissingNode(), none.out());
    }

    @Test
    void badGraceDaysAreRefusedInOneLineAndNothingIsWritten() {
        aws.clearRequests();

        assertOneLine(schedule("--prune", "--grace-days", "-1"), "--grace-days must be 0 or more days");
        assertOneLine(schedule("--grace-days", "3"), "--grace-days goes with --prune");
        Cli.Result notANumber = schedule("--prune", "--grace-days", "three");
        assertEquals(2, notANumber.exitCode(), notANumber.err());
        assertEquals(1, notANumber.errLines().size(), notANumber.err());
        assertTrue(notANumber.err().startsWith("mtls-cli: ") && notANumber.err().contains("--grace-days"), notANumber.err());
        assertTrue(aws.requests().stream().noneMatch(r -> "dynamodb".equals(r.service())), "nothing was read or written");
    }

    @Test
    void aDryRunWritesNothing() {
        Cli.Result result = schedule("--dry-run").assertExit(0, "dry run");

        assertTrue(result.out().contains("Would write the desired state of service-1"), result.out());
        assertTrue(aws.dynamoDb().item(TABLE, "desired/service-1").isEmpty());
    }

    @Test
    void aLocalCaIsRefusedInOneLineAndNothingIsWritten() {
        Path local = temp.resolve("local");
        Workspace.create(local, "ec-p256", "pkcs12", null);

        Cli.Result refused = FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", local.toString(), "--schedule",
                "--lease-table", TABLE);

        assertOneLine(refused, "never leaves");
        assertTrue(refused.err().contains("--ca aws-kms"), refused.err());
        assertTrue(aws.dynamoDb().item(TABLE, "desired/service-1").isEmpty());
    }

    @Test
    void withoutATableOrWithRotationOptionsItIsRefusedBeforeAnyCall() {
        aws.clearRequests();

        assertOneLine(FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(), "--schedule"),
                "needs --lease-table");
        assertOneLine(schedule("--rollback"), "rotates nothing");
        assertOneLine(schedule("--renew-at-percent", "100"), "renewal at 100%");
        assertOneLine(schedule("--functions", "fn-a", "--accounts", MEMBER, "--role-name", "mtls-rotator"), "--function-tag");
        assertTrue(aws.requests().stream().noneMatch(r -> "dynamodb".equals(r.service())), "nothing was read or written");
    }

    private static void assertOneLine(Cli.Result result, String expected) {
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().startsWith("mtls-cli: "), result.err());
        assertTrue(result.err().contains(expected), result.err());
        assertFalse(result.err().contains("\tat "), result.err());
    }
}
