package dev.mtlscli.rotator;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeIam;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.rotation.JournalEvent;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.TableJournalStore;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotator's retention policy against the fake AWS with a member account: after the rotation
 * of a home account-region, the layer versions older than the grace that no function of the home
 * account or of a member account of the region uses are deleted, never the newest; a member that
 * cannot be read deletes nothing and fails loudly.
 */
class RotatorPruneTest {
    private static final String REGION = "us-east-1";
    private static final String MEMBER = "222233334444";
    private static final String ROLE = "mtls-rotator";
    private static final DesiredState.Target MEMBER_TARGET = new DesiredState.Target(MEMBER, REGION, FakeIam.roleArn(MEMBER, ROLE));
    private static final List<String> CONSUMERS = List.of("orders", "billing");

    @TempDir
    Path temp;

    /** service-1 used by the home account's consumers, service-2 by none; a member account the rotator may read. */
    private RotatorFixture fixture(Integer pruneGraceDays) {
        FakeAws aws = FakeAws.startFleet(List.of(REGION), List.of(MEMBER));
        aws.iam().createRole(MEMBER, ROLE, FakeAws.ACCOUNT_ID);
        return RotatorFixture.create(aws, temp, List.of("--ca", "aws-kms"), Map.of("service-1", CONSUMERS, "service-2", List.of()),
                false, List.of(MEMBER_TARGET), pruneGraceDays);
    }

    private static Rotator.SliceResult homeSlice(RotatorFixture fixture, Clock clock) {
        return fixture.rotator(List.of("service-1", "service-2"), clock)
                .slice("run-1", new Rotator.Target(FakeAws.ACCOUNT_ID, REGION, null), null, () -> 600_000);
    }

    private static List<String> arns(List<FakeLambda.LayerVersion> versions) {
        return versions.stream().map(FakeLambda.LayerVersion::layerVersionArn).toList();
    }

    @Test
    void versionsOlderThanTheGraceThatNoConsumerUsesAreDeletedButNeverTheNewestNorWhatTheLastRotationCanRollBackTo() throws Exception {
        try (RotatorFixture fixture = fixture(3)) {
            String v1 = fixture.versions("service-1").get(0).layerVersionArn();
            // the certificates' renewal point is weeks after the versions were published: far past the grace
            Clock due = fixture.atLifetime("service-1", 0.8);

            Rotator.SliceResult first = homeSlice(fixture, due);

            assertEquals(0, first.failures(), fixture.log.toString());
            assertEquals(2, first.renewed(), "both services renewed");
            assertEquals(List.of(1L, 2L), fixture.versions("service-1").stream().map(FakeLambda.LayerVersion::version).toList(),
                    "version 1 is what the rotation moved the consumers from: kept, so that rotate --rollback can move them back");
            assertTrue(fixture.log.toString().contains(v1 + ": kept"), fixture.log.toString());

            // the next renewal, a lifetime later: version 2 is now the rollback target, version 1 goes
            java.security.cert.X509Certificate certificate = fixture.clientCertificate("service-1");
            java.time.Duration lifetime = java.time.Duration.between(certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
            Clock later = Clock.offset(due, lifetime.multipliedBy(8).dividedBy(10).plusDays(1));
            Rotator.SliceResult second = homeSlice(fixture, later);

            assertEquals(0, second.failures(), fixture.log.toString());
            assertEquals(2, second.renewed(), fixture.log.toString());
            List<FakeLambda.LayerVersion> left = fixture.versions("service-1");
            assertEquals(List.of(2L, 3L), left.stream().map(FakeLambda.LayerVersion::version).toList(), arns(left).toString());
            for (String function : CONSUMERS) {
                assertEquals(List.of(left.get(1).layerVersionArn()), fixture.layersOf(function), function);
            }
            // service-2 has no consumer: its versions are unused and old; the newest is kept, and so is the one it started from
            assertEquals(List.of(2L, 3L), fixture.versions("service-2").stream().map(FakeLambda.LayerVersion::version).toList());
            assertTrue(fixture.log.toString().contains("service-1 in " + FakeAws.ACCOUNT_ID + "/" + REGION + ": pruned 1 layer version(s) "
                    + "older than 3 day(s) that no function here or in 1 member account(s) uses"), fixture.log.toString());
            try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(fixture.aws, REGION)) {
                List<String> journal = new TableJournalStore(dynamo, RotatorFixture.TABLE,
                        new LeaseScope(FakeAws.ACCOUNT_ID, REGION, "mtls-service-1")).lines();
                assertTrue(journal.stream().anyMatch(line -> line.contains(JournalEvent.PRUNED) && line.contains(v1)), journal.toString());
            }
        }
    }

    @Test
    void aVersionUsedOnlyByAMemberAccountsFunctionIsKept() {
        try (RotatorFixture fixture = fixture(3)) {
            String v1 = fixture.versions("service-1").get(0).layerVersionArn();
            fixture.aws.lambda().addLayerVersionPermission(v1, "member", MEMBER, null);
            fixture.aws.lambda(MEMBER, REGION).createFunction("member-orders", "java21", List.of(v1), Map.of());

            Rotator.SliceResult slice = homeSlice(fixture, fixture.atLifetime("service-1", 0.8));

            assertEquals(0, slice.failures(), fixture.log.toString());
            assertEquals(2, fixture.versions("service-1").size(), "version 1 is kept for the member's function");
            assertEquals(v1, fixture.versions("service-1").get(0).layerVersionArn());
            assertTrue(fixture.log.toString().contains(v1 + ": kept, in use"), fixture.log.toString());
            // the home account's own consumers did move
            assertEquals(List.of(fixture.versions("service-1").get(1).layerVersionArn()), fixture.layersOf("orders"));
        }
    }

    @Test
    void aMemberAccountThatCannotBeReadDeletesNothingAndCountsAFailure() {
        try (RotatorFixture fixture = fixture(3)) {
            fixture.aws.iam().deleteRole(MEMBER, ROLE);

            Rotator.SliceResult slice = homeSlice(fixture, fixture.atLifetime("service-1", 0.8));

            assertEquals(2, slice.renewed(), "the rotations themselves are done: " + fixture.log);
            assertEquals(2, slice.failures(), "one per service whose pruning could not read the member: " + fixture.log);
            assertEquals(2, fixture.versions("service-1").size(), "nothing deleted");
            assertEquals(2, fixture.versions("service-2").size(), "nothing deleted");
            assertTrue(fixture.log.toString().contains("service-1 in " + FakeAws.ACCOUNT_ID + "/" + REGION + ": pruning FAILED: the functions of "
                    + MEMBER + "/" + REGION + " could not be read"), fixture.log.toString());
        }
    }

    @Test
    void aStateWithoutARetentionPolicyDeletesNothing() {
        try (RotatorFixture fixture = fixture(null)) {
            Rotator.SliceResult slice = homeSlice(fixture, fixture.atLifetime("service-1", 0.8));

            assertEquals(0, slice.failures(), fixture.log.toString());
            assertEquals(2, slice.renewed());
            assertEquals(2, fixture.versions("service-1").size(), "the unused version 1 stays");
            assertTrue(fixture.log.toString().lines().noneMatch(line -> line.contains("prune")), fixture.log.toString());
        }
    }
}
