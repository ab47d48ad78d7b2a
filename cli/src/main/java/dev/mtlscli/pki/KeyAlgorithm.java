package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The key types mtls-cli issues, with the signature algorithm a CA of that type signs with. */
public enum KeyAlgorithm {
    EC_P256("ec-p256", "EC", 256, "SHA256withECDSA"),
    EC_P384("ec-p384", "EC", 384, "SHA384withECDSA"),
    RSA_2048("rsa-2048", "RSA", 2048, "SHA256withRSA"),
    RSA_3072("rsa-3072", "RSA", 3072, "SHA256withRSA"),
    RSA_4096("rsa-4096", "RSA", 4096, "SHA256withRSA");

    private final String id;
    private final String jcaName;
    private final int bits;
    private final String signatureAlgorithm;

    KeyAlgorithm(String id, String jcaName, int bits, String signatureAlgorithm) {
        this.id = id;
        this.jcaName = jcaName;
        this.bits = bits;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    public String id() {
        return id;
    }

    public boolean isRsa() {
        return "RSA".equals(jcaName);
    }

    /** The algorithm a certificate signed by a key of this type uses. */
    public String signatureAlgorithm() {
        return signatureAlgorithm;
    }

    public KeyPair generate(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
            if (isRsa()) {
                generator.initialize(bits, random);
            } else {
                generator.initialize(new ECGenParameterSpec(bits == 256 ? "secp256r1" : "secp384r1"), random);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot generate " + id + " keys", e);
        }
    }

    public static KeyAlgorithm fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (KeyAlgorithm algorithm : values()) {
            if (algorithm.id.equals(wanted)) {
                return algorithm;
            }
        }
        throw new MtlsException("unknown key algorithm '" + id + "' (expected one of " + ids() + ")");
    }

    /** The algorithm of an existing public key, for keys we read back from files. */
    public static KeyAlgorithm of(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int size = rsa.getModulus().bitLength();
            for (KeyAlgorithm algorithm : values()) {
                if (algorithm.isRsa() && algorithm.bits == size) {
                    return algorithm;
                }
            }
            throw new MtlsException("unsupported RSA key size " + size);
        }
        if (key instanceof ECPublicKey ec) {
            int size = ec.getParams().getCurve().getField().getFieldSize();
            return switch (size) {
                case 256 -> EC_P256;
                case 384 -> EC_P384;
                default -> throw new MtlsException("unsupported EC curve of " + size + " bits");
            };
        }
        throw new MtlsException("unsupported key type " + key.getAlgorithm());
    }

    public static String ids() {
        return Arrays.stream(values()).map(KeyAlgorithm::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id;
    }
}
