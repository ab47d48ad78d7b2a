package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeKms;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ContentSigner over a KMS key, against the fake KMS's real keys through the real SDK client:
 * what goes to Sign is the digest of what BouncyCastle wrote, computed here, and what comes back
 * is a signature the JDK verifies over those bytes with the key's public key, or it is refused.
 */
class KmsContentSignerTest {
    private static final byte[] TO_BE_SIGNED = "the DER of a TBSCertificate, as far as the signer knows".getBytes(StandardCharsets.US_ASCII);

    private static FakeAws aws;
    private static FakeKms kms;
    private static KmsClient client;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        kms = aws.kms();
        client = KmsClient.builder().endpointOverride(aws.endpoint()).region(Region.of(aws.region()))
                .credentialsProvider(FakeAwsCli.credentials()).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        aws.close();
    }

    private static byte[] sign(KmsKey key, KmsSigningAlgorithm algorithm) throws Exception {
        KmsContentSigner signer = new KmsContentSigner(key, algorithm, "a test message");
        signer.getOutputStream().write(TO_BE_SIGNED);
        return signer.getSignature();
    }

    @ParameterizedTest
    @CsvSource({
            "ECC_NIST_P256, ECDSA_SHA_256",
            "ECC_NIST_P384, ECDSA_SHA_384",
            "RSA_2048, RSASSA_PKCS1_V1_5_SHA_256",
            "RSA_3072, RSASSA_PKCS1_V1_5_SHA_384",
            "RSA_3072, RSASSA_PKCS1_V1_5_SHA_512",
            "RSA_2048, RSASSA_PSS_SHA_256",
            "RSA_3072, RSASSA_PSS_SHA_384",
            "RSA_3072, RSASSA_PSS_SHA_512"})
    void oneSignOfTheLocalDigestGivesASignatureTheJdkVerifies(String keySpec, String algorithmName) throws Exception {
        FakeKms.Key made = kms.createKey(keySpec, "SIGN_VERIFY");
        KmsKey key = KmsKey.connect(client, made.arn(), aws.region());
        KmsSigningAlgorithm algorithm = key.signingAlgorithm(KmsSigningAlgorithm.fromName(algorithmName));
        aws.clearRequests();

        byte[] signature = sign(key, algorithm);

        List<RecordedRequest> signs = aws.requests("Sign");
        assertEquals(1, signs.size());
        assertEquals("DIGEST", signs.get(0).json().get("MessageType"));
        assertEquals(algorithmName, signs.get(0).json().get("SigningAlgorithm"));
        assertArrayEquals(MessageDigest.getInstance(algorithm.digest()).digest(TO_BE_SIGNED),
                Base64.getDecoder().decode(String.valueOf(signs.get(0).json().get("Message"))), "only the digest leaves");
        assertTrue(algorithm.verifies(made.publicKey(), TO_BE_SIGNED, signature));
        assertEquals(1, kms.signCount(made.keyId()));
    }

    @Test
    void aSignatureOverOtherBytesIsRefused() throws Exception {
        FakeKms.Key made = kms.createKey("ECC_NIST_P256", "SIGN_VERIFY");
        KmsKey key = KmsKey.connect(client, made.arn(), aws.region());
        kms.tamperSignatures(true);
        try {
            MtlsException refused = assertThrows(MtlsException.class, () -> sign(key, KmsSigningAlgorithm.ECDSA_SHA_256));
            assertTrue(refused.getMessage().contains("answered a signature for a test message that does not verify against the "
                    + "key's public key"), refused.getMessage());
        } finally {
            kms.tamperSignatures(false);
        }
    }

    @Test
    void theUsualAlgorithmOfAnRsaKeyIsPkcs1WithSha256AndOfAnEcKeyTheCurvesHash() {
        assertEquals(KmsSigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                KmsKey.connect(client, kms.createKey("RSA_4096", "SIGN_VERIFY").arn(), aws.region()).signingAlgorithm(null));
        assertEquals(KmsSigningAlgorithm.ECDSA_SHA_384,
                KmsKey.connect(client, kms.createKey("ECC_NIST_P384", "SIGN_VERIFY").arn(), aws.region()).signingAlgorithm(null));
    }

    @Test
    void aP521KeyIsRefusedSinceMtlsCliHasNoP521Certificates() {
        FakeKms.Key p521 = kms.createKey("ECC_NIST_P521", "SIGN_VERIFY");
        MtlsException refused = assertThrows(MtlsException.class, () -> KmsKey.connect(client, p521.arn(), aws.region()));
        assertTrue(refused.getMessage().contains("is a ECC_NIST_P521 key, which mtls-cli cannot use as a CA key"), refused.getMessage());
    }
}
