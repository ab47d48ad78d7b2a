package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ExistingWorkspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The desired state of a scheduled rotation: taken from real workspaces (KMS, ACM Private CA,
 * local), stored in the fake DynamoDB through the real SDK client, and read back; never holding a
 * secret, and refusing what is not its own.
 */
class DesiredStateTest {
    private static final String TABLE = "mtls-rotator";
    private static final List<DesiredState.Target> HOME = List.of(new DesiredState.Target(FakeAws.ACCOUNT_ID, "eu-west-1", null));

    @TempDir
    static Path temp;
    private static FakeAws aws;
    private static ExistingWorkspace kmsWorkspace;

    @BeforeAll
    static void create() {
        aws = FakeAws.start();
        aws.dynamoDb().createTable(TABLE, "scope");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", temp.resolve("kms").toString());
        kmsWorkspace = ExistingWorkspace.open(temp.resolve("kms"));
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static ScheduleExport.Choices choices() {
        return new ScheduleExport.Choices("mtls-service-1", "/mtls/service-1/", null, List.of("orders"), Map.of("team", "payments"),
                HOME, null, null, 1, true);
    }

    @Test
    void aKmsWorkspaceGivesItsKeyItsChainAndItsTrustAnchorsAndNothingSecret() throws Exception {
        DesiredState state = ScheduleExport.from(kmsWorkspace, "service-1", choices());

        ScheduledIssuer.Kms issuer = (ScheduledIssuer.Kms) state.issuer();
        assertEquals(kmsWorkspace.caKmsKey("service-1").orElseThrow(), issuer.keyArn());
        X509Certificate ca = kmsWorkspace.certificates(Workspace.caCertificate("service-1")).get(0);
        assertEquals(ca, issuer.chain().get(0));
        assertTrue(state.trustAnchors().contains(ca), "the truststore trusts the service's CA, and so does the state");
        String json = state.toJson();
        for (String service : kmsWorkspace.services()) {
            for (String store : List.of(kmsWorkspace.trustStore(service),
                    dev.mtlscli.workspace.WorkspaceLayout.clientKeyStore(service, kmsWorkspace.storeType()))) {
                char[] password = kmsWorkspace.passwords().get(store);
                assertTrue(password != null && password.length > 0, store);
                assertFalse(json.contains(new String(password)), "the password of " + store + " is in the desired state");
            }
        }
        assertFalse(json.contains("PRIVATE KEY"));
    }

    @Test
    void itSurvivesTheTableExactly() {
        DesiredState state = ScheduleExport.from(kmsWorkspace, "service-1", choices());
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            DesiredStateTable table = new DesiredStateTable(dynamo, TABLE);
            long revision = table.write(state, null, "arn:aws:iam::123456789012:user/alice", Instant.parse("2026-12-07T12:00:00Z"));

            DesiredStateTable.Stored stored = table.read("service-1").orElseThrow();

            assertEquals(1, revision);
            assertEquals(state, stored.state());
            assertEquals(state.toJson(), stored.state().toJson());
            assertEquals("arn:aws:iam::123456789012:user/alice", stored.writtenBy());
            assertTrue(table.read("service-2").isEmpty());
        }
    }

    @Test
    void aWriteThatDoesNotNameTheNewestRevisionIsRefused() {
        DesiredState state = ScheduleExport.from(kmsWorkspace, "service-2", choices());
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            DesiredStateTable table = new DesiredStateTable(dynamo, TABLE);
            table.write(state, null, "alice", Instant.now());
            table.write(state, 1L, "bob", Instant.now());

            MtlsException stale = assertThrows(MtlsException.class, () -> table.write(state, 1L, "alice", Instant.now()));
            MtlsException fresh = assertThrows(MtlsException.class, () -> table.write(state, null, "carol", Instant.now()));

            assertTrue(stale.getMessage().contains("revision 1 is no longer the newest"), stale.getMessage());
            assertTrue(fresh.getMessage().contains("it exists now"), fresh.getMessage());
            assertEquals(2, table.read("service-2").orElseThrow().revision());
            assertEquals("bob", table.read("service-2").orElseThrow().writtenBy());
        }
    }

    @Test
    void anItemThatMtlsCliDidNotWriteIsRefused() {
        aws.dynamoDb().createTable("other", "scope");
        try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
            dynamo.putItem(b -> b.tableName("other").item(Map.of("scope", av("desired/service-1"), "document", av("{\"schemaVersion\":1}"),
                    "revision", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("1"))));
            dynamo.putItem(b -> b.tableName("other").item(Map.of("scope", av("desired/service-2"))));

            MtlsException partial = assertThrows(MtlsException.class, () -> new DesiredStateTable(dynamo, "other").read("service-1"));
            MtlsException foreign = assertThrows(MtlsException.class, () -> new DesiredStateTable(dynamo, "other").read("service-2"));

            assertTrue(partial.getMessage().contains("is missing"), partial.getMessage());
            assertTrue(foreign.getMessage().contains("not one mtls-cli wrote"), foreign.getMessage());
        }
    }

    @Test
    void aDocumentFromAnotherVersionOrWithUnknownFieldsIsNotGuessedAt() {
        String json = ScheduleExport.from(kmsWorkspace, "service-1", choices()).toJson();

        MtlsException newer = assertThrows(MtlsException.class,
                () -> DesiredState.parse(json.replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2"), "state"));
        MtlsException extra = assertThrows(MtlsException.class, () -> DesiredState.parse(json.replaceFirst("\\{", "{\"paused\": true,"), "state"));
        MtlsException badCertificate = assertThrows(MtlsException.class,
                () -> DesiredState.parse(json.replaceFirst("\"trustAnchors\" : \\[ \"", "\"trustAnchors\" : [ \"AAAA"), "state"));

        assertTrue(newer.getMessage().contains("upgrade mtls-cli"), newer.getMessage());
        assertTrue(extra.getMessage().contains("unknown field 'paused'"), extra.getMessage());
        assertTrue(badCertificate.getMessage().contains("not a base64 DER certificate"), badCertificate.getMessage());
    }

    @Test
    void nonsenseIsRefusedBeforeItIsStored() {
        ScheduleExport.Choices noTargets = new ScheduleExport.Choices("l", "/p/", null, List.of(), Map.of(), List.of(), null, null, 0, false);
        ScheduleExport.Choices late = new ScheduleExport.Choices("l", "/p/", null, List.of(), Map.of(), HOME, 100, null, 0, false);
        ScheduleExport.Choices jitter = new ScheduleExport.Choices("l", "/p/", null, List.of(), Map.of(), HOME, 50, 60, 0, false);

        assertTrue(assertThrows(MtlsException.class, () -> ScheduleExport.from(kmsWorkspace, "service-1", noTargets)).getMessage()
                .contains("at least one account and region"));
        assertThrows(MtlsException.class, () -> ScheduleExport.from(kmsWorkspace, "service-1", late));
        assertThrows(MtlsException.class, () -> ScheduleExport.from(kmsWorkspace, "service-1", jitter));
        assertEquals(0.5, ScheduleExport.from(kmsWorkspace, "service-1",
                new ScheduleExport.Choices("l", "/p/", null, List.of(), Map.of(), HOME, 50, 10, 0, false)).renewalPolicy().fraction());
    }

    @Test
    void aRetentionPolicyIsStoredOnlyWhenSetSoThatARotatorThatCannotPruneRefusesIt() {
        ScheduleExport.Choices keepAll = choices();
        ScheduleExport.Choices prune = new ScheduleExport.Choices("mtls-service-1", "/mtls/service-1/", null, List.of("orders"),
                Map.of("team", "payments"), HOME, null, null, 1, true, 3);
        ScheduleExport.Choices negative = new ScheduleExport.Choices("l", "/p/", null, List.of(), Map.of(), HOME, null, null, 0, false, -1);

        DesiredState withoutPolicy = ScheduleExport.from(kmsWorkspace, "service-1", keepAll);
        DesiredState withPolicy = ScheduleExport.from(kmsWorkspace, "service-1", prune);

        assertFalse(withoutPolicy.toJson().contains("pruneGraceDays"), withoutPolicy.toJson());
        assertEquals(null, DesiredState.parse(withoutPolicy.toJson(), "state").pruneGraceDays());
        assertEquals(3, DesiredState.parse(withPolicy.toJson(), "state").pruneGraceDays());
        assertEquals(withPolicy, DesiredState.parse(withPolicy.toJson(), "state"));
        // a reader of the same schema version without the field is what an older rotator is
        MtlsException older = assertThrows(MtlsException.class, () -> dev.mtlscli.json.Json.parseObject(
                withPolicy.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8), "state").allowOnly(java.util.Set.of(
                "schemaVersion", "service", "layerName", "parameterPrefix", "ssmKmsKeyId", "issuer", "trustAnchors", "functions",
                "functionTags", "targets", "renewAtPercent", "jitterPercent", "canary", "verifyInvoke")));
        assertTrue(older.getMessage().contains("pruneGraceDays"), older.getMessage());
        assertTrue(assertThrows(MtlsException.class, () -> ScheduleExport.from(kmsWorkspace, "service-1", negative)).getMessage()
                .contains("0 or more days"));
    }

    @Test
    void aLocalCaIsRefusedWithWhyAndHowToMove() {
        Path local = temp.resolve("local");
        Workspace.create(local, "ec-p256", "pkcs12", null);

        MtlsException refused = assertThrows(MtlsException.class,
                () -> ScheduleExport.from(ExistingWorkspace.open(local), "service-1", choices()));

        assertTrue(refused.getMessage().contains("ca/service-1/ca.key"), refused.getMessage());
        assertTrue(refused.getMessage().contains("never leaves"), refused.getMessage());
        assertTrue(refused.getMessage().contains("--ca aws-kms"), refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"));
    }

    @Test
    void anAcmPrivateCaIsNamedByItsArn() {
        String caArn = aws.acmPca().createRootCa("EC_prime256v1", "scheduled rotation CA");
        Path dir = temp.resolve("pca");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "acm-pca", "--ca-arn", caArn, "--out", dir.toString());

        DesiredState state = ScheduleExport.from(ExistingWorkspace.open(dir), "service-1", choices());

        assertEquals(new ScheduledIssuer.AcmPca(caArn), state.issuer());
        assertEquals(state, DesiredState.parse(state.toJson(), "state"));
    }

    @Test
    void aKmsIntermediateUnderAnOfflineRootGivesTheChainUpToTheRootAndNoRootKey() throws Exception {
        Path dir = temp.resolve("two-level");
        Path offline = temp.resolve("offline-root");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--offline-root", offline.toString(), "--out", dir.toString());
        ExistingWorkspace workspace = ExistingWorkspace.open(dir);

        DesiredState state = ScheduleExport.from(workspace, "service-1", choices());

        List<X509Certificate> chain = ((ScheduledIssuer.Kms) state.issuer()).chain();
        assertEquals(2, chain.size(), "the KMS intermediate, then the offline root");
        assertEquals(aws.kms().key(workspace.caKmsKey("service-1").orElseThrow()).publicKey(), chain.get(0).getPublicKey());
        chain.get(0).verify(chain.get(1).getPublicKey());
        assertEquals(chain.get(1).getSubjectX500Principal(), chain.get(1).getIssuerX500Principal());
        assertTrue(state.trustAnchors().contains(chain.get(1)), "the clients trust the root");
        assertFalse(state.toJson().contains("PRIVATE KEY"));
    }

    @Test
    void aCaRolloverUnderWayIsRefused() throws Exception {
        Path dir = temp.resolve("rolling");
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", dir.toString());
        Files.createDirectories(dir.resolve("ca/service-1/next"));
        Files.copy(dir.resolve(Workspace.caCertificate("service-1")), dir.resolve("ca/service-1/next/ca.crt"));

        MtlsException refused = assertThrows(MtlsException.class,
                () -> ScheduleExport.from(ExistingWorkspace.open(dir), "service-1", choices()));

        assertTrue(refused.getMessage().contains("--complete-ca-rollover"), refused.getMessage());
    }

    private static software.amazon.awssdk.services.dynamodb.model.AttributeValue av(String s) {
        return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(s);
    }
}
