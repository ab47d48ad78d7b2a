package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.WeakCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `mtls-cli rotate` against a fleet of functions in the loopback fake AWS. */
class RotateCommandTest {
    @TempDir
    Path temp;

    private FakeAws aws;
    private Fleet fleet;

    @BeforeEach
    void createFleet() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
        aws.clearRequests();
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result rotate(String... extra) {
        return fleet.rotate(extra);
    }

    private String v2() {
        List<FakeLambda.LayerVersion> versions = fleet.versions();
        assertEquals(2, versions.size(), "exactly one new version");
        return versions.get(1).layerVersionArn();
    }

    @Test
    void renewsPublishesAndMovesOnlyTheUsersKeepingTheirOtherLayersAndOrder() throws Exception {
        byte[] oldKeyStore = Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1")));
        String oldPassword = fleet.ws.password(fleet.ws.keyStore("service-1"));

        rotate("--renew-before", "400").assertExit(0, "rotate");

        String v2 = v2();
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
        fleet.assertBystandersUntouched();

        LayerManifest manifest = LayerZips.manifest(FakeAwsCli.layerContent(aws, Fleet.LAYER, 2), "service-1");
        assertEquals("/mtls/service-1/keystore-password:2", manifest.keyStore().password().selector(), "a new password version");
        assertEquals("/mtls/service-1/truststore-password:1", manifest.trustStore().password().selector());
        assertFalse(java.util.Arrays.equals(oldKeyStore, Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1")))));
        try (SsmClient ssm = FakeAwsCli.ssm(aws); LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            String newPassword = ssm.getParameters(b -> b.names("/mtls/service-1/keystore-password:2").withDecryption(true))
                    .parameters().get(0).value();
            assertNotEquals(oldPassword, newPassword);
            assertEquals(oldPassword, ssm.getParameters(b -> b.names("/mtls/service-1/keystore-password:1").withDecryption(true))
                    .parameters().get(0).value(), "the old version keeps the old password");
            String policy = lambda.getLayerVersionPolicy(b -> b.layerName(Fleet.LAYER).versionNumber(2L)).policy();
            assertTrue(policy.contains("111122223333"), "the new version has the old one's grants: " + policy);
        }
        assertTrue(aws.lambda().layerVersion(fleet.v1).isPresent(), "the old version is kept");
        assertTrue(Files.readString(fleet.journal()).contains("\"completed\""));
    }

    @Test
    void outsideTheRenewalWindowNothingChanges() {
        Cli.Result result = rotate().assertExit(0, "rotate");

        assertTrue(result.out().contains("Nothing to do"), result.out());
        assertEquals(List.of(), aws.requests("PublishLayerVersion"));
        assertEquals(List.of(), aws.requests("UpdateFunctionConfiguration"));
        assertEquals(1, fleet.versions().size());
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws Exception {
        byte[] keyStore = Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1")));

        Cli.Result result = rotate("--force", "--dry-run").assertExit(0, "dry run");

        for (String user : Fleet.USERS) {
            assertTrue(result.out().contains("    " + user + " (on " + fleet.v1 + ")"), result.out());
        }
        assertFalse(result.out().contains("bystander"), result.out());
        for (String write : List.of("PutParameter", "PublishLayerVersion", "UpdateFunctionConfiguration", "AddLayerVersionPermission")) {
            assertEquals(List.of(), aws.requests(write), write);
        }
        assertArrayEquals(keyStore, Files.readAllBytes(fleet.ws.file(fleet.ws.keyStore("service-1"))));
        assertFalse(Files.exists(fleet.ws.root().resolve("rotations")), "a dry run writes no journal");
    }

    @Test
    void aNewestVersionWhoseCertificateIsWeakIsRenewedOutsideTheWindow() {
        // the newest version holds a client certificate below the floor, as an earlier release or
        // another tool could have published it: its certificate is judged, not only its expiry
        WeakCertificate weak = WeakCertificate.create(temp.resolve("weak"));
        Map<String, byte[]> files = new java.util.TreeMap<>(LayerZips.unzip(FakeAwsCli.layerContent(aws, Fleet.LAYER, 1)));
        LayerManifest published = LayerZips.manifest(FakeAwsCli.layerContent(aws, Fleet.LAYER, 1), "service-1");
        files.put("mtls/service-1/manifest.json", LayerManifests.toJson(new LayerManifest(published.manifestVersion(),
                published.service(), published.host(), published.keyStore(), published.trustStore(),
                published.certificateNotAfter(), weak.sha256(), weak.der())));
        String v2 = aws.lambda().publishLayerVersion(Fleet.LAYER, LayerZips.zip(files)).layerVersionArn();

        Cli.Result result = rotate("--dry-run").assertExit(0, "dry run");

        assertTrue(result.out().contains("the certificate of " + v2 + " breaks the key and signature policy: "
                + WeakCertificate.KEY_RULE + "; " + WeakCertificate.SIGNATURE_RULE), result.out());
        assertFalse(result.out().contains("Nothing to do"), result.out());
    }

    @Test
    void functionsBehindTheNewestVersionAreMovedWithoutRenewing() {
        rotate("--force", "--functions", "app-1,app-2").assertExit(0, "partial rotation");
        String v2 = v2();
        fleet.assertOn("app-3", fleet.v1);

        rotate().assertExit(0, "catch-up rotation");

        assertEquals(2, fleet.versions().size(), "no third version: the newest is valid");
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
    }

    @Test
    void aFunctionTagNarrowsTheConsumers() {
        rotate("--force", "--function-tag", "team=apps").assertExit(0, "tagged rotation");

        String v2 = v2();
        for (String app : List.of("app-1", "app-2", "app-3", "app-4")) {
            fleet.assertOn(app, v2);
        }
        fleet.assertOn("mixed-1", fleet.v1);
        fleet.assertOn("mixed-2", fleet.v1);
    }

    @Test
    void updatesInProgressAndThrottlingAreWaitedOut() {
        aws.lambda().updatesCompleteAfterReads(2);
        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            lambda.updateFunctionConfiguration(b -> b.functionName("app-2").memorySize(512));
        }
        aws.failNext("UpdateFunctionConfiguration", 409, "ResourceConflictException",
                "The operation cannot be performed at this time. An update is in progress for resource: app-1");
        aws.failNext("UpdateFunctionConfiguration", 409, "ResourceConflictException",
                "The operation cannot be performed at this time. An update is in progress for resource: app-1");
        aws.failNext("UpdateFunctionConfiguration", 429, "TooManyRequestsException");
        aws.failNext("GetFunction", 429, "TooManyRequestsException");
        aws.failNext("PublishLayerVersion", 500, "ServiceException");

        rotate("--force", "--concurrency", "3").assertExit(0, "rotate through conflicts and throttling");

        String v2 = v2();
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
        assertEquals(512, aws.lambda().function("app-2").orElseThrow().memorySize(), "the other update was not undone");
    }

    @Test
    void aFailedVerificationMovesThatFunctionBackAndStopsTheRotation() {
        aws.lambda().onAnyInvoke((payload, function) -> function.functionName().equals("app-3")
                && function.layerArns().stream().noneMatch(arn -> arn.equals(fleet.v1))
                ? FakeLambda.InvokeResult.error("SSLHandshakeException", "Received fatal alert: bad_certificate")
                : FakeLambda.InvokeResult.success("{\"statusCode\":200}"));

        Cli.Result result = rotate("--force", "--verify-invoke", "--concurrency", "1");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("function app-3 failed its verification invoke"), result.err());
        assertTrue(result.err().contains("bad_certificate"), result.err());
        String v2 = v2();
        fleet.assertOn("app-1", v2);
        fleet.assertOn("app-2", v2);
        fleet.assertOn("app-3", fleet.v1);
        for (String untouched : List.of("app-4", "mixed-1", "mixed-2")) {
            fleet.assertOn(untouched, fleet.v1);
        }
        assertEquals(3, aws.requests("Invoke").size(), "app-1, app-2 and the failing app-3; nothing after it");

        aws.lambda().onAnyInvoke((payload, function) -> FakeLambda.InvokeResult.success("{}"));
        rotate("--verify-invoke").assertExit(0, "the re-run continues");
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
    }

    @Test
    void aFailingCanaryStopsBeforeTheFleet() {
        aws.lambda().onAnyInvoke((payload, function) -> function.layerArns().contains(fleet.v1)
                ? FakeLambda.InvokeResult.success("{}") : FakeLambda.InvokeResult.error("Error", "no keystore"));

        Cli.Result result = rotate("--force", "--verify-invoke", "--canary", "2");

        assertEquals(1, result.exitCode(), result.err());
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, fleet.v1);
        }
        assertEquals(1, aws.requests("Invoke").size(), "the first canary failed, nothing else was tried");
    }

    @Test
    void rollbackReturnsEveryMovedFunctionToItsPreviousVersion() {
        rotate("--force").assertExit(0, "rotate");
        String v2 = v2();
        fleet.assertOn("mixed-1", v2);

        Cli.Result result = rotate("--rollback").assertExit(0, "rollback");

        for (String user : Fleet.USERS) {
            fleet.assertOn(user, fleet.v1);
        }
        fleet.assertBystandersUntouched();
        assertTrue(result.out().contains("6 function(s) moved back"), result.out());
        assertEquals(2, fleet.versions().size(), "nothing deleted");
        rotate("--rollback").assertExit(0, "a second rollback is a no-op");
    }

    @Test
    void pruneDeletesOnlyUnusedVersionsOutsideTheGracePeriod() {
        rotate("--force", "--functions", "app-1").assertExit(0, "rotate one");
        rotate("--force").assertExit(0, "rotate all to a third version");
        assertEquals(3, fleet.versions().size());

        Cli.Result kept = rotate("--prune").assertExit(0, "prune within the grace period");
        assertEquals(3, fleet.versions().size(), kept.out());

        rotate("--prune", "--grace-days", "0").assertExit(0, "prune");
        List<FakeLambda.LayerVersion> left = fleet.versions();
        assertEquals(1, left.size(), "versions 1 and 2 are unused; the newest stays");
        try (SsmClient ssm = FakeAwsCli.ssm(aws)) {
            assertEquals(3, ssm.getParameterHistory(b -> b.name("/mtls/service-1/keystore-password")).parameters().size(),
                    "parameter versions are never deleted");
        }
    }

    @Test
    void pruneKeepsAVersionAFunctionStillUses() {
        rotate("--force", "--functions", "app-1").assertExit(0, "rotate one");

        rotate("--prune", "--grace-days", "0").assertExit(0, "prune");

        assertEquals(2, fleet.versions().size(), "version 1 is still used by the others");
    }
}
