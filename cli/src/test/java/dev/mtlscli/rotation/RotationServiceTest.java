package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotation services driven from Java, as the scheduled rotator will call them: no picocli,
 * the real SDK clients against the loopback fake AWS, the workspace as the material source.
 * What the command prints is proven by the rotate command tests; this proves the outcome values,
 * the listener's calls and what changed in AWS.
 */
class RotationServiceTest {
    private static final String SERVICE = "service-1";
    private static final String LAYER_TEMPLATE = "mtls-{service}";
    private static final String ROLE = "mtls-rotation";

    static {
        // the in-process AwsClients find the fake's credentials where FakeAwsCli puts them
        FakeAwsCli.credentials();
    }

    @TempDir
    Path temp;

    /** Everything the service told its listener, in order. */
    private static class Recording implements RotationListener {
        final List<String> notices = Collections.synchronizedList(new ArrayList<>());
        final List<RotationPlan> plans = Collections.synchronizedList(new ArrayList<>());
        final List<String> steps = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void notice(String line) {
            notices.add(line);
        }

        @Override
        public void planned(RotationPlan plan, boolean resumed) {
            plans.add(plan);
        }

        @Override
        public void done(String step, String detail) {
            steps.add(step + " " + detail);
        }
    }

    private static final class Interrupted extends RuntimeException {
        Interrupted(String step) {
            super("interrupted after " + step);
        }
    }

    private static AwsClients connect(FakeAws aws, String region) {
        return AwsClients.connect(new AwsSettings(region, null, aws.endpoint(), Map.of()));
    }

    private static RotationRequest request(Duration renewBefore, boolean force) {
        return new RotationRequest(SERVICE, LAYER_TEMPLATE, renewBefore, force, List.of(), Map.of(), RotationRequest.CaRolloverRequest.NONE);
    }

    private static WorkspaceMaterialSteps material(Path workspace, AwsClients clients) {
        return new WorkspaceMaterialSteps(workspace, SERVICE, clients::acmPca, new SecureRandom());
    }

    @Test
    void oneAccountRegionIsPlannedRotatedAndThenHasNothingToDo() throws Exception {
        try (FakeAws aws = FakeAws.start(); AwsClients clients = connect(aws, aws.region())) {
            Fleet fleet = Fleet.create(temp, aws);
            Path workspace = fleet.ws.root();

            Recording dry = new Recording();
            RotationOutcome planned = new RotationService(workspace, clients, Clock.systemUTC(), dry)
                    .rotate(request(Duration.ofDays(400), false), material(workspace, clients), new RunOptions(0, 2, null), null, true);
            RotationPlan plan = assertInstanceOf(RotationOutcome.Planned.class, planned).plan();
            assertEquals(MaterialStep.RENEW, plan.materialStep(), plan.reason());
            assertEquals(new TreeSet<>(Fleet.USERS), new TreeSet<>(plan.moves().stream().map(Move::functionName).toList()));
            assertEquals(List.of(plan), dry.plans, "the listener saw the plan before the outcome");
            assertFalse(Files.exists(fleet.journal()), "a dry run writes no journal");
            assertEquals(1, fleet.versions().size(), "a dry run publishes nothing");

            Recording listener = new Recording();
            RotationOutcome outcome = new RotationService(workspace, clients, Clock.systemUTC(), listener)
                    .rotate(request(Duration.ofDays(400), false), material(workspace, clients), new RunOptions(1, 2, null), null, false);

            RotationOutcome.Done done = assertInstanceOf(RotationOutcome.Done.class, outcome);
            String v2 = fleet.versions().get(1).layerVersionArn();
            assertEquals(2, fleet.versions().size(), "exactly one new version");
            assertEquals(v2, done.result().targetArn());
            assertEquals(MaterialStep.RENEW, done.materialStep());
            assertFalse(done.result().resumed());
            assertEquals(new TreeSet<>(Fleet.USERS), new TreeSet<>(done.result().moved()));
            assertEquals(fleet.journal().toString(), done.journal());
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v2);
            }
            fleet.assertBystandersUntouched();
            assertPinnedPasswordIsTheWorkspaces(aws, fleet);
            assertEquals(List.of("material RENEW", "published " + v2), listener.steps.subList(0, 2));
            assertEquals("completed " + v2, listener.steps.get(listener.steps.size() - 1));
            assertEquals(Fleet.USERS.size(), listener.steps.stream().filter(s -> s.startsWith("moved ")).count());
            assertTrue(listener.notices.stream().anyMatch(n -> n.contains("published version 2")), listener.notices.toString());

            RotationOutcome again = new RotationService(workspace, clients, Clock.systemUTC(), new Recording())
                    .rotate(request(Duration.ofDays(30), false), material(workspace, clients), new RunOptions(0, 2, null), null, false);
            String reason = assertInstanceOf(RotationOutcome.NothingToDo.class, again).reason();
            assertTrue(reason.contains("outside the 30-day renewal window"), reason);
            assertEquals(2, fleet.versions().size());
        }
    }

    @Test
    void aRotationInterruptedAfterSomeMovesIsResumedByTheNextCallAndPublishesNothingTwice() throws Exception {
        try (FakeAws aws = FakeAws.start(); AwsClients clients = connect(aws, aws.region())) {
            Fleet fleet = Fleet.create(temp, aws);
            Path workspace = fleet.ws.root();
            Recording cut = new Recording() {
                @Override
                public void done(String step, String detail) {
                    super.done(step, detail);
                    if (steps.stream().filter(s -> s.startsWith("moved ")).count() == 2) {
                        throw new Interrupted(step + " " + detail);
                    }
                }
            };

            assertThrows(RuntimeException.class, () -> new RotationService(workspace, clients, Clock.systemUTC(), cut)
                    .rotate(request(Duration.ofDays(30), true), material(workspace, clients), new RunOptions(0, 1, null), null, false));
            String rotationId = cut.plans.get(0).rotationId();
            assertEquals(2, fleet.versions().size(), "published before the interruption");
            String v2 = fleet.versions().get(1).layerVersionArn();
            long movedBefore = Fleet.USERS.stream().filter(user -> fleet.layers(user).contains(v2)).count();
            assertTrue(movedBefore >= 1 && movedBefore < Fleet.USERS.size(), "cut off part way: " + movedBefore + " moved");

            Recording listener = new Recording();
            RotationOutcome outcome = new RotationService(workspace, clients, Clock.systemUTC(), listener)
                    .rotate(request(Duration.ofDays(30), false), material(workspace, clients), new RunOptions(0, 2, null), null, false);

            RotationOutcome.Done done = assertInstanceOf(RotationOutcome.Done.class, outcome);
            assertTrue(done.result().resumed());
            assertEquals(rotationId, done.result().rotationId(), "the same rotation, not a new one");
            assertEquals(v2, done.result().targetArn());
            assertEquals(2, fleet.versions().size(), "nothing published twice");
            Set<String> accounted = new TreeSet<>(done.result().moved());
            accounted.addAll(done.result().alreadyDone());
            assertEquals(new TreeSet<>(Fleet.USERS), accounted);
            assertEquals(Fleet.USERS.size() - movedBefore, done.result().moved().size(), "only the rest moved now");
            assertEquals("Resuming rotation " + rotationId + " of " + SERVICE + " from " + fleet.journal(), listener.notices.get(0));
            assertFalse(listener.steps.stream().anyMatch(s -> s.startsWith("material ") || s.startsWith("published ")),
                    "the journal's material and version are taken, not made again: " + listener.steps);
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, v2);
            }
            assertPinnedPasswordIsTheWorkspaces(aws, fleet);
        }
    }

    @Test
    void theLastRotationIsRolledBackAndOnlyVersionsPastTheGracePeriodArePruned() {
        try (FakeAws aws = FakeAws.start(); AwsClients clients = connect(aws, aws.region())) {
            Fleet fleet = Fleet.create(temp, aws);
            Path workspace = fleet.ws.root();
            RotationService service = new RotationService(workspace, clients, Clock.systemUTC(), new Recording());
            RotationOutcome.Done done = assertInstanceOf(RotationOutcome.Done.class, service.rotate(request(Duration.ofDays(30), true),
                    material(workspace, clients), new RunOptions(0, 2, null), null, false));

            RotationOutcome.Pruned young = assertInstanceOf(RotationOutcome.Pruned.class,
                    service.prune(SERVICE, Fleet.LAYER, Duration.ofDays(7), false));
            assertEquals(List.of(), young.deleted(), "version 1 is unused but younger than 7 days");

            Recording later = new Recording();
            RotationService eightDaysOn = new RotationService(workspace, clients, Clock.offset(Clock.systemUTC(), Duration.ofDays(8)), later);
            RotationOutcome.Pruned dryRun = assertInstanceOf(RotationOutcome.Pruned.class,
                    eightDaysOn.prune(SERVICE, Fleet.LAYER, Duration.ofDays(7), true));
            assertTrue(dryRun.deleted().isEmpty() && dryRun.dryRun());
            assertTrue(later.notices.contains("  " + fleet.v1 + ": would delete"), later.notices.toString());
            assertEquals(2, fleet.versions().size());

            RotationOutcome.Pruned pruned = assertInstanceOf(RotationOutcome.Pruned.class,
                    eightDaysOn.prune(SERVICE, Fleet.LAYER, Duration.ofDays(7), false));
            assertEquals(List.of(fleet.v1), pruned.deleted());
            assertEquals(List.of(done.result().targetArn()), fleet.versions().stream().map(FakeLambda.LayerVersion::layerVersionArn).toList());

            // a rollback to a version pruned since cannot complete, and says so
            assertThrows(RuntimeException.class, () -> service.rollBack(SERVICE, Fleet.LAYER, 2, false));
        }
        try (FakeAws aws = FakeAws.start(); AwsClients clients = connect(aws, aws.region())) {
            Fleet fleet = Fleet.create(temp.resolve("second"), aws);
            Path workspace = fleet.ws.root();
            RotationService service = new RotationService(workspace, clients, Clock.systemUTC(), new Recording());
            RotationOutcome.Done done = assertInstanceOf(RotationOutcome.Done.class, service.rotate(request(Duration.ofDays(30), true),
                    material(workspace, clients), new RunOptions(0, 2, null), null, false));
            String id = done.result().rotationId();

            assertEquals(new RotationOutcome.RollbackPlanned(id, fleet.journal().toString()), service.rollBack(SERVICE, Fleet.LAYER, 2, true));
            fleet.assertOn("app-1", done.result().targetArn());

            RotationOutcome.RolledBack back = assertInstanceOf(RotationOutcome.RolledBack.class,
                    service.rollBack(SERVICE, Fleet.LAYER, 2, false));
            assertEquals(id, back.rotationId());
            assertEquals(new TreeSet<>(Fleet.USERS), new TreeSet<>(back.rolledBack()));
            assertEquals(List.of(), back.leftAlone());
            for (String user : Fleet.USERS) {
                fleet.assertOn(user, fleet.v1);
            }
            assertEquals(new RotationOutcome.AlreadyRolledBack(id), service.rollBack(SERVICE, Fleet.LAYER, 2, false));
        }
    }

    @Test
    void theFleetEntryPointRotatesEveryRegionAndAccountAndResumesWhereAnAccountWasNotDone() {
        String home = FakeAws.ACCOUNT_ID;
        String a = "222222222222";
        String b = "333333333333";
        List<String> regions = List.of("eu-west-1", "us-east-1");
        try (FakeAws aws = FakeAws.startFleet(regions, List.of(a, b))) {
            aws.iam().createRole(a, ROLE, home);
            Workspace ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
            Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", SERVICE,
                    "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", regions), "--grant-org", FakeAws.ORGANIZATION_ID);
            for (String region : regions) {
                String v1 = aws.lambda(region).layerVersions(Fleet.LAYER).get(0).layerVersionArn();
                aws.lambda(home, region).createFunction("home-fn", "java17", List.of(v1), Map.of());
                aws.lambda(a, region).createFunction("a-fn", "java17", List.of(v1), Map.of());
                aws.lambda(b, region).createFunction("b-fn", "java17", List.of(v1), Map.of());
            }
            List<AwsClients> clients = regions.stream().map(region -> connect(aws, region)).toList();
            try {
                FleetRotationService.Fleet targets = new FleetRotationService.Fleet(home, clients, List.of(a, b), ROLE);
                Recording listener = new Recording();
                FleetRotationService service = new FleetRotationService(ws.root(), targets, Clock.systemUTC(), listener);

                RotationOutcome.FleetDone first = assertInstanceOf(RotationOutcome.FleetDone.class, service.rotate(
                        request(Duration.ofDays(30), true), material(ws.root(), clients.get(0)), new RunOptions(1, 2, null), 8, null));

                FleetRotation.Result result = first.result();
                assertFalse(result.complete(), "B's role does not exist yet");
                assertEquals(Set.of(b + "/eu-west-1", b + "/us-east-1"), result.notDone().keySet());
                assertEquals(Set.of(home + "/eu-west-1", home + "/us-east-1", a + "/eu-west-1", a + "/us-east-1"),
                        new TreeSet<>(result.moved().stream().map(m -> m.account() + "/" + m.region()).toList()));
                assertEquals(ws.root().resolve("rotations/service-1.fleet.jsonl"), first.journal());
                assertTrue(listener.notices.stream().anyMatch(n -> n.startsWith("Plan " + result.rotationId())), listener.notices.toString());
                for (String region : regions) {
                    assertEquals(2, aws.lambda(region).layerVersions(Fleet.LAYER).size(), "one new version in " + region);
                    assertTrue(layer(aws, a, region, "a-fn").endsWith(":2"), "A's function moves in A, " + region);
                    assertTrue(layer(aws, b, region, "b-fn").endsWith(":1"), "B's stays");
                }

                aws.iam().createRole(b, ROLE, home);
                RotationOutcome.FleetDone second = assertInstanceOf(RotationOutcome.FleetDone.class, service.rotate(
                        request(Duration.ofDays(30), false), material(ws.root(), clients.get(0)), new RunOptions(1, 2, null), 8, null));

                assertTrue(second.result().complete(), second.result().notDone().toString());
                assertTrue(second.result().resumed());
                assertEquals(result.rotationId(), second.result().rotationId());
                for (String region : regions) {
                    assertEquals(2, aws.lambda(region).layerVersions(Fleet.LAYER).size(), "nothing published twice in " + region);
                    assertTrue(layer(aws, b, region, "b-fn").endsWith(":2"), layer(aws, b, region, "b-fn"));
                }

                RotationOutcome.FleetRolledBack back = assertInstanceOf(RotationOutcome.FleetRolledBack.class,
                        service.rollBack(SERVICE, Fleet.LAYER));
                assertEquals(6, back.result().rolledBack().size(), back.result().toString());
                for (String region : regions) {
                    for (String[] function : new String[][]{{home, "home-fn"}, {a, "a-fn"}, {b, "b-fn"}}) {
                        assertTrue(layer(aws, function[0], region, function[1]).endsWith(":1"), function[1] + " in " + region);
                    }
                }
            } finally {
                clients.forEach(AwsClients::close);
            }
        }
    }

    private static String layer(FakeAws aws, String account, String region, String function) {
        return aws.lambda(account, region).function(function).orElseThrow().layerArns().get(0);
    }

    /** The password version the newest layer version pins opens what the workspace now holds. */
    private static void assertPinnedPasswordIsTheWorkspaces(FakeAws aws, Fleet fleet) throws Exception {
        Workspace ws = Workspace.open(fleet.ws.root(), "pkcs12");
        LayerManifest manifest = LayerZips.manifest(FakeAwsCli.layerContent(aws, Fleet.LAYER, 2), SERVICE);
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            String pinned = ssm.getParameters(b -> b.names(manifest.keyStore().password().selector()).withDecryption(true))
                    .parameters().get(0).value();
            assertEquals(ws.password(ws.keyStore(SERVICE)), pinned);
        }
        assertEquals("/mtls/service-1/keystore-password:2", manifest.keyStore().password().selector(), "a new password version");
    }
}
