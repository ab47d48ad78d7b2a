package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create --ca aws-kms` on a key that cannot be a CA key, or options that do not go
 * together: exit 1, one line naming the problem, no workspace, no key made and nothing signed.
 * The keys are real keys of the fake KMS, reached by the real SDK client.
 */
class CertsCreateKmsBadInputTest {
    private static final String OTHER_REGION = "eu-west-1";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static FakeKms kms;
    private static Path oneService;

    @BeforeAll
    static void start() {
        aws = FakeAws.startRegions(FakeAws.DEFAULT_REGION, OTHER_REGION);
        kms = aws.kms();
        oneService = write(temp.resolve("one.json"),
                "{\"version\": 1, \"services\": [{\"name\": \"svc\", \"host\": \"svc.example.com\"}]}");
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    /** Runs certs create --ca aws-kms against the fake, expects one line containing {@code expected}, and that nothing happened. */
    private static String refused(String expected, String... extra) {
        Path out = temp.resolve("out-" + System.nanoTime());
        int keysBefore = kms.keys().size() + aws.kms(OTHER_REGION).keys().size();
        List<String> args = new ArrayList<>(List.of("certs", "create", "--ca", "aws-kms", "--spec", oneService.toString(),
                "--out", out.toString()));
        args.addAll(List.of(extra));

        String line = assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, args.toArray(String[]::new))), 1, expected);

        assertNothingWritten(out);
        assertEquals(keysBefore, kms.keys().size() + aws.kms(OTHER_REGION).keys().size(), "no KMS key may be made");
        assertEquals(List.of(), aws.requests("Sign").stream().filter(RecordedRequest::succeeded).toList(), "nothing may be signed");
        return line;
    }

    @Test
    void aSymmetricKeyIsRefused() {
        FakeKms.Key key = kms.createKey("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT");
        String line = refused("is a symmetric key (SYMMETRIC_DEFAULT)", "--kms-key-id", key.arn());
        assertTrue(line.contains(key.arn()), line);
    }

    @Test
    void anEncryptDecryptKeyIsRefused() {
        FakeKms.Key key = kms.createKey("RSA_3072", "ENCRYPT_DECRYPT");
        refused("is a ENCRYPT_DECRYPT key, which cannot sign certificates", "--kms-key-id", key.arn());
    }

    @Test
    void anHmacKeyIsRefused() {
        FakeKms.Key key = kms.createKey("HMAC_256", "GENERATE_VERIFY_MAC");
        refused("cannot sign certificates", "--kms-key-id", key.arn());
    }

    @Test
    void aDisabledKeyIsRefusedWithHowToEnableIt() {
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        kms.disable(key.keyId());
        refused("is disabled, so it cannot sign; enable it (aws kms enable-key --key-id " + key.arn() + ")",
                "--kms-key-id", key.arn());
    }

    @Test
    void aKeyPendingDeletionIsRefusedWithHowToCancelIt() {
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        kms.scheduleDeletion(key.keyId(), 7);
        refused("is pending deletion", "--kms-key-id", key.arn());
        String line = refused("aws kms cancel-key-deletion --key-id " + key.arn(), "--kms-key-id", key.keyId());
        assertTrue(line.contains("pending deletion"), line);
    }

    @Test
    void theArnOfAKeyInAnotherRegionThanRegionIsRefusedBeforeAnyCall() {
        FakeKms.Key key = aws.kms(OTHER_REGION).createKey("ECC_NIST_P256", "SIGN_VERIFY");
        aws.clearRequests();
        refused("is in " + OTHER_REGION + ", not in --region " + FakeAws.DEFAULT_REGION, "--kms-key-id", key.arn());
        assertEquals(List.of(), aws.requests(), "the region is checked before any call");
    }

    @Test
    void theIdOfAKeyOfAnotherRegionIsNotFoundInTheRegionCalled() {
        FakeKms.Key key = aws.kms(OTHER_REGION).createKey("ECC_NIST_P256", "SIGN_VERIFY");
        refused("KMS key " + key.keyId() + " does not exist in " + FakeAws.DEFAULT_REGION, "--kms-key-id", key.keyId());
    }

    @Test
    void aSigningAlgorithmThatDoesNotFitAnAdoptedKeyIsRefused() {
        FakeKms.Key p256 = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        refused("the signing algorithm ECDSA_SHA_384 does not fit KMS key " + p256.arn() + " (ECC_NIST_P256)",
                "--kms-key-id", p256.arn(), "--kms-signing-algorithm", "ECDSA_SHA_384");
        refused("the signing algorithm RSASSA_PKCS1_V1_5_SHA_256 does not fit", "--kms-key-id", p256.arn(),
                "--kms-signing-algorithm", "RSASSA_PKCS1_V1_5_SHA_256");
        FakeKms.Key rsa = kms.createKey("RSA_2048", "SIGN_VERIFY");
        refused("the signing algorithm ECDSA_SHA_256 does not fit", "--kms-key-id", rsa.arn(), "--kms-signing-algorithm", "ECDSA_SHA_256");
    }

    @Test
    void aSigningAlgorithmThatDoesNotFitTheKeySpecIsRefusedBeforeAnyCall() {
        aws.clearRequests();
        refused("the signing algorithm ECDSA_SHA_256 does not fit a RSA_3072 key", "--kms-key-spec", "RSA_3072",
                "--kms-signing-algorithm", "ECDSA_SHA_256");
        assertEquals(List.of(), aws.requests());
    }

    @Test
    void aDeniedSignNamesTheMissingPermission() {
        String account = FakeAws.ACCOUNT_ID;
        // the account administers the key, and only another role may sign with it
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY", """
                {"Version": "2012-10-17", "Statement": [
                  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%1$s:root"},
                   "Action": ["kms:Describe*", "kms:Get*", "kms:List*"], "Resource": "*"},
                  {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%1$s:role/someone-else"},
                   "Action": "kms:Sign", "Resource": "*"}]}
                """.formatted(account));

        String line = refused("the caller needs the permission kms:Sign", "--kms-key-id", key.arn());

        assertTrue(line.contains("KMS denied Sign on key " + key.arn()), line);
        assertTrue(line.contains("AccessDeniedException"), line);
        assertEquals(0, kms.signCount(key.keyId()));
    }

    @Test
    void aSignatureThatDoesNotVerifyAgainstThePublicKeyIsNeverUsed() {
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        kms.tamperSignatures(true);
        try {
            Path out = temp.resolve("out-tampered");
            String line = assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, "certs", "create", "--ca", "aws-kms",
                    "--spec", oneService.toString(), "--kms-key-id", key.arn(), "--out", out.toString())), 1,
                    "does not verify against the key's public key");
            assertTrue(line.contains("KMS Sign with " + key.arn()), line);
            assertNothingWritten(out);
            assertEquals(1, kms.signCount(key.keyId()), "the root's signature was the first and the last asked for");
        } finally {
            kms.tamperSignatures(false);
        }
    }

    static Stream<Arguments> optionsThatDoNotGoTogether() {
        String key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555";
        return Stream.of(
                Arguments.of(List.of("--kms-key-spec", "ECC_NIST_P521"), "unknown --kms-key-spec 'ECC_NIST_P521'"),
                Arguments.of(List.of("--kms-key-spec", "RSA_2048"), "unknown --kms-key-spec 'RSA_2048'"),
                Arguments.of(List.of("--kms-signing-algorithm", "SHA256withECDSA"), "unknown KMS signing algorithm 'SHA256withECDSA'"),
                Arguments.of(List.of("--signer-role", "mtls-rotator"), "invalid --signer-role 'mtls-rotator'"),
                Arguments.of(List.of("--signer-role", "arn:aws:iam::123456789012:user/alice"), "invalid --signer-role"),
                Arguments.of(List.of("--kms-key-id", "not a key"), "invalid KMS key 'not a key'"),
                Arguments.of(List.of("--kms-key-id", key, "--kms-key-spec", "RSA_3072"), "an adopted key (--kms-key-id) keeps its own"),
                Arguments.of(List.of("--kms-key-id", key, "--signer-role", "arn:aws:iam::123456789012:role/r"),
                        "an adopted key (--kms-key-id) keeps its own"),
                Arguments.of(List.of("--ca-arn", "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
                        + "11111111-2222-3333-4444-555555555555"), "--ca-arn needs --ca acm-pca"),
                Arguments.of(List.of("--dry-run", "--kms-key-spec", "RSA_4096", "--kms-signing-algorithm", "ECDSA_SHA_384"),
                        "the signing algorithm ECDSA_SHA_384 does not fit a RSA_4096 key"),
                Arguments.of(List.of("--dry-run", "--kms-key-id", "alias/no such"), "invalid KMS key 'alias/no such'"));
    }

    @ParameterizedTest
    @MethodSource("optionsThatDoNotGoTogether")
    void badOptionsAreRefusedBeforeAnyCall(List<String> extra, String expected) {
        aws.clearRequests();
        refused(expected, extra.toArray(String[]::new));
        assertEquals(List.of(), aws.requests());
    }

    @Test
    void kmsOptionsNeedCaAwsKms() {
        Path out = temp.resolve("out-local");
        assertOneLineFailure(BadInputCli.run("certs", "create", "--kms-key-spec", "RSA_3072", "--out", out.toString()), 1,
                "need --ca aws-kms");
        assertNothingWritten(out);
    }

    @Test
    void oneAdoptedKeyIsTheCaKeyOfOneServiceOnly() {
        FakeKms.Key key = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        Path out = temp.resolve("out-two");
        aws.clearRequests();
        assertOneLineFailure(BadInputCli.run(FakeAwsCli.args(aws, "certs", "create", "--ca", "aws-kms", "--kms-key-id", key.arn(),
                "--out", out.toString())), 1, "--kms-key-id adopts one key as the CA key of one service, and the spec has 2");
        assertNothingWritten(out);
        assertEquals(List.of(), aws.requests());
    }
}
