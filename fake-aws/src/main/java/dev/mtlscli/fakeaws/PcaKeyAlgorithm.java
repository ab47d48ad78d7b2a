package dev.mtlscli.fakeaws;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.List;

/**
 * The ACM PCA key algorithms the fake can create a CA with, named as the API names them
 * ({@code KeyAlgorithm} in CertificateAuthorityConfiguration), with the signing algorithm a CA of
 * that key signs its own certificate with.
 */
enum PcaKeyAlgorithm {
    RSA_2048(Family.RSA, 2048, null, PcaSigningAlgorithm.SHA256WITHRSA),
    RSA_3072(Family.RSA, 3072, null, PcaSigningAlgorithm.SHA256WITHRSA),
    RSA_4096(Family.RSA, 4096, null, PcaSigningAlgorithm.SHA256WITHRSA),
    EC_prime256v1(Family.EC, 0, "secp256r1", PcaSigningAlgorithm.SHA256WITHECDSA),
    EC_secp384r1(Family.EC, 0, "secp384r1", PcaSigningAlgorithm.SHA384WITHECDSA),
    EC_secp521r1(Family.EC, 0, "secp521r1", PcaSigningAlgorithm.SHA512WITHECDSA);

    /** The key families: a signing algorithm must be of the CA key's family. */
    enum Family {
        RSA, EC
    }

    private final Family family;
    private final int rsaBits;
    private final String curve;
    private final PcaSigningAlgorithm defaultSigning;

    PcaKeyAlgorithm(Family family, int rsaBits, String curve, PcaSigningAlgorithm defaultSigning) {
        this.family = family;
        this.rsaBits = rsaBits;
        this.curve = curve;
        this.defaultSigning = defaultSigning;
    }

    /** The algorithm by its API name, e.g. {@code EC_prime256v1}. */
    static PcaKeyAlgorithm of(String apiName) {
        for (PcaKeyAlgorithm algorithm : values()) {
            if (algorithm.name().equals(apiName)) {
                return algorithm;
            }
        }
        throw new IllegalArgumentException("fake-aws creates CAs with one of " + Arrays.toString(values())
                + ", not " + apiName);
    }

    Family family() {
        return family;
    }

    /** The signing algorithm a CA with this key uses for its own certificate and CSR. */
    PcaSigningAlgorithm defaultSigning() {
        return defaultSigning;
    }

    /** The signing algorithms IssueCertificate accepts for a CA with this key, in the API's order. */
    List<PcaSigningAlgorithm> signingAlgorithms() {
        return Arrays.stream(PcaSigningAlgorithm.values()).filter(PcaSigningAlgorithm::offered).filter(s -> s.family() == family).toList();
    }

    KeyPair generate() {
        try {
            if (family == Family.RSA) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(rsaBits);
                return generator.generateKeyPair();
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate a " + name() + " key", e);
        }
    }
}
