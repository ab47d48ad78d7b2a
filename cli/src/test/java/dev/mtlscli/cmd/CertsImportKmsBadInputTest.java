package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;

/**
 * `certs import --ca-kms-key-id` with a key that is not the CA's or cannot sign: exit 1 (2 for
 * usage), one line naming the problem, no workspace. The keys are real keys of the fake KMS.
 */
class CertsImportKmsBadInputTest {
    private static final String OTHER_REGION = "eu-west-1";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Workspace made;
    private static Path password;

    @BeforeAll
    static void start() throws Exception {
        aws = FakeAws.startRegions(FakeAws.DEFAULT_REGION, OTHER_REGION);
        kms = aws.kms();
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        FakeAwsCli.runOk(aws, "certs", "create", "--ca", "aws-kms", "--spec", spec.toString(), "--out", temp.resolve("made").toString());
        made = Workspace.open(temp.resolve("made"), "pkcs12");
        password = Files.writeString(temp.resolve("keystore-password"), made.passwords().get("clients/service-1/keystore.p12") + "\n");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    private static String refused(int exit, String expected, String keyId, String... extra) {
        Path out = temp.resolve("out-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("certs", "import", "--service", "service-1",
                "--keystore", made.file("clients/service-1/keystore.p12").toString(), "--keystore-password-file", password.toString(),
                "--server-cert", made.file(Workspace.serverChain("service-1")).toString(),
                "--ca-cert", made.file(Workspace.caCertificate("service-1")).toString(), "--ca-kms-key-id", keyId,
                "--out", out.toString()));
        args.addAll(List.of(extra));
        String line = assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, args.toArray(String[]::new))), exit, expected);
        assertNothingWritten(out);
        return line;
    }

    @Test
    void aCaCertificateThatIsNotTheKeysIsRefused() {
        FakeKms.Key other = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        refused(1, "does not hold the public key of KMS key " + other.arn(), other.arn());
    }

    @Test
    void aDisabledKeyIsRefused() {
        FakeKms.Key key = kms.key("alias/mtls/service-1-ca");
        kms.disable(key.keyId());
        try {
            refused(1, "is disabled", key.arn());
        } finally {
            kms.enable(key.keyId());
        }
    }

    @Test
    void anEncryptDecryptKeyIsRefused() {
        FakeKms.Key other = kms.createKey("RSA_2048", "ENCRYPT_DECRYPT");
        refused(1, "ENCRYPT_DECRYPT key, which cannot sign certificates", other.keyId());
    }

    @Test
    void aSymmetricKeyIsRefused() {
        FakeKms.Key other = kms.createKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
        refused(1, "symmetric key", other.keyId());
    }

    @Test
    void aKeyPendingDeletionIsRefused() {
        FakeKms.Key other = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        kms.scheduleDeletion(other.keyId(), 30);
        refused(1, "pending deletion", other.arn());
    }

    @Test
    void aKeyOfAnotherRegionThanRegionIsRefused() {
        FakeKms.Key other = aws.kms(OTHER_REGION).createKey("ECC_NIST_P256", "SIGN_VERIFY");
        refused(1, "is in " + OTHER_REGION + ", not in --region " + FakeAws.DEFAULT_REGION, other.arn());
    }

    @Test
    void aKeyThatIsNotAKeyIdIsRefused() {
        refused(1, "not-a-key id", "not-a-key id");
    }

    @Test
    void aLocalCaKeyAndAKmsKeyTogetherAreRefused() throws Exception {
        Path caKey = Files.writeString(temp.resolve("ca.key"), "not read");
        refused(1, "give the CA's key once", "alias/mtls/service-1-ca", "--ca-key", caKey.toString());
    }
}
