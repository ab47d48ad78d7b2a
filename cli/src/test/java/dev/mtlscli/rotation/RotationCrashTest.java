package dev.mtlscli.rotation;

import dev.mtlscli.aws.AwsClients;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rotation cut off at every step, then run again with `mtls-cli rotate`: it converges, every
 * function is on a layer version whose pinned password opens its keystore at every point, and
 * nothing is deleted. The cut is an exception thrown right after the k-th step was journaled
 * (what a kill leaves behind), or between a change and its journal line.
 */
class RotationCrashTest {
    /** material, published, 6 functions moved, completed. */
    private static final int STEPS = 2 + Fleet.USERS.size() + 1;

    static {
        // the in-process AwsClients find the fake's credentials where FakeAwsCli puts them
        FakeAwsCli.credentials();
    }

    private static final class Crash extends RuntimeException {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    @Test
    void aRotationCutOffAfterAnyStepConvergesWhenRunAgain(@TempDir Path temp) throws Exception {
        for (int k = 1; k <= STEPS; k++) {
            try (FakeAws aws = FakeAws.start()) {
                Fleet fleet = Fleet.create(temp.resolve("k" + k), aws);
                int crashAt = k;
                AtomicInteger steps = new AtomicInteger();
                RotationObserver crashing = (step, detail) -> {
                    if (steps.incrementAndGet() == crashAt) {
                        throw new Crash("after step " + crashAt + " (" + step + " " + detail + ")");
                    }
                };
                assertThrows(RuntimeException.class, () -> runCore(aws, fleet, crashing, plan -> { }, null), "crash at " + k);
                assertConsistent(aws, fleet);

                resumeWithCli(aws, fleet);

                assertConverged(aws, fleet, "crash after step " + k);
            }
        }
    }

    @Test
    void aCrashBetweenPublishingAndItsJournalLinePublishesNoSecondVersion(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            assertThrows(Crash.class, () -> runCore(aws, fleet, RotationObserver.NONE, plan -> { }, "publish"));
            assertEquals(2, fleet.versions().size(), "the version was published before the crash");
            // as if the crashed process had also moved app-1 without journaling it
            try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
                lambda.updateFunctionConfiguration(b -> b.functionName("app-1").layers(fleet.versions().get(1).layerVersionArn()));
            }

            resumeWithCli(aws, fleet);

            assertConverged(aws, fleet, "crash between publish and journal");
        }
    }

    @Test
    void aCrashBetweenRenewingAndItsJournalLineRenewsAgainAndConverges(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            assertThrows(Crash.class, () -> runCore(aws, fleet, RotationObserver.NONE, plan -> { }, "material"));
            assertEquals(1, fleet.versions().size(), "nothing published yet");

            resumeWithCli(aws, fleet);

            assertConverged(aws, fleet, "crash between renewal and journal");
        }
    }

    interface PlanCheck {
        void check(RotationPlan plan);
    }

    /** Plans and runs a forced rotation in-process, as the command does, crashing where asked. */
    private static void runCore(FakeAws aws, Fleet fleet, RotationObserver observer, PlanCheck check, String crashAfter) {
        AwsSettings settings = new AwsSettings(aws.region(), null, aws.endpoint(), Map.of());
        try (AwsClients clients = AwsClients.connect(settings)) {
            Path workspace = fleet.ws.root();
            RotationJournal journal = RotationJournal.forRegion(workspace, "service-1", "mtls-service-1", clients.region().id(), Clock.systemUTC());
            RotationRequest request = new RotationRequest("service-1", "mtls-{service}", Duration.ofDays(30), true, List.of(),
                    Map.of(), RotationRequest.CaRolloverRequest.NONE);
            RotationPlan plan = new RotationPlanner(clients.lambda(), Clock.systemUTC()).plan(request, MaterialStep.NONE);
            check.check(plan);
            WorkspaceMaterialSteps steps = new WorkspaceMaterialSteps(workspace, "service-1", clients::acmPca, new SecureRandom());
            RotationRunner.Material material = step -> {
                steps.apply(step);
                if ("material".equals(crashAfter)) {
                    throw new Crash("after renewing, before the journal line");
                }
            };
            RotationPublisher publisher = new RotationPublisher(workspace, clients.lambda(), clients.ssm(), null, Clock.systemUTC(), line -> { });
            RotationRunner.Publisher crashingPublisher = p -> {
                String arn = publisher.publish(p);
                if ("publish".equals(crashAfter)) {
                    throw new Crash("after publishing, before the journal line");
                }
                return arn;
            };
            FunctionMover mover = FunctionMover.withDefaultPolling(clients.lambda());
            new RotationRunner(mover, new TargetVersionCheck(clients.lambda(), mover), journal, observer)
                    .start(plan, material, crashingPublisher, new RunOptions(0, 2, null));
        }
    }

    private static void resumeWithCli(FakeAws aws, Fleet fleet) {
        FakeAwsCli.runOk(aws, "rotate", "--service", "service-1", "--workspace", fleet.ws.root().toString());
    }

    /**
     * Every user is on version 1 or 2 with its other layers in place, and the password each
     * version pins opens the keystore in that version.
     */
    private static void assertConsistent(FakeAws aws, Fleet fleet) throws Exception {
        List<FakeLambda.LayerVersion> versions = fleet.versions();
        for (String user : Fleet.USERS) {
            String on = fleet.layers(user).stream().filter(arn -> arn.contains(":layer:" + Fleet.LAYER + ":")).findFirst().orElseThrow();
            assertTrue(versions.stream().anyMatch(v -> v.layerVersionArn().equals(on)), user + " is on a published version: " + on);
            fleet.assertOn(user, on);
        }
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            for (FakeLambda.LayerVersion version : versions) {
                byte[] zip = FakeAwsCli.layerContent(aws, Fleet.LAYER, version.version());
                LayerManifest manifest = LayerZips.manifest(zip, "service-1");
                String password = ssm.getParameters(b -> b.names(manifest.keyStore().password().selector()).withDecryption(true))
                        .parameters().get(0).value();
                KeyStore keyStore = KeyStore.getInstance("PKCS12");
                keyStore.load(new java.io.ByteArrayInputStream(LayerZips.unzip(zip).get("mtls/service-1/keystore.p12")),
                        password.toCharArray());
                assertEquals(1, java.util.Collections.list(keyStore.aliases()).size());
            }
        }
    }

    private static void assertConverged(FakeAws aws, Fleet fleet, String what) throws Exception {
        List<FakeLambda.LayerVersion> versions = fleet.versions();
        assertEquals(2, versions.size(), what + ": one new version, nothing deleted");
        String v2 = versions.get(1).layerVersionArn();
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
        fleet.assertBystandersUntouched();
        assertConsistent(aws, fleet);
        Workspace ws = Workspace.open(fleet.ws.root(), "pkcs12");
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            LayerManifest manifest = LayerZips.manifest(FakeAwsCli.layerContent(aws, Fleet.LAYER, 2), "service-1");
            String pinned = ssm.getParameters(b -> b.names(manifest.keyStore().password().selector()).withDecryption(true))
                    .parameters().get(0).value();
            assertEquals(ws.password(ws.keyStore("service-1")), pinned, what + ": the workspace and the new version agree");
        }
    }
}
