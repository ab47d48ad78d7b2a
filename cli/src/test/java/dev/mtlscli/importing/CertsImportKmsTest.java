package dev.mtlscli.importing;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceIssuers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * `certs import --ca-kms-key-id` adopts a CA whose key is a KMS key of the fake (real key pairs,
 * real signatures): the workspace records the key's ARN exactly as `certs create --ca aws-kms`
 * does, and the CA found there issues again through KMS.
 */
class CertsImportKmsTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static FakeKms.Key key;
    private static Path imported;

    @BeforeAll
    static void importKmsCa() throws Exception {
        aws = FakeAws.start();
        kms = aws.kms();
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--spec", spec.toString(), "--out", temp.resolve("made").toString());
        Workspace made = Workspace.open(temp.resolve("made"), "pkcs12");
        key = kms.key("alias/mtls/service-1-ca");
        Path password = Files.writeString(temp.resolve("keystore-password"),
                made.passwords().get("clients/service-1/keystore.p12") + "\n");
        imported = temp.resolve("imported");
        FakeAwsCli.runOk(aws, "certs", "import", "--service", "service-1",
                "--keystore", made.file("clients/service-1/keystore.p12").toString(), "--keystore-password-file", password.toString(),
                "--server-cert", made.file(Workspace.serverChain("service-1")).toString(),
                "--ca-cert", made.file(Workspace.caCertificate("service-1")).toString(), "--ca-kms-key-id", "alias/mtls/service-1-ca",
                "--out", imported.toString());
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void theWorkspaceRecordsTheKeyArnAsCertsCreateDoes() throws Exception {
        assertEquals(key.arn() + "\n", Files.readString(imported.resolve("ca/service-1/kms-key-arn")));
        assertFalse(Files.exists(imported.resolve("ca/service-1/ca.key")), "the CA key never leaves KMS");
        assertFalse(Files.exists(imported.resolve("ca/service-1/imported-without-key")), "the CA can issue: it is not a keyless import");
    }

    @Test
    void theAdoptedCaIssuesThroughKmsAndOpensslVerifiesTheChainStrictly() throws Exception {
        int signsBefore = kms.signCount(key.keyId());
        try (KmsClient client = KmsClient.builder().region(Region.of(aws.region())).endpointOverride(aws.endpoint())
                .credentialsProvider(FakeAwsCli.credentials()).build()) {
            CertificateIssuer issuer = WorkspaceIssuers.current(ExistingWorkspace.open(imported), "service-1", null,
                    region -> client, new SecureRandom());
            List<X509Certificate> chain = issuer.issue(new LeafRequest("CN=renewed", CertificateProfile.CLIENT,
                    KeyAlgorithm.EC_P256.generate(new SecureRandom()), 30, List.of(), List.of()));
            assertEquals(signsBefore + 1, kms.signCount(key.keyId()), "one KMS Sign per certificate");
            chain.get(0).verify(key.publicKey());
            Path leaf = Files.writeString(temp.resolve("renewed.crt"), Pem.encode(chain.get(0)));
            Tool.openssl("verify", "-x509_strict", "-purpose", "sslclient", "-CAfile",
                    imported.resolve(Workspace.caCertificate("service-1")).toString(), leaf.toString()).runOk();
        }
    }
}
