package dev.mtlscli.rotator;

import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.scheduled.DesiredState;
import dev.mtlscli.scheduled.DesiredStateTable;
import dev.mtlscli.scheduled.ScheduleExport;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.workspace.ExistingWorkspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service whose layer the rotator's own (home) account publishes in two regions, granted to
 * the organization, and whose consumers are in the home account and in two member accounts
 * reached through a role: the home slices renew and publish, the member slices only move the
 * members' functions to the home account's new version, as `rotate --accounts` does.
 */
class RotatorMembersTest {
    private static final String HOME = FakeAws.ACCOUNT_ID;
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    private static final String ROLE = "mtls-rotator";
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
    private static final String LAYER = "mtls-service-1";
    private static final LongSupplier PLENTY = () -> 600_000;

    @TempDir
    Path temp;

    private FakeAws aws;
    private Path workspace;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private final ByteArrayOutputStream metrics = new ByteArrayOutputStream();

    @BeforeEach
    void fleet() {
        FakeAwsCli.credentials();
        aws = FakeAws.startFleet(REGIONS, List.of(A, B));
        aws.iam().createRole(A, ROLE, HOME);
        aws.iam().createRole(B, ROLE, HOME);
        aws.dynamoDb().createTable(RotatorFixture.TABLE, "scope");
        workspace = temp.resolve("ws");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", workspace.toString());
        Cli.runOk("layer", "publish", "--workspace", workspace.toString(), "--service", "service-1",
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS), "--grant-org", FakeAws.ORGANIZATION_ID);
        List<DesiredState.Target> targets = new ArrayList<>();
        for (String region : REGIONS) {
            String v1 = aws.lambda(region).layerVersions(LAYER).get(0).layerVersionArn();
            aws.lambda(HOME, region).createFunction("home-fn", "java21", List.of(v1), Map.of());
            aws.lambda(A, region).createFunction("a-0", "java21", List.of(v1), Map.of());
            aws.lambda(A, region).createFunction("a-1", "java21", List.of(v1), Map.of());
            aws.lambda(B, region).createFunction("b-0", "java21", List.of(v1), Map.of());
            targets.add(new DesiredState.Target(HOME, region, null));
            targets.add(new DesiredState.Target(A, region, "arn:aws:iam::" + A + ":role/" + ROLE));
            targets.add(new DesiredState.Target(B, region, "arn:aws:iam::" + B + ":role/" + ROLE));
        }
        DesiredState state = ScheduleExport.from(ExistingWorkspace.open(workspace), "service-1", new ScheduleExport.Choices(LAYER,
                "/mtls/service-1/", null, List.of(), Map.of(), targets, null, null, 1, false));
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            new DesiredStateTable(dynamo, RotatorFixture.TABLE).write(state, null, "test", Instant.now());
        }
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    @Test
    void membersMoveToTheVersionTheHomeAccountPublishedAndPublishNothingThemselves() {
        Clock due = dueClock();
        Rotator rotator = rotator(due);
        Rotator.Targets targets = rotator.targets("run-1");
        assertEquals(REGIONS.size(), targets.publishers().size(), targets.toString());
        assertTrue(targets.publishers().stream().allMatch(t -> t.account().equals(HOME)), targets.toString());
        assertEquals(2 * REGIONS.size(), targets.members().size(), targets.toString());

        for (Rotator.Target target : targets.publishers()) {
            Rotator.SliceResult result = rotator.slice("run-1", target, null, PLENTY);
            assertEquals(0, result.failures(), log.toString());
            assertEquals(1, result.renewed(), target + ": " + log);
        }
        for (Rotator.Target target : targets.members()) {
            Rotator.SliceResult result = rotator.slice("run-1", target, null, PLENTY);
            assertEquals(0, result.failures(), log.toString());
            assertEquals(0, result.renewed(), target + " renews nothing");
            assertEquals(target.account().equals(A) ? 2 : 1, result.moved(), target + ": " + log);
        }

        for (String region : REGIONS) {
            List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions(LAYER);
            assertEquals(2, versions.size(), region + ": one new version in the home account");
            String v2 = versions.get(1).layerVersionArn();
            assertEquals(List.of(v2), layersOf(HOME, region, "home-fn"));
            for (String function : List.of("a-0", "a-1")) {
                assertEquals(List.of(v2), layersOf(A, region, function), A + " " + region + " " + function);
            }
            assertEquals(List.of(v2), layersOf(B, region, "b-0"));
            for (String member : List.of(A, B)) {
                assertTrue(aws.lambda(member, region).layerVersions(LAYER).isEmpty(), member + " publishes no layer of its own");
            }
        }
        assertTrue(metrics.toString(StandardCharsets.UTF_8).contains("\"FunctionsMoved\":2"), metrics.toString(StandardCharsets.UTF_8));

        // the next run finds nothing to do anywhere
        Rotator again = rotator(due);
        for (Rotator.Target target : again.targets("run-2").targets()) {
            Rotator.SliceResult result = again.slice("run-2", target, null, PLENTY);
            assertEquals(0, result.failures() + result.moved() + result.renewed(), target + ": " + log);
        }
        for (String region : REGIONS) {
            assertEquals(2, aws.lambda(region).layerVersions(LAYER).size());
        }
    }

    @Test
    void aMemberSliceBeforeTheHomeOneRenewsNothingAndMovesNothing() {
        Rotator rotator = rotator(dueClock());
        Rotator.Target member = new Rotator.Target(A, REGIONS.get(0), "arn:aws:iam::" + A + ":role/" + ROLE);

        Rotator.SliceResult result = rotator.slice("run-1", member, null, PLENTY);

        assertEquals(0, result.failures() + result.moved() + result.renewed(), log.toString());
        assertEquals(1, aws.lambda(REGIONS.get(0)).layerVersions(LAYER).size(), "a member never publishes the home release");
        assertTrue(log.toString().contains("nothing to do"), log.toString());
    }

    @Test
    void aMemberSliceCutOffHalfWayIsFinishedByTheNextOne() {
        Clock due = dueClock();
        String region = REGIONS.get(0);
        Rotator.Target home = new Rotator.Target(HOME, region, null);
        Rotator.Target member = new Rotator.Target(A, region, "arn:aws:iam::" + A + ":role/" + ROLE);
        assertEquals(0, rotator(due).slice("run-1", home, null, PLENTY).failures(), log.toString());
        AtomicInteger moved = new AtomicInteger();
        Rotator dying = rotator(due).observedBy((step, detail) -> {
            if (step.contains("moved") && moved.incrementAndGet() == 1) {
                throw new IllegalStateException("killed after the first move");
            }
        });

        Rotator.SliceResult cut = dying.slice("run-1", member, null, PLENTY);
        assertEquals(1, cut.failures(), log.toString());
        Rotator.SliceResult rerun = rotator(due).slice("run-2", member, null, PLENTY);

        assertEquals(0, rerun.failures(), log.toString());
        assertTrue(log.toString().contains("Resuming rotation"), log.toString());
        String v2 = aws.lambda(region).layerVersions(LAYER).get(1).layerVersionArn();
        assertEquals(List.of(v2), layersOf(A, region, "a-0"));
        assertEquals(List.of(v2), layersOf(A, region, "a-1"));
        assertEquals(2, aws.lambda(region).layerVersions(LAYER).size());
    }

    @Test
    void aMemberWhoseRoleCannotBeAssumedFailsLoudlyAndTheOthersStillMove() {
        Clock due = dueClock();
        String region = REGIONS.get(0);
        rotator(due).slice("run-1", new Rotator.Target(HOME, region, null), null, PLENTY);
        Rotator.Target noRole = new Rotator.Target(A, region, "arn:aws:iam::" + A + ":role/not-there");

        Rotator.SliceResult refused = rotator(due).slice("run-1", noRole, null, PLENTY);
        Rotator.SliceResult other = rotator(due).slice("run-1", new Rotator.Target(B, region, "arn:aws:iam::" + B + ":role/" + ROLE),
                null, PLENTY);

        assertEquals(1, refused.failures(), log.toString());
        assertTrue(log.toString().contains("service-1 in " + A + "/" + region + " FAILED"), log.toString());
        assertEquals(0, other.failures(), log.toString());
        assertEquals(1, other.moved());
        String newest = aws.lambda(region).layerVersions(LAYER).get(1).layerVersionArn();
        assertEquals(List.of(newest), layersOf(B, region, "b-0"));
    }

    private Rotator rotator(Clock clock) {
        RotatorSettings settings = new RotatorSettings(new AwsSettings(aws.region(), null, aws.endpoint(), Map.of()), RotatorFixture.TABLE,
                "/mtls", "mtls-cli", "default", List.of("service-1"), Duration.ofSeconds(30), RotatorFixture.SCHEDULE_PERIOD);
        return new Rotator(settings, clock, new PrintStream(metrics, true, StandardCharsets.UTF_8),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    /** Past the renewal point of the service's certificate. */
    private Clock dueClock() {
        X509Certificate certificate = RotatorFixture.clientCertificate(workspace, "service-1");
        Instant notBefore = certificate.getNotBefore().toInstant();
        long lifetime = Duration.between(notBefore, certificate.getNotAfter().toInstant()).toSeconds();
        Instant at = notBefore.plusSeconds((long) (lifetime * 0.8));
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), at));
    }

    private List<String> layersOf(String account, String region, String function) {
        return aws.lambda(account, region).function(function).orElseThrow().layerArns();
    }
}
