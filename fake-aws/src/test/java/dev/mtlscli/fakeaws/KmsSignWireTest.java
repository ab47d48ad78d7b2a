package dev.mtlscli.fakeaws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.List;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Sequence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DisabledException;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.InvalidKeyUsageException;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInvalidSignatureException;
import software.amazon.awssdk.services.kms.model.KmsInvalidStateException;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.UnsupportedOperationException;

/**
 * Sign, Verify and GetPublicKey through the real KmsClient: real signatures by the key pair the
 * fake holds, checked by the JDK against the public key GetPublicKey returns, RAW and DIGEST, for
 * every key spec and algorithm; and the refusals of keys that cannot sign.
 */
class KmsSignWireTest {
    private static final byte[] MESSAGE = "tbsCertificate bytes".getBytes(StandardCharsets.UTF_8);

    private FakeAws aws;
    private KmsClient kms;

    @BeforeEach
    void start() {
        aws = FakeAws.start();
        kms = KmsWire.client(aws);
    }

    @AfterEach
    void stop() {
        kms.close();
        aws.close();
    }

    private String signingKey(String keySpec) {
        return kms.createKey(b -> b.keySpec(keySpec).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata().arn();
    }

    private static byte[] sha(int bits, byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-" + bits).digest(message);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({
            "ECC_NIST_P256, ECDSA_SHA_256",
            "ECC_NIST_P384, ECDSA_SHA_384",
            "ECC_NIST_P521, ECDSA_SHA_512",
            "RSA_2048, RSASSA_PKCS1_V1_5_SHA_256",
            "RSA_2048, RSASSA_PKCS1_V1_5_SHA_384",
            "RSA_2048, RSASSA_PKCS1_V1_5_SHA_512",
            "RSA_2048, RSASSA_PSS_SHA_256",
            "RSA_2048, RSASSA_PSS_SHA_384",
            "RSA_2048, RSASSA_PSS_SHA_512",
            "RSA_3072, RSASSA_PKCS1_V1_5_SHA_256",
            "RSA_4096, RSASSA_PSS_SHA_512"})
    void rawAndDigestSignaturesVerifyAgainstThePublicKey(String keySpec, String algorithm) throws Exception {
        String arn = signingKey(keySpec);
        GetPublicKeyResponse got = kms.getPublicKey(b -> b.keyId(arn));
        PublicKey publicKey = KmsWire.publicKey(got.publicKey(), keySpec);
        assertEquals(arn, got.keyId());
        assertEquals(keySpec, got.keySpecAsString());
        assertEquals(KeyUsageType.SIGN_VERIFY, got.keyUsage());
        assertTrue(got.signingAlgorithmsAsStrings().contains(algorithm), got.signingAlgorithmsAsStrings().toString());

        SignResponse raw = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                .messageType(MessageType.RAW).signingAlgorithm(algorithm));
        int bits = Integer.parseInt(algorithm.substring(algorithm.length() - 3));
        SignResponse digest = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(sha(bits, MESSAGE)))
                .messageType(MessageType.DIGEST).signingAlgorithm(algorithm));

        assertEquals(arn, raw.keyId());
        assertEquals(algorithm, raw.signingAlgorithmAsString());
        assertTrue(KmsWire.verifies(publicKey, algorithm, MESSAGE, raw.signature().asByteArray()), "RAW");
        assertTrue(KmsWire.verifies(publicKey, algorithm, MESSAGE, digest.signature().asByteArray()), "DIGEST");
        assertFalse(KmsWire.verifies(publicKey, algorithm, "other".getBytes(StandardCharsets.UTF_8),
                raw.signature().asByteArray()));
        assertEquals(2, aws.kms().signCount(arn));
        assertTrue(kms.verify(v -> v.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE)).signature(digest.signature())
                .signingAlgorithm(algorithm)).signatureValid());
        assertThrows(KmsInvalidSignatureException.class, () -> kms.verify(v -> v.keyId(arn)
                .message(SdkBytes.fromUtf8String("other")).signature(raw.signature()).signingAlgorithm(algorithm)));
    }

    @Test
    void aDryRunSignIsCheckedButSignsNothing() {
        String arn = signingKey("ECC_NIST_P256");
        KmsException e = assertThrows(KmsException.class, () -> kms.sign(b -> b.keyId(arn).dryRun(true)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals("DryRunOperationException", e.awsErrorDetails().errorCode());
        assertEquals(0, aws.kms().signCount(arn));
    }

    @Test
    void ecdsaSignaturesAreDerSequencesOfTwoIntegers() {
        String arn = signingKey("ECC_NIST_P256");
        byte[] signature = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).signature().asByteArray();

        ASN1Sequence sequence = ASN1Sequence.getInstance(signature);
        assertEquals(2, sequence.size());
        assertTrue(sequence.getObjectAt(0) instanceof ASN1Integer && sequence.getObjectAt(1) instanceof ASN1Integer);
    }

    @Test
    void verifyAcceptsItsOwnSignaturesAndRefusesOthers() throws Exception {
        String arn = signingKey("ECC_NIST_P384");
        SdkBytes signature = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signature();

        assertTrue(kms.verify(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE)).signature(signature)
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signatureValid());
        assertTrue(kms.verify(b -> b.keyId(arn).message(SdkBytes.fromByteArray(sha(384, MESSAGE)))
                .messageType(MessageType.DIGEST).signature(signature)
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)).signatureValid());
        KmsInvalidSignatureException e = assertThrows(KmsInvalidSignatureException.class,
                () -> kms.verify(b -> b.keyId(arn).message(SdkBytes.fromUtf8String("other")).signature(signature)
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)));
        assertEquals("KMSInvalidSignatureException", e.awsErrorDetails().errorCode());
        assertThrows(KmsInvalidSignatureException.class,
                () -> kms.verify(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                        .signature(SdkBytes.fromUtf8String("not DER"))
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)));
    }

    @Test
    void tamperedSignaturesAreWellFormedButDoNotVerify() throws Exception {
        String arn = signingKey("ECC_NIST_P256");
        PublicKey publicKey = KmsWire.publicKey(kms.getPublicKey(b -> b.keyId(arn)).publicKey(), "ECC_NIST_P256");
        aws.kms().tamperSignatures(true);

        byte[] tampered = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).signature().asByteArray();

        assertEquals(2, ASN1Sequence.getInstance(tampered).size(), "still a DER ECDSA signature");
        assertFalse(KmsWire.verifies(publicKey, "ECDSA_SHA_256", MESSAGE, tampered));
        aws.kms().tamperSignatures(false);
        byte[] honest = kms.sign(b -> b.keyId(arn).message(SdkBytes.fromByteArray(MESSAGE))
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).signature().asByteArray();
        assertTrue(KmsWire.verifies(publicKey, "ECDSA_SHA_256", MESSAGE, honest));
    }

    @Test
    void signAcceptsEveryFormOfKeyId() throws Exception {
        String arn = signingKey("ECC_NIST_P256");
        String keyId = arn.substring(arn.lastIndexOf('/') + 1);
        kms.createAlias(b -> b.aliasName("alias/mtls/svc-ca").targetKeyId(keyId));
        String aliasArn = "arn:aws:kms:us-east-1:" + FakeAws.ACCOUNT_ID + ":alias/mtls/svc-ca";

        for (String form : List.of(keyId, arn, "alias/mtls/svc-ca", aliasArn)) {
            assertEquals(arn, kms.sign(b -> b.keyId(form).message(SdkBytes.fromByteArray(MESSAGE))
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)).keyId(), form);
        }
        assertEquals(4, aws.kms().signCount(keyId));
    }

    @Test
    void aDigestOfTheWrongLengthIsAValidationError() {
        String arn = signingKey("ECC_NIST_P256");
        KmsException e = assertThrows(KmsException.class, () -> kms.sign(b -> b.keyId(arn)
                .message(SdkBytes.fromByteArray(new byte[48])).messageType(MessageType.DIGEST)
                .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertEquals("Digest is invalid length for algorithm ECDSA_SHA_256.", e.awsErrorDetails().errorMessage());
        assertEquals(0, aws.kms().signCount(arn));
    }

    @Test
    void aRawMessageOverFourKilobytesIsAValidationError() {
        String arn = signingKey("ECC_NIST_P256");
        KmsException e = assertThrows(KmsException.class, () -> kms.sign(b -> b.keyId(arn)
                .message(SdkBytes.fromByteArray(new byte[4097])).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
    }

    @Test
    void anAlgorithmOfAnotherKeySpecIsAnInvalidKeyUsage() {
        String ecc = signingKey("ECC_NIST_P256");
        String rsa = signingKey("RSA_2048");
        InvalidKeyUsageException onEcc = assertThrows(InvalidKeyUsageException.class, () -> kms.sign(b -> b.keyId(ecc)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256)));
        assertEquals("Algorithm RSASSA_PSS_SHA_256 is incompatible with key spec ECC_NIST_P256.",
                onEcc.awsErrorDetails().errorMessage());
        assertThrows(InvalidKeyUsageException.class, () -> kms.sign(b -> b.keyId(ecc)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_384)));
        assertThrows(InvalidKeyUsageException.class, () -> kms.sign(b -> b.keyId(rsa)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
    }

    @Test
    void anUnknownAlgorithmIsAValidationError() {
        String arn = signingKey("ECC_NIST_P256");
        KmsException e = assertThrows(KmsException.class, () -> kms.sign(b -> b.keyId(arn)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm("ECDSA_SHA_1")));
        assertEquals("ValidationException", e.awsErrorDetails().errorCode());
        assertTrue(e.awsErrorDetails().errorMessage().contains("'signingAlgorithm'"), e.getMessage());
    }

    @Test
    void symmetricAndEncryptionKeysCannotSignNorGiveAPublicKey() {
        String symmetric = kms.createKey(b -> b.keySpec(KeySpec.SYMMETRIC_DEFAULT)).keyMetadata().arn();
        String rsaEncryption = kms.createKey(b -> b.keySpec(KeySpec.RSA_2048).keyUsage(KeyUsageType.ENCRYPT_DECRYPT))
                .keyMetadata().arn();

        InvalidKeyUsageException e = assertThrows(InvalidKeyUsageException.class, () -> kms.sign(b -> b.keyId(symmetric)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals("KeyUsage ENCRYPT_DECRYPT is not compatible with KMS operation Sign.", e.awsErrorDetails().errorMessage());
        assertThrows(InvalidKeyUsageException.class, () -> kms.sign(b -> b.keyId(rsaEncryption)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.RSASSA_PSS_SHA_256)));
        UnsupportedOperationException noPublicKey = assertThrows(UnsupportedOperationException.class,
                () -> kms.getPublicKey(b -> b.keyId(symmetric)));
        assertEquals("UnsupportedOperationException", noPublicKey.awsErrorDetails().errorCode());

        GetPublicKeyResponse encryption = kms.getPublicKey(b -> b.keyId(rsaEncryption));
        assertEquals(List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"), encryption.encryptionAlgorithmsAsStrings());
        assertTrue(encryption.signingAlgorithms().isEmpty());
    }

    @Test
    void aDisabledKeyAndAKeyPendingDeletionDoNotSign() {
        String disabled = signingKey("ECC_NIST_P256");
        String pending = signingKey("ECC_NIST_P256");
        aws.kms().disable(disabled);
        aws.kms().scheduleDeletion(pending, 7);

        DisabledException d = assertThrows(DisabledException.class, () -> kms.sign(b -> b.keyId(disabled)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals(disabled + " is disabled.", d.awsErrorDetails().errorMessage());
        assertThrows(DisabledException.class, () -> kms.getPublicKey(b -> b.keyId(disabled)));
        KmsInvalidStateException p = assertThrows(KmsInvalidStateException.class, () -> kms.sign(b -> b.keyId(pending)
                .message(SdkBytes.fromByteArray(MESSAGE)).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)));
        assertEquals("KMSInvalidStateException", p.awsErrorDetails().errorCode());
        assertEquals(pending + " is pending deletion.", p.awsErrorDetails().errorMessage());
        assertEquals(0, aws.kms().signCount(disabled) + aws.kms().signCount(pending));
        assertNull(aws.kms().key(disabled).deletionDate());
    }
}
