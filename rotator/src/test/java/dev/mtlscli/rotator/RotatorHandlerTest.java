package dev.mtlscli.rotator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeEventBridge;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.lease.Lease;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotator's handler as the state machine calls it (targets, then slices, then the report),
 * against the loopback fake AWS with the real SDK clients: what it renews, publishes and moves,
 * the EMF lines it writes, and the errors the state machine retries or catches by name.
 */
class RotatorHandlerTest {
    private static final List<String> CONSUMERS = List.of("orders", "billing");

    @TempDir
    Path temp;

    static JsonNode invoke(RotatorHandler handler, Object input, InvocationContext context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(RotatorFixture.JSON.writeValueAsBytes(input)), out, context);
        return RotatorFixture.JSON.readTree(out.toByteArray());
    }

    static JsonNode slice(RotatorHandler handler, JsonNode targets, JsonNode target, Object cursor, InvocationContext context) throws Exception {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("action", "slice");
        input.put("runId", targets.get("runId").asText());
        input.put("target", target);
        input.put("cursor", cursor);
        return invoke(handler, input, context);
    }

    @Test
    void aDueKmsCaServiceIsRenewedPublishedAndItsConsumersMovedThroughTargetsSliceAndReport() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), true)) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), due));
            X509Certificate before = fixture.clientCertificate("service-1");

            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());
            assertEquals(1, targets.get("publishers").size(), targets.toString());
            JsonNode target = targets.get("publishers").get(0);
            assertEquals(FakeAws.ACCOUNT_ID, target.get("account").asText());
            assertEquals(fixture.aws.region(), target.get("region").asText());
            assertTrue(target.get("roleArn").isNull());
            assertTrue(targets.get("runId").asText().startsWith("run-"));

            JsonNode slice = slice(handler, targets, target, null, InvocationContext.fresh());

            assertTrue(slice.get("done").asBoolean(), slice.toString());
            assertTrue(slice.get("cursor").isNull());
            assertEquals(1, slice.get("renewed").asInt());
            assertEquals(2, slice.get("moved").asInt());
            assertEquals(0, slice.get("failures").asInt());
            List<FakeLambda.LayerVersion> versions = fixture.versions("service-1");
            assertEquals(2, versions.size(), "one new version");
            for (String function : CONSUMERS) {
                assertEquals(List.of(versions.get(1).layerVersionArn()), fixture.layersOf(function), function);
            }
            // the new keystore opens with its pinned password and its certificate is the CA's
            KeyStore keyStore = fixture.keyStoreOf("service-1", 2);
            X509Certificate renewed = (X509Certificate) keyStore.getCertificate("service-1");
            assertNotEquals(before.getSerialNumber(), renewed.getSerialNumber());
            assertEquals(before.getSubjectX500Principal(), renewed.getSubjectX500Principal());
            assertEquals(before.getPublicKey().getAlgorithm(), renewed.getPublicKey().getAlgorithm());
            Path pem = Files.writeString(temp.resolve("renewed.pem"), Pem.encode(renewed));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-attime", Long.toString(due.instant().getEpochSecond()),
                    "-CAfile", fixture.workspace.resolve(Workspace.caCertificate("service-1")).toString(), pem.toString()).runOk();
            assertEquals(2, keyStore.getCertificateChain("service-1").length, "leaf and the CA");
            // the release is announced on the bus
            List<FakeEventBridge.Event> events = fixture.aws.eventBridge().events();
            assertTrue(events.stream().anyMatch(e -> e.resources().contains(versions.get(1).layerVersionArn())), events.toString());

            JsonNode metrics = fixture.lastMetricsOf("service-1");
            assertEquals(1, metrics.get("Renewals").asInt());
            assertEquals(2, metrics.get("FunctionsMoved").asInt());
            assertEquals(0, metrics.get("Failures").asInt());
            long daysLeft = Duration.between(due.instant(), renewed.getNotAfter().toInstant()).toDays();
            assertTrue(Math.abs(metrics.get("DaysToExpiry").asLong() - daysLeft) <= 1, metrics.toString());
            assertEquals(metrics.get("DaysToExpiry").asLong(), metrics.get("PinnedDaysToExpiry").asLong(), "every consumer on the new version");

            JsonNode report = invoke(handler, Map.of("action", "report", "runId", targets.get("runId").asText(), "results", List.of(slice)),
                    InvocationContext.fresh());
            assertEquals(0, report.get("failed").asInt());
            assertTrue(fixture.metricLines().stream().anyMatch(line -> line.get("RunSucceeded") != null && line.get("RunSucceeded").asInt() == 1));
            // the record `status --lease-table` reads: this run, succeeded, the next due one period on
            dev.mtlscli.scheduled.RunRecord record = fixture.runRecord("service-1").orElseThrow();
            assertEquals(targets.get("runId").asText(), record.runId());
            assertEquals(dev.mtlscli.scheduled.RunRecord.SUCCEEDED, record.outcome());
            assertEquals(record.finishedAt().plus(RotatorFixture.SCHEDULE_PERIOD), record.nextRunBy());
        }
    }

    @Test
    void aPrivateCaInAnotherRegionThanTheRotatorsIssuesTheRenewalInItsOwnRegion() throws Exception {
        FakeAws aws = FakeAws.startRegions("us-east-1", "eu-central-1");
        String caArn = aws.acmPca("eu-central-1").createRootCa("EC_prime256v1", "mtls-cli private CA in eu-central-1");
        try (RotatorFixture fixture = RotatorFixture.create(aws, temp, List.of("--ca", "acm-pca", "--ca-arn", caArn,
                "--region", "eu-central-1"), Map.of("service-2", List.of("orders")), false, List.of(), null)) {
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-2"), fixture.atLifetime("service-2", 0.8)));
            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());
            assertEquals(List.of("us-east-1"), targets.get("publishers").findValuesAsText("region"), "the rotator works in us-east-1");
            aws.clearRequests();

            JsonNode slice = slice(handler, targets, targets.get("publishers").get(0), null, InvocationContext.fresh());

            assertEquals(1, slice.get("renewed").asInt(), slice + " " + fixture.log);
            assertEquals(0, slice.get("failures").asInt(), fixture.log.toString());
            assertEquals(List.of("eu-central-1"), aws.requests("IssueCertificate").stream().map(r -> r.signedRegion()).toList());
            X509Certificate renewed = (X509Certificate) fixture.keyStoreOf("service-2", 2).getCertificate("service-2");
            renewed.verify(aws.acmPca("eu-central-1").caCertificate(caArn).getPublicKey());
            assertEquals(List.of(fixture.versions("service-2").get(1).layerVersionArn()), fixture.layersOf("orders"));
        }
    }

    @Test
    void nothingDuePublishesNothingAndTheMetricsSayHowLongTheCertificateHasLeft() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), Clock.systemUTC()));
            JsonNode targets = invoke(handler, Map.of("action", "targets", "runId", "execution-7"), InvocationContext.fresh());
            assertEquals("execution-7", targets.get("runId").asText());

            // a slice input without a cursor at all, as well as a null one, starts at the first service
            JsonNode slice = invoke(handler, Map.of("action", "slice", "runId", "execution-7", "target", targets.get("publishers").get(0)),
                    InvocationContext.fresh());

            assertTrue(slice.get("done").asBoolean(), slice.toString());
            assertEquals(0, slice.get("renewed").asInt(), slice.toString());
            assertEquals(0, slice.get("moved").asInt());
            assertEquals(1, fixture.versions("service-1").size(), "nothing published");
            JsonNode metrics = fixture.lastMetricsOf("service-1");
            long daysLeft = Duration.between(Instant.now(), fixture.clientCertificate("service-1").getNotAfter().toInstant()).toDays();
            assertTrue(Math.abs(metrics.get("DaysToExpiry").asLong() - daysLeft) <= 1, metrics.toString());
            assertEquals(0, metrics.get("Renewals").asInt());
            assertEquals(0, metrics.get("FunctionsMoved").asInt());
            assertTrue(fixture.aws.eventBridge().events().isEmpty(), "no release announced");
        }
    }

    @Test
    void anInputWithoutAKnownActionIsRefusedInOneLineBeforeAnythingIsCalled() {
        RotatorSettings nowhere = new RotatorSettings(new AwsSettings("eu-west-1", null, null, Map.of()), "table", "/mtls",
                "mtls-cli", "default", List.of("service-1"), Duration.ofMinutes(3));
        RotatorHandler handler = new RotatorHandler(new Rotator(nowhere, Clock.systemUTC(), System.out, System.err));

        MtlsException refused = assertThrows(MtlsException.class,
                () -> invoke(handler, Map.of("action", "rotate-everything"), InvocationContext.fresh()));

        assertEquals("the rotator's input has no action targets, slice or report: rotate-everything", refused.getMessage());
    }

    @Test
    void anExpiredCertificateThatCannotBeRenewedReportsNoDaysLeftAndAFailure() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            Clock expired = fixture.atLifetime("service-1", 1.05);
            String key = fixture.aws.kms().key("alias/mtls/service-1-ca").keyId();
            fixture.aws.kms().disable(key);
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), expired));
            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());

            JsonNode slice = slice(handler, targets, targets.get("publishers").get(0), null, InvocationContext.fresh());

            assertEquals(1, slice.get("failures").asInt(), slice.toString());
            JsonNode metrics = fixture.lastMetricsOf("service-1");
            assertTrue(metrics.get("DaysToExpiry").asLong() <= 0, metrics.toString());
            assertTrue(metrics.get("PinnedDaysToExpiry").asLong() <= 0, metrics.toString());
            assertEquals(1, metrics.get("Failures").asInt());
            RotationFailed failed = assertThrows(RotationFailed.class, () -> invoke(handler, Map.of("action", "report",
                    "runId", targets.get("runId").asText(), "results", List.of(slice)), InvocationContext.fresh()));
            assertTrue(failed.getMessage().contains(FakeAws.ACCOUNT_ID + "/" + fixture.aws.region()), failed.getMessage());
            assertTrue(fixture.metricLines().stream().noneMatch(line -> line.has("RunSucceeded")), "no heartbeat for a failed run");
            dev.mtlscli.scheduled.RunRecord record = fixture.runRecord("service-1").orElseThrow();
            assertEquals(dev.mtlscli.scheduled.RunRecord.FAILED, record.outcome());
            assertEquals(List.of(FakeAws.ACCOUNT_ID + "/" + fixture.aws.region()), record.failedTargets());
        }
    }

    @Test
    void aServiceWhosePasswordsAreOutsideTheRotatorsPrefixFailsAndNothingIsPublished() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false)) {
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), fixture.atLifetime("service-1", 0.8),
                    "/certs"));
            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());

            JsonNode slice = slice(handler, targets, targets.get("publishers").get(0), null, InvocationContext.fresh());

            assertEquals(1, slice.get("failures").asInt(), slice.toString());
            assertEquals(1, fixture.versions("service-1").size());
            assertTrue(fixture.log.toString().contains("outside the rotator's /certs (MTLS_PARAMETER_PREFIX)"), fixture.log.toString());
        }
    }

    @Test
    void aSliceWithTooLittleTimeLeftStopsBeforeTheNextServiceAndTheNextSliceContinuesFromThere() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", List.of("orders"), "service-2", List.of("billing")),
                false)) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1", "service-2"), due));
            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());
            JsonNode target = targets.get("publishers").get(0);
            // plenty of time for the first service, then less than the margin
            AtomicInteger asked = new AtomicInteger();
            InvocationContext shrinking = new InvocationContext(() -> asked.getAndIncrement() == 0 ? 600_000 : 10_000);

            JsonNode first = slice(handler, targets, target, null, shrinking);

            assertFalse(first.get("done").asBoolean(), first.toString());
            assertEquals("service-2", first.get("cursor").asText());
            assertEquals(1, first.get("renewed").asInt());
            assertEquals(2, fixture.versions("service-1").size());
            assertEquals(1, fixture.versions("service-2").size(), "service-2 not started");

            JsonNode next = slice(handler, targets, target, first.get("cursor").asText(), InvocationContext.fresh());

            assertTrue(next.get("done").asBoolean(), next.toString());
            assertEquals(1, next.get("renewed").asInt(), "only service-2: service-1 is before the cursor");
            assertEquals(2, fixture.versions("service-1").size());
            assertEquals(2, fixture.versions("service-2").size());
            assertEquals(List.of(fixture.versions("service-2").get(1).layerVersionArn()), fixture.layersOf("billing"));
        }
    }

    @Test
    void aServiceLeasedToAnotherRotationMakesTheSliceLeaseBusyAndChangesNothing() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", CONSUMERS), false);
             DynamoDbClient dynamo = FakeAwsCli.dynamoDb(fixture.aws, fixture.aws.region())) {
            Clock due = fixture.atLifetime("service-1", 0.8);
            RotationLease leases = new RotationLease(dynamo, RotatorFixture.TABLE, due);
            Lease held = leases.acquire(new LeaseScope(FakeAws.ACCOUNT_ID, fixture.aws.region(), "mtls-service-1"),
                    "scheduled rotator other-run", Duration.ofMinutes(5));
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), due));
            JsonNode targets = invoke(handler, Map.of("action", "targets"), InvocationContext.fresh());

            LeaseBusy busy = assertThrows(LeaseBusy.class, () -> slice(handler, targets, targets.get("publishers").get(0), null,
                    InvocationContext.fresh()));

            assertTrue(busy.getMessage().contains("scheduled rotator other-run"), busy.getMessage());
            assertEquals(1, fixture.versions("service-1").size(), "nothing published");
            // a busy target is not a failure of the run
            Map<String, Object> busyResult = Map.of("target", targets.get("publishers").get(0), "busy", true, "moved", 0, "renewed", 0,
                    "failures", 0, "error", "dev.mtlscli.rotator.LeaseBusy", "cause", "held");
            assertEquals(0, invoke(handler, Map.of("action", "report", "runId", "r", "results", List.of(busyResult)),
                    InvocationContext.fresh()).get("failed").asInt());

            leases.release(held);
            JsonNode slice = slice(handler, targets, targets.get("publishers").get(0), null, InvocationContext.fresh());
            assertEquals(1, slice.get("renewed").asInt(), "the next try acts once the lease is free");
        }
    }

    @Test
    void aTargetTheStateMachineCaughtFailsTheReportNamingIt() throws Exception {
        try (RotatorFixture fixture = RotatorFixture.create(temp, Map.of("service-1", List.of()), false)) {
            RotatorHandler handler = new RotatorHandler(fixture.rotator(List.of("service-1"), Clock.systemUTC()));
            Map<String, Object> caught = Map.of("target", Map.of("account", "111122223333", "region", "eu-west-1"), "moved", 0, "renewed", 0,
                    "failures", 1, "error", "States.TaskFailed", "cause", "timeout");

            RotationFailed failed = assertThrows(RotationFailed.class, () -> invoke(handler, Map.of("action", "report", "runId", "r",
                    "results", List.of(caught)), InvocationContext.fresh()));

            assertTrue(failed.getMessage().contains("1 of 1 target(s) failed: 111122223333/eu-west-1 (States.TaskFailed)"),
                    failed.getMessage());
        }
    }
}
