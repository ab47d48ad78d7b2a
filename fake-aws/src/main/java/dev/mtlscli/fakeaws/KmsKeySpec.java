package dev.mtlscli.fakeaws;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The KMS key specs the fake creates ({@code KeySpec}), with the key usages each allows and the
 * algorithms KMS lists for it. Asymmetric specs hold a real key pair; symmetric and HMAC keys are
 * accepted and described but never used for cryptography by the fake.
 */
enum KmsKeySpec {
    ECC_NIST_P256("secp256r1", 0, List.of(KmsSigningAlgorithm.ECDSA_SHA_256)),
    ECC_NIST_P384("secp384r1", 0, List.of(KmsSigningAlgorithm.ECDSA_SHA_384)),
    ECC_NIST_P521("secp521r1", 0, List.of(KmsSigningAlgorithm.ECDSA_SHA_512)),
    RSA_2048(null, 2048, Rsa.SIGNING),
    RSA_3072(null, 3072, Rsa.SIGNING),
    RSA_4096(null, 4096, Rsa.SIGNING),
    SYMMETRIC_DEFAULT(null, 0, List.of()),
    HMAC_224(null, 0, List.of()),
    HMAC_256(null, 0, List.of()),
    HMAC_384(null, 0, List.of()),
    HMAC_512(null, 0, List.of());

    /** The KeySpec enum of the API; the fake refuses the values it does not implement as unsupported. */
    static final List<String> API_VALUES = List.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
            "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256",
            "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519");

    /** The KeyUsage enum of the API. */
    static final List<String> USAGES = List.of("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC",
            "KEY_AGREEMENT");

    private static final class Rsa {
        static final List<KmsSigningAlgorithm> SIGNING = List.of(KmsSigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_256,
                KmsSigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_384, KmsSigningAlgorithm.RSASSA_PKCS1_V1_5_SHA_512,
                KmsSigningAlgorithm.RSASSA_PSS_SHA_256, KmsSigningAlgorithm.RSASSA_PSS_SHA_384,
                KmsSigningAlgorithm.RSASSA_PSS_SHA_512);
    }

    private final String curve;
    private final int rsaBits;
    private final List<KmsSigningAlgorithm> signingAlgorithms;

    KmsKeySpec(String curve, int rsaBits, List<KmsSigningAlgorithm> signingAlgorithms) {
        this.curve = curve;
        this.rsaBits = rsaBits;
        this.signingAlgorithms = signingAlgorithms;
    }

    /** The spec by its API name, or null when the fake does not implement it. */
    static KmsKeySpec byName(String name) {
        return Arrays.stream(values()).filter(spec -> spec.name().equals(name)).findFirst().orElse(null);
    }

    boolean asymmetric() {
        return curve != null || rsaBits != 0;
    }

    boolean rsa() {
        return rsaBits != 0;
    }

    boolean hmac() {
        return name().startsWith("HMAC_");
    }

    /** Whether a key of this spec may have this KeyUsage, as CreateKey checks. */
    boolean allows(String keyUsage) {
        switch (keyUsage) {
            case "SIGN_VERIFY":
                return asymmetric();
            case "ENCRYPT_DECRYPT":
                return this == SYMMETRIC_DEFAULT || rsa();
            case "GENERATE_VERIFY_MAC":
                return hmac();
            default:
                return false;
        }
    }

    /** The SigningAlgorithms of a SIGN_VERIFY key of this spec. */
    List<KmsSigningAlgorithm> signingAlgorithms() {
        return signingAlgorithms;
    }

    /** The EncryptionAlgorithms of an ENCRYPT_DECRYPT key of this spec. */
    List<String> encryptionAlgorithms() {
        return rsa() ? List.of("RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256") : List.of("SYMMETRIC_DEFAULT");
    }

    /** The MacAlgorithms of an HMAC key: HMAC_256 computes HMAC_SHA_256. */
    List<String> macAlgorithms() {
        return List.of("HMAC_SHA_" + name().substring("HMAC_".length()));
    }

    /** A new key pair of this spec; null for a symmetric or HMAC key, whose material the fake does not use. */
    KeyPair generate() {
        try {
            if (curve != null) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec(curve));
                return generator.generateKeyPair();
            }
            if (rsaBits != 0) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(rsaBits);
                return generator.generateKeyPair();
            }
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate a " + this + " key", e);
        }
    }
}
