package dev.mtlscli.rotator;

import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.rotation.RotationListener;
import dev.mtlscli.rotation.RotationRequest;
import dev.mtlscli.rotation.RotationService;
import dev.mtlscli.rotation.RunOptions;
import dev.mtlscli.rotation.WorkspaceMaterialSteps;
import dev.mtlscli.scheduled.LeaseTableJournals;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotator resumes what a person's `rotate --lease-table` left unfinished in the state table,
 * since both journal there under the lease's scope; a CA rollover step a person left is not
 * finished by the rotator, which renews only.
 */
class RotatorResumesPersonTest {
    private static final List<String> CONSUMERS = List.of("orders", "billing");

    @TempDir
    Path temp;

    private static final class Cut extends RuntimeException {
        Cut(String step) {
            super("cut off after " + step);
        }
    }

    /** A person's rotation, journaled as `rotate --lease-table` journals it, cut off after the first step of this kind. */
    private static void personRotatesCutAfter(RotatorFixture fixture, RotationRequest.CaRolloverRequest ca, String step) {
        try (AwsClients clients = AwsClients.connect(new AwsSettings(fixture.aws.region(), null, fixture.aws.endpoint(), Map.of()));
             DynamoDbClient dynamo = FakeAwsCli.dynamoDb(fixture.aws, fixture.aws.region())) {
            LeaseTableJournals journals = new LeaseTableJournals(fixture.workspace, dynamo, RotatorFixture.TABLE, FakeAws.ACCOUNT_ID,
                    "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":user/alice on laptop pid 1", notice -> { });
            RotationRequest request = new RotationRequest("service-1", "mtls-{service}", Duration.ofDays(400), false, List.of(), Map.of(), ca);
            RotationListener cut = new RotationListener() {
                @Override
                public void done(String done, String detail) {
                    if (done.equals(step)) {
                        throw new Cut(done);
                    }
                }
            };
            WorkspaceMaterialSteps material = new WorkspaceMaterialSteps(fixture.workspace, "service-1", clients::acmPca,
                    region -> clients.kms(Region.of(region)), new SecureRandom());
            assertThrows(RuntimeException.class, () -> new RotationService(journals::forRotation, clients, Clock.systemUTC(), cut)
                    .rotate(request, material, new RunOptions(0, 1, null), null, false));
        }
    }

    private static Rotator.SliceResult slice(RotatorFixture fixture) {
        return fixture.rotator(List.of("service-1"), Clock.systemUTC())
                .slice("run-1", new Rotator.Target(FakeAws.ACCOUNT_ID, fixture.aws.region(), null), null, () -> 600_000);
    }

    @Test
    void aRenewalAPersonLeftUnfinishedInTheTableIsFinishedByTheNextSliceWithNoSecondVersion() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            personRotatesCutAfter(fixture, RotationRequest.CaRolloverRequest.NONE, "moved");
            assertEquals(2, fixture.versions("service-1").size());

            Rotator.SliceResult result = slice(fixture);

            assertEquals(0, result.failures(), fixture.log.toString(StandardCharsets.UTF_8));
            assertTrue(fixture.log.toString(StandardCharsets.UTF_8).contains("Resuming rotation"), fixture.log.toString(StandardCharsets.UTF_8));
            assertEquals(2, fixture.versions("service-1").size(), "the person's version, none of the rotator's");
            String v2 = fixture.versions("service-1").get(1).layerVersionArn();
            for (String consumer : CONSUMERS) {
                assertEquals(List.of(v2), fixture.layersOf(consumer), consumer);
            }
            fixture.assertEveryConsumerOnAnOpenableVersion("service-1", CONSUMERS);
        }
    }

    @Test
    void aCaRolloverStepAPersonLeftUnpublishedIsNotFinishedByTheRotator() {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            personRotatesCutAfter(fixture, RotationRequest.CaRolloverRequest.NEW_CA, "material");
            String v1 = fixture.versions("service-1").get(0).layerVersionArn();

            Rotator.SliceResult result = slice(fixture);

            assertEquals(1, result.failures());
            String log = fixture.log.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("the scheduled rotator renews only; a CA rollover (CA_PREPARE) is a person's mtls-cli rotate --new-ca"),
                    log);
            assertEquals(1, fixture.versions("service-1").size(), "nothing published");
            for (String consumer : CONSUMERS) {
                assertEquals(List.of(v1), fixture.layersOf(consumer), consumer);
            }
        }
    }
}
