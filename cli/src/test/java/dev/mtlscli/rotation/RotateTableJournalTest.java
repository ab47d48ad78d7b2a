package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.scheduled.TableJournalStore;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.TreeCopy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --lease-table` keeps its journal in the state table, where the scheduled rotator keeps
 * its own: a person resumes and rolls back what the rotator's core journaled there. The rotator is
 * played by the rotation core as the rotator runs it (RotationService over a TableJournalStore of
 * the lease's scope), with its material made outside the person's workspace (as the rotator makes
 * it in memory), cut off after a journaled step as RotatorKillTest cuts slices.
 */
class RotateTableJournalTest {
    private static final String TABLE = "mtls-rotator-state";
    private static final String ROTATOR = "scheduled rotator run-1";
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "PublishLayerVersion", "PutParameter",
            "UpdateFunctionConfiguration");

    static {
        FakeAwsCli.credentials();
    }

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
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    private static final class Cut extends RuntimeException {
        Cut(String step) {
            super("cut off after " + step);
        }
    }

    /** Cuts the run off right after the n-th journaled step of this kind, as a killed slice stops. */
    private static RotationListener cutAfter(String step, int nth) {
        int[] seen = {0};
        return new RotationListener() {
            @Override
            public synchronized void done(String done, String detail) {
                if (done.equals(step) && ++seen[0] == nth) {
                    throw new Cut(done + " " + detail);
                }
            }
        };
    }

    private RotationJournal tableJournal() {
        return RotationJournal.inStore(new TableJournalStore(dynamo, TABLE, scope), "service-1", Fleet.LAYER, aws.region(),
                Clock.systemUTC(), ROTATOR);
    }

    /** The rotator's run of the core on the service: its journal in the table, its material not in the person's workspace. */
    private void rotatorRotates(RotationListener listener) {
        coreRotates(TreeCopy.copy(fleet.ws.root(), temp.resolve("rotator-memory")), RotationRequest.CaRolloverRequest.NONE, listener);
    }

    /** The core as the rotator runs it, journaling in the table, with the material of {@code elsewhere}. */
    private void coreRotates(Path elsewhere, RotationRequest.CaRolloverRequest ca, RotationListener listener) {
        RotationService.Journals journals = (service, layerName, region, clock) -> RotationJournal.inStore(
                new TableJournalStore(dynamo, TABLE, new LeaseScope(FakeAws.ACCOUNT_ID, region, layerName)), service, layerName, region,
                clock, ROTATOR);
        try (AwsClients clients = AwsClients.connect(new AwsSettings(aws.region(), null, aws.endpoint(), Map.of()))) {
            RotationRequest request = new RotationRequest("service-1", "mtls-{service}", Duration.ofDays(400), false, List.of(), Map.of(),
                    ca);
            new RotationService(journals, clients, Clock.systemUTC(), listener).rotate(request,
                    new WorkspaceMaterialSteps(elsewhere, "service-1", clients::acmPca, new SecureRandom()), new RunOptions(0, 1, null), null,
                    false);
        }
    }

    private void rotatorCutAfter(String step, int nth) {
        assertThrows(RuntimeException.class, () -> rotatorRotates(cutAfter(step, nth)));
    }

    /** A rotation the person started without the lease table, journaled in the workspace, cut off after two moves. */
    private void personCutWithoutTheTable() {
        try (AwsClients clients = AwsClients.connect(new AwsSettings(aws.region(), null, aws.endpoint(), Map.of()))) {
            RotationRequest request = new RotationRequest("service-1", "mtls-{service}", Duration.ofDays(400), false, List.of(), Map.of(),
                    RotationRequest.CaRolloverRequest.NONE);
            assertThrows(RuntimeException.class, () -> new RotationService(fleet.ws.root(), clients, Clock.systemUTC(), cutAfter("moved", 2))
                    .rotate(request, new WorkspaceMaterialSteps(fleet.ws.root(), "service-1", clients::acmPca, new SecureRandom()),
                            new RunOptions(0, 1, null), null, false));
        }
    }

    private Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("--renew-before", "400", "--lease-table", TABLE));
        args.addAll(List.of(extra));
        return fleet.rotate(args.toArray(String[]::new));
    }

    private LayerManifest manifest(long version) {
        return LayerZips.manifest(FakeAwsCli.layerContent(aws, Fleet.LAYER, version), "service-1");
    }

    private void assertAllOn(String arn) {
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, arn);
        }
    }

    private long events(RotationJournal journal, String event) {
        return journal.read().stream().filter(e -> event.equals(e.event())).count();
    }

    @Test
    void aRotationTheRotatorLeftUnfinishedInTheTableIsResumedByAPersonsRotateAndConvergesWithOneNewVersion() {
        rotatorCutAfter("moved", 2);
        assertEquals(2, fleet.versions().size(), "the rotator published before it was cut off");
        String rotation = tableJournal().unfinished().orElseThrow().rotationId();

        Cli.Result resumed = rotate();

        resumed.assertExit(0, "rotate --lease-table after the rotator was cut off");
        assertTrue(resumed.out().contains("Resuming rotation " + rotation + " of service-1 from DynamoDB table " + TABLE + " item journal/"
                + scope.key()), resumed.out());
        assertEquals(2, fleet.versions().size(), "one new version, the rotator's");
        assertAllOn(fleet.versions().get(1).layerVersionArn());
        fleet.assertBystandersUntouched();
        assertTrue(tableJournal().unfinished().isEmpty(), "completed in the table");
        assertTrue(tableJournal().events(rotation).stream().anyMatch(e -> JournalEvent.COMPLETED.equals(e.event())
                && e.by().startsWith("arn:aws:iam::" + FakeAws.ACCOUNT_ID)), "the person's lines are signed with their identity");
        assertFalse(Files.exists(fleet.journal()), "nothing journaled in the workspace");
    }

    @Test
    void rollbackWithTheLeaseTableUndoesTheRotationTheRotatorCompletedInTheTable() {
        rotatorRotates(RotationListener.NONE);
        assertAllOn(fleet.versions().get(1).layerVersionArn());

        Cli.Result rolledBack = rotate("--rollback");

        rolledBack.assertExit(0, "rotate --rollback --lease-table");
        assertAllOn(fleet.v1);
        assertEquals(1, events(tableJournal(), JournalEvent.ROLLBACK_COMPLETED));
        assertFalse(Files.exists(fleet.journal()));
    }

    @Test
    void afterTheRotatorRenewedARotateOfTheStaleWorkspacePlansFromWhatIsDeployedAndPublishesNothing() {
        rotatorRotates(RotationListener.NONE);
        String v2 = fleet.versions().get(1).layerVersionArn();
        LayerManifest deployed = manifest(2);

        for (Cli.Result result : List.of(fleet.rotate("--lease-table", TABLE), fleet.rotate())) {
            result.assertExit(0, "rotate on the stale workspace");
            assertTrue(result.out().contains("outside the 30-day renewal window"), result.out());
        }
        assertEquals(2, fleet.versions().size(), "nothing published from the stale workspace");
        assertAllOn(v2);

        Cli.Result status = FakeAwsCli.run(aws, "status", "--layer", Fleet.LAYER);
        status.assertExit(0, "status after the scheduled rotation");
        assertTrue(status.out().contains("newest version 2, " + Fleet.USERS.size() + " functions on it"), status.out());
        assertEquals(deployed.certificateSha256(), manifest(2).certificateSha256());
    }

    @Test
    void anUnfinishedRotationOfTheWorkspaceFileIsFinishedFromItUnderTheLeaseThenNewRotationsGoToTheTable() throws IOException {
        personCutWithoutTheTable();
        String fileRotation = RotationJournal.forRegion(fleet.ws.root(), "service-1", Fleet.LAYER, aws.region(), Clock.systemUTC())
                .unfinished().orElseThrow().rotationId();

        Cli.Result finished = rotate();

        finished.assertExit(0, "rotate --lease-table with an unfinished rotation in the workspace");
        assertTrue(finished.out().contains("The workspace's journal " + fleet.journal() + " has the unfinished rotation " + fileRotation),
                finished.out());
        assertTrue(finished.out().contains("Resuming rotation " + fileRotation + " of service-1 from " + fleet.journal()), finished.out());
        assertEquals(2, fleet.versions().size());
        assertAllOn(fleet.versions().get(1).layerVersionArn());
        assertTrue(Files.readString(fleet.journal()).contains("\"completed\""));
        assertTrue(tableJournal().read().isEmpty(), "nothing in the table yet");

        rotate("--force").assertExit(0, "the next rotation");
        assertEquals(3, fleet.versions().size());
        assertEquals(1, events(tableJournal(), JournalEvent.COMPLETED), "journaled in the table");
        assertEquals(1, Files.readString(fleet.journal()).lines().filter(l -> l.contains("\"planned\"")).count(), "not in the file");

        // the newest rotation is the table's: rollback takes it, and says nothing of the file
        Cli.Result rolledBack = rotate("--rollback");
        rolledBack.assertExit(0, "rollback");
        assertAllOn(fleet.versions().get(1).layerVersionArn());
        assertEquals(1, events(tableJournal(), JournalEvent.ROLLBACK_COMPLETED));
    }

    @Test
    void rollbackTakesTheWorkspacesRotationWhenItIsTheNewestAndSaysSo() {
        rotatorRotates(RotationListener.NONE);
        fleet.rotate("--force").assertExit(0, "a rotation without the lease table, journaled in the workspace");
        assertEquals(3, fleet.versions().size());

        Cli.Result rolledBack = rotate("--rollback");

        rolledBack.assertExit(0, "rollback");
        assertTrue(rolledBack.out().contains("The last rotation of service-1 is in " + fleet.journal()), rolledBack.out());
        assertAllOn(fleet.versions().get(1).layerVersionArn());
        assertEquals(0, events(tableJournal(), JournalEvent.ROLLBACK_COMPLETED));
    }

    @Test
    void twoUnfinishedRotationsOneInTheFileOneInTheTableAreRefusedInOneLineUntilTheWorkspacesIsRolledBack() {
        personCutWithoutTheTable();
        // the rotator then rotated too, from version 2, and was cut off after its publish
        rotatorCutAfter("published", 1);
        assertEquals(3, fleet.versions().size());
        aws.clearRequests();

        Cli.Result refused = rotate();

        assertEquals(1, refused.exitCode(), refused.err());
        assertEquals(1, refused.errLines().size(), refused.err());
        assertTrue(refused.errLines().get(0).startsWith("mtls-cli: two unfinished rotations of service-1: "), refused.err());
        assertTrue(refused.err().contains("rotate --rollback"), refused.err());
        assertTrue(aws.requests().stream().map(RecordedRequest::operation).noneMatch(op -> Set.of("PublishLayerVersion", "PutParameter",
                "UpdateFunctionConfiguration").contains(op)), "nothing changed");
        assertEquals(3, fleet.versions().size());

        rotate("--rollback").assertExit(0, "rollback takes the workspace's unfinished rotation");
        rotate().assertExit(0, "then rotate continues the table's");
        assertEquals(3, fleet.versions().size(), "no version published by the person");
        assertAllOn(fleet.versions().get(2).layerVersionArn());
        assertTrue(tableJournal().unfinished().isEmpty());
    }

    @Test
    void pruneWithTheLeaseTableJournalsItsDeletionsInTheTable() {
        rotatorRotates(RotationListener.NONE);

        rotate("--prune", "--grace-days", "0").assertExit(0, "rotate --prune --lease-table");

        assertEquals(1, fleet.versions().size(), "version 1, which no function uses, is deleted");
        assertEquals(List.of(fleet.v1), tableJournal().read().stream().filter(e -> JournalEvent.PRUNED.equals(e.event()))
                .map(e -> e.detail("layerVersionArn")).toList());
        assertFalse(Files.exists(fleet.journal()));
    }

    @Test
    void aDryRunReadsTheTablesJournalAndWritesNothing() {
        rotatorCutAfter("moved", 2);
        String rotation = tableJournal().unfinished().orElseThrow().rotationId();
        long lines = tableJournal().read().size();
        aws.clearRequests();

        Cli.Result dry = rotate("--dry-run");

        dry.assertExit(0, "rotate --dry-run --lease-table");
        assertTrue(dry.out().contains("Resuming rotation " + rotation), dry.out());
        List<String> operations = aws.requests().stream().map(RecordedRequest::operation).toList();
        assertTrue(operations.contains("GetItem"), "the table's journal was read: " + operations);
        assertTrue(operations.stream().noneMatch(WRITES::contains), "nothing written: " + operations);
        assertEquals(lines, tableJournal().read().size());
        assertTrue(aws.dynamoDb().item(TABLE, scope.key()).isEmpty(), "no lease taken");
    }
}
