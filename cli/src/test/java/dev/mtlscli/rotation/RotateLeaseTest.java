package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.lease.Lease;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.PausingWriter;
import dev.mtlscli.testing.TreeCopy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `rotate --lease-table`: the lease in DynamoDB keeps two rotations of one service from acting at once. */
class RotateLeaseTest {
    private static final String TABLE = "mtls-rotation-leases";
    private static final Set<String> CHANGES = Set.of("PublishLayerVersion", "AddLayerVersionPermission", "PutParameter",
            "UpdateFunctionConfiguration");

    @TempDir
    Path temp;

    private FakeAws aws;
    private Fleet fleet;
    private DynamoDbClient dynamo;
    private LeaseScope scope;

    @BeforeEach
    void createFleet() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
        aws.dynamoDb().createTable(TABLE, RotationLease.KEY);
        dynamo = FakeAwsCli.dynamoDb(aws, aws.region());
        scope = new LeaseScope(FakeAws.ACCOUNT_ID, aws.region(), Fleet.LAYER);
        aws.clearRequests();
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    private Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--renew-before", "400", "--lease-table", TABLE));
        args.addAll(List.of(extra));
        return fleet.rotate(args.toArray(String[]::new));
    }

    private Map<String, Map<String, Object>> item() {
        return aws.dynamoDb().item(TABLE, scope.key()).orElseThrow();
    }

    private String token() {
        return (String) item().get("token").get("N");
    }

    private int firstIndex(List<RecordedRequest> requests, Set<String> operations) {
        for (int i = 0; i < requests.size(); i++) {
            if (operations.contains(requests.get(i).operation())) {
                return i;
            }
        }
        return -1;
    }

    private int lastIndex(List<RecordedRequest> requests, Set<String> operations) {
        for (int i = requests.size() - 1; i >= 0; i--) {
            if (operations.contains(requests.get(i).operation())) {
                return i;
            }
        }
        return -1;
    }

    private long changes(List<RecordedRequest> requests) {
        return requests.stream().filter(r -> CHANGES.contains(r.operation())).count();
    }

    /** An in-process rotation in another thread, held when it prints its plan: it holds the lease and has changed nothing yet. */
    private CompletableFuture<Integer> startHeldAtItsPlan(PausingWriter out, StringWriter err, Path workspace) {
        String[] args = FakeAwsCli.args(aws, "rotate", "--service", "service-1", "--workspace", workspace.toString(),
                "--renew-before", "400", "--lease-table", TABLE);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Cli.run(out, err, args));
        out.awaitPaused();
        return run;
    }

    @Test
    void aRotationTakesTheLeaseBeforeItsFirstChangeRenewsItOnTheWayAndReleasesItAtTheEnd() {
        rotate().assertExit(0, "rotate with a lease");

        List<RecordedRequest> requests = aws.requests();
        int firstPut = firstIndex(requests, Set.of("PutItem"));
        assertTrue(firstPut >= 0 && firstPut < firstIndex(requests, CHANGES), "the lease is taken before the first change");
        assertTrue(lastIndex(requests, Set.of("UpdateItem")) > lastIndex(requests, CHANGES), "released after the last change");
        assertTrue(aws.requests("UpdateItem").size() >= 2, "renewed before changes, then released");
        for (RecordedRequest request : requests) {
            if (CHANGES.contains(request.operation())) {
                assertTrue(requests.subList(firstPut, requests.indexOf(request)).stream()
                        .anyMatch(r -> r.operation().equals("UpdateItem")), "a renewal before " + request.operation());
            }
        }
        assertFalse(item().containsKey("holder"), "released");
        assertFalse(item().containsKey("expiresAt"));
        assertEquals("1", token());
        assertTrue(item().containsKey("releasedAt"));
        assertEquals(2, fleet.versions().size(), "the rotation itself ran");
    }

    @Test
    void aRotationFindingTheLeaseHeldExitsBusyNamingTheHolderSinceAndExpiryAndChangesNothing() throws IOException {
        Lease held = new RotationLease(dynamo, TABLE, Clock.systemUTC()).acquire(scope, "scheduled rotator exec-42", Duration.ofMinutes(10));
        byte[] keyStore = Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1")));
        aws.clearRequests();

        Cli.Result result = rotate();

        assertEquals(4, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        String line = result.errLines().get(0);
        assertTrue(line.startsWith("mtls-cli: the rotation of " + scope.key() + " is leased to scheduled rotator exec-42 since "
                + held.since()), line);
        assertTrue(line.contains("expires " + held.expires()), line);
        assertTrue(line.contains(TABLE), line);
        assertEquals(0, changes(aws.requests()), "nothing changed in AWS");
        assertEquals(1, fleet.versions().size());
        assertArrayEquals(keyStore, Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1"))), "nor in the workspace");
        assertFalse(Files.exists(fleet.journal()), "nor journaled");
        assertEquals(Map.of("S", "scheduled rotator exec-42"), item().get("holder"), "the holder keeps its lease");
    }

    @Test
    void ofTwoRotationsStartedAtOnceTheOneHoldingTheLeaseActsAndTheOtherExitsBusy() throws Exception {
        Path colleague = TreeCopy.copy(fleet.ws.root(), temp.resolve("colleague-ws"));
        PausingWriter firstOut = new PausingWriter("rotation of service-1");
        StringWriter firstErr = new StringWriter();
        CompletableFuture<Integer> first = startHeldAtItsPlan(firstOut, firstErr, fleet.ws.root());
        try {
            Cli.Result second = FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", colleague.toString(),
                    "--renew-before", "400", "--lease-table", TABLE);
            assertEquals(4, second.exitCode(), second.err());
            assertEquals(1, second.errLines().size(), second.err());
            assertTrue(second.err().contains("is leased to arn:aws:iam::" + FakeAws.ACCOUNT_ID), second.err());
            assertTrue(second.err().contains(" pid " + ProcessHandle.current().pid()), second.err());
        } finally {
            firstOut.resume();
        }
        assertEquals(0, first.get(), firstErr + firstOut.text());
        assertEquals(2, fleet.versions().size(), "one rotation published one version");
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, fleet.versions().get(1).layerVersionArn());
        }
    }

    @Test
    void aLeaseLeftByACrashedRunBlocksUntilItExpiresThenIsTakenOverWithAHigherToken() {
        Instant now = Instant.now();
        // what a run killed mid-way leaves: its lease, token 7, and no release
        dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", AttributeValue.fromS(scope.key()),
                "holder", AttributeValue.fromS("arn:aws:iam::123456789012:user/alice on laptop pid 4242"),
                "token", AttributeValue.fromN("7"),
                "acquiredAt", AttributeValue.fromN(Long.toString(now.minus(Duration.ofMinutes(1)).toEpochMilli())),
                "expiresAt", AttributeValue.fromN(Long.toString(now.plus(Duration.ofMinutes(4)).toEpochMilli())))));
        Cli.Result blocked = rotate();
        assertEquals(4, blocked.exitCode(), blocked.err());
        assertTrue(blocked.err().contains("leased to arn:aws:iam::123456789012:user/alice on laptop pid 4242"), blocked.err());

        dynamo.updateItem(b -> b.tableName(TABLE).key(Map.of("scope", AttributeValue.fromS(scope.key())))
                .updateExpression("SET expiresAt = :past")
                .expressionAttributeValues(Map.of(":past", AttributeValue.fromN(Long.toString(now.minusSeconds(1).toEpochMilli())))));
        rotate().assertExit(0, "rotate after the crashed run's lease expired");
        assertEquals("8", token());
        assertFalse(item().containsKey("holder"));
        assertEquals(2, fleet.versions().size());
    }

    @Test
    void aRotationThatFailsReleasesTheLease() {
        aws.failNext("PublishLayerVersion", 400, "InvalidParameterValueException", "Layer too large");

        Cli.Result result = rotate();

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("Layer too large"), result.err());
        assertFalse(item().containsKey("holder"), "released on failure");
        assertEquals("1", token());
    }

    @Test
    void aLeaseLostMidRunStopsTheRunBeforeItsNextChangeAndARunAfterTheTakeoverFinishesIt() throws Exception {
        PausingWriter out = new PausingWriter("rotation of service-1");
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = startHeldAtItsPlan(out, err, fleet.ws.root());
        int takenAt;
        try {
            // the run stalled past its expiry and another holder took the lease, with the next token
            dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", AttributeValue.fromS(scope.key()),
                    "holder", AttributeValue.fromS("scheduled rotator exec-7"), "token", AttributeValue.fromN("2"),
                    "acquiredAt", AttributeValue.fromN(Long.toString(Instant.now().toEpochMilli())),
                    "expiresAt", AttributeValue.fromN(Long.toString(Instant.now().plus(Duration.ofMinutes(5)).toEpochMilli())))));
            takenAt = aws.requests().size();
        } finally {
            out.resume();
        }

        assertEquals(1, run.get(), err.toString());
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("mtls-cli: the lease of " + scope.key() + " (token 1) was lost: it is now leased to "
                + "scheduled rotator exec-7"), lines.get(0));
        assertTrue(lines.get(0).contains("stopped before the next change"), lines.get(0));
        List<RecordedRequest> after = aws.requests().subList(takenAt, aws.requests().size());
        assertEquals(0, changes(after), "nothing changed after the takeover: " + after.stream().map(RecordedRequest::operation).toList());
        assertEquals(1, fleet.versions().size());
        assertEquals(Map.of("S", "scheduled rotator exec-7"), item().get("holder"), "the new holder's lease is left alone");

        // the other holder is done: the next run resumes the journaled rotation and finishes it
        new RotationLease(dynamo, TABLE, Clock.systemUTC()).release(new Lease(scope.key(), "scheduled rotator exec-7", 2,
                Instant.now(), Instant.now()));
        Cli.Result resumed = rotate();
        resumed.assertExit(0, "rotate after the takeover");
        assertTrue(resumed.out().contains("Resuming rotation"), resumed.out());
        assertEquals("3", token());
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, fleet.versions().get(1).layerVersionArn());
        }
    }

    @Test
    void throttledLeaseCallsAreRetriedByTheSdkAndTheRotationGoesOn() {
        for (String operation : List.of("GetItem", "PutItem", "UpdateItem")) {
            aws.failNext(operation, 400, "ProvisionedThroughputExceededException");
        }
        rotate().assertExit(0, "rotate with throttled DynamoDB answers");
        assertEquals(2, fleet.versions().size());
        assertFalse(item().containsKey("holder"), "released");
        assertTrue(aws.requests().stream().filter(r -> "ProvisionedThroughputExceededException".equals(r.errorType())).count() == 3);
    }

    @Test
    void aDryRunTakesNoLease() {
        rotate("--dry-run").assertExit(0, "dry run");
        // it reads the journal in the table (RotateTableJournalTest), and writes nothing there
        assertTrue(aws.requests().stream().noneMatch(r -> "dynamodb".equals(r.service()) && !"GetItem".equals(r.operation())),
                "no DynamoDB call but reads");
        assertTrue(aws.dynamoDb().item(TABLE, scope.key()).isEmpty());
    }

    @Test
    void aMissingLeaseTableIsOneLineNamingItAndNothingIsChanged() {
        Cli.Result result = fleet.rotate("--renew-before", "400", "--lease-table", "no-such-table");
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("no-such-table"), result.err());
        assertTrue(result.err().contains("ResourceNotFoundException"), result.err());
        assertEquals(0, changes(aws.requests()));

        Cli.Result bad = fleet.rotate("--lease-table", "a b");
        assertEquals(1, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("--lease-table must be a DynamoDB table name"), bad.err());
    }
}
