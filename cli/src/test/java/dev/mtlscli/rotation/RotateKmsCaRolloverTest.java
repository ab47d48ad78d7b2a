package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.CaRollover;
import dev.mtlscli.workspace.ExistingWorkspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --new-ca` of a KMS CA: the next CA is a new KMS key with the old key's policy, trusted
 * beside the old CA before anything is issued from it; completing the rollover schedules the old
 * key's deletion with the longest window and says how to cancel it, and never deletes it at once.
 */
class RotateKmsCaRolloverTest {

    @Test
    void theNewCaIsANewKmsKeyAndTheOldKeyIsScheduledForDeletionWhenTheRolloverCompletes(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            FakeKms kms = aws.kms();
            Path dir = temp.resolve("ws");
            String signer = "arn:aws:iam::" + FakeAws.ACCOUNT_ID + ":role/mtls-rotator";
            FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--signer-role", signer, "--out", dir.toString());
            FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", dir.toString(), "--service", "service-1");
            aws.lambda().createFunction("orders", "java21",
                    List.of(aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn()), Map.of());
            FakeKms.Key oldKey = kms.key("alias/mtls/service-1-ca");
            X509Certificate oldCa = Pem.certificate(dir.resolve(Workspace.caCertificate("service-1")));
            int keys = kms.keys().size();

            Cli.Result prepared = rotate(aws, dir, "--new-ca");

            assertEquals(3, prepared.exitCode(), prepared.err());
            assertEquals(keys + 1, kms.keys().size(), "one new key");
            String nextArn = Files.readString(dir.resolve("ca/service-1/next/kms-key-arn")).trim();
            FakeKms.Key nextKey = kms.key(nextArn);
            assertEquals(oldKey.keySpec(), nextKey.keySpec());
            assertEquals("SIGN_VERIFY", nextKey.keyUsage());
            assertEquals("service-1", nextKey.tags().get("mtls-cli:service"));
            ObjectMapper json = new ObjectMapper();
            assertEquals(json.readTree(oldKey.policy()), json.readTree(nextKey.policy()), "the same principals may sign");
            List<X509Certificate> bundle = Pem.certificates(dir.resolve(Workspace.clientCa("service-1")));
            X509Certificate newCa = bundle.stream().filter(ca -> !ca.equals(oldCa)).findFirst().orElseThrow();
            assertEquals(List.of(oldCa, newCa), bundle, "the backend's client-CA bundle holds the old and the new CA");
            assertEquals(nextKey.publicKey(), newCa.getPublicKey());
            assertTrue(anchors(dir).containsAll(List.of(oldCa, newCa)), "the functions trust servers of both CAs");
            assertEquals(oldKey.arn(), Files.readString(dir.resolve("ca/service-1/kms-key-arn")).trim());

            Cli.Result issued = rotate(aws, dir, "--new-ca", "--backend-trusts-new-ca");

            assertEquals(3, issued.exitCode(), issued.err());
            assertEquals(nextArn + "\n", Files.readString(dir.resolve("ca/service-1/kms-key-arn")));
            assertEquals(oldKey.arn() + "\n", Files.readString(dir.resolve("ca/service-1/previous/kms-key-arn")));
            assertFalse(Files.exists(dir.resolve("ca/service-1/next")));
            X509Certificate client = (X509Certificate) Workspace.open(dir, "pkcs12").loadKeyStore("service-1").getCertificate("service-1");
            client.verify(nextKey.publicKey());
            Path ca = dir.resolve(Workspace.caCertificate("service-1"));
            assertEquals(newCa, Pem.certificate(ca));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", ca.toString(),
                    dir.resolve(Workspace.serverChain("service-1")).toString()).runOk();
            Path clientFile = Files.writeString(temp.resolve("client.pem"), Pem.encode(client));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", ca.toString(), clientFile.toString()).runOk();
            assertEquals("Enabled", kms.key(oldKey.keyId()).state(), "the old key still exists while it is trusted");

            Cli.Result completed = rotate(aws, dir, "--complete-ca-rollover").assertExit(0, "complete the rollover");

            FakeKms.Key retired = kms.key(oldKey.keyId());
            assertEquals("PendingDeletion", retired.state());
            Duration window = Duration.between(Instant.now(), retired.deletionDate());
            assertTrue(window.toDays() >= 29 && window.toDays() <= 30, "the longest window, 30 days: " + window);
            assertTrue(completed.out().contains("aws kms cancel-key-deletion --key-id " + oldKey.arn()), completed.out());
            assertTrue(completed.out().contains("scheduled for deletion on "
                    + retired.deletionDate().truncatedTo(ChronoUnit.SECONDS)), completed.out());
            assertFalse(Files.exists(dir.resolve("ca/service-1/previous")));
            assertEquals(List.of(newCa), Pem.certificates(dir.resolve(Workspace.clientCa("service-1"))));
            assertEquals(List.of(newCa), anchors(dir));
            assertEquals("Enabled", kms.key(nextArn).state());

            int signs = kms.signCount(nextArn);
            FakeAwsCli.runOk(aws, "rotate", "--service", "service-1", "--workspace", dir.toString(), "--force");
            assertEquals(signs + 1, kms.signCount(nextArn), "renewal signs with the new key");
            assertNotEquals(client, Workspace.open(dir, "pkcs12").loadKeyStore("service-1").getCertificate("service-1"));
        }
    }

    @Test
    void aRolloverCutOffAfterTheNewKeyWasMadeSignsWithThatKeyWhenRunAgainAndACompletionRunAgainKeepsTheDeletionDate(
            @TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start();
             KmsClient client = KmsClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                     .credentialsProvider(FakeAwsCli.credentials()).httpClient(UrlConnectionHttpClient.create()).build()) {
            FakeKms kms = aws.kms();
            Path dir = temp.resolve("ws");
            FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--out", dir.toString());
            FakeKms.Key oldKey = kms.key("alias/mtls/service-2-ca");
            // what a prepare cut off between CreateKey and next/ca.crt leaves
            FakeKms.Key madeBefore = kms.createKey(oldKey.keySpec(), "SIGN_VERIFY");
            Files.createDirectories(dir.resolve("ca/service-2/next"));
            Files.writeString(dir.resolve("ca/service-2/next/kms-key-arn"), madeBefore.arn() + "\n");
            int keys = kms.keys().size();
            CaRollover rollover = new CaRollover(new SecureRandom(), region -> client);

            CaRollover.Step prepared = rollover.prepare(ExistingWorkspace.open(dir), "service-2");

            assertEquals(keys, kms.keys().size(), "no other key is made");
            assertEquals(madeBefore.publicKey(), prepared.newCa().getPublicKey());
            rollover.issueFromNext(ExistingWorkspace.open(dir), "service-2");
            CaRollover.Step completed = rollover.complete(ExistingWorkspace.open(dir), "service-2");
            Instant deletion = kms.key(oldKey.keyId()).deletionDate();
            assertEquals(oldKey.arn(), completed.retired().orElseThrow().arn());
            assertEquals("PendingDeletion", kms.key(oldKey.keyId()).state());
            assertEquals(madeBefore.arn() + "\n", Files.readString(dir.resolve("ca/service-2/kms-key-arn")));

            // a completion cut off after ScheduleKeyDeletion, before previous/ went: run again, the date stays
            Files.createDirectories(dir.resolve("ca/service-2/previous"));
            Files.writeString(dir.resolve("ca/service-2/previous/kms-key-arn"), oldKey.arn() + "\n");
            Files.writeString(dir.resolve("ca/service-2/previous/ca.crt"), Pem.encode(completed.oldCa()));
            aws.clearRequests();
            CaRollover.Step again = rollover.complete(ExistingWorkspace.open(dir), "service-2");
            assertEquals(List.of(), aws.requests("ScheduleKeyDeletion"));
            assertEquals(deletion, kms.key(oldKey.keyId()).deletionDate());
            assertEquals(oldKey.arn(), again.retired().orElseThrow().arn());
            assertFalse(Files.exists(dir.resolve("ca/service-2/previous")));
        }
    }

    private static Cli.Result rotate(FakeAws aws, Path dir, String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", dir.toString()));
        args.addAll(List.of(extra));
        return FakeAwsCli.run(aws, args.toArray(String[]::new));
    }

    private static List<X509Certificate> anchors(Path dir) throws Exception {
        KeyStore trustStore = Workspace.open(dir, "pkcs12").loadTrustStore("service-1");
        List<X509Certificate> anchors = new ArrayList<>();
        for (String alias : Collections.list(trustStore.aliases())) {
            anchors.add((X509Certificate) trustStore.getCertificate(alias));
        }
        return anchors;
    }
}
