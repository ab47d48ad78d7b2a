package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;

import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The one floor every key and certificate meets, whoever made it (design decision 8): RSA of
 * 2048 bits or more, EC on P-256, P-384 or P-521, and no MD5 or SHA-1 signature. A weak key or
 * a forgeable signature anywhere in a chain lets someone else become the client or the backend,
 * however strong the rest is. A self-signed root's own signature is exempt: it is trusted by
 * being in the truststore, not by its signature, so no one gains by forging it.
 */
public final class KeyPolicy {
    private static final int MIN_RSA_BITS = 2048;
    private static final String ALLOWED = "RSA 2048+ or EC P-256/P-384/P-521 required";
    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            SECObjectIdentifiers.secp256r1, "P-256",
            SECObjectIdentifiers.secp384r1, "P-384",
            SECObjectIdentifiers.secp521r1, "P-521");

    private KeyPolicy() {
    }

    /** What is wrong with a key, as "RSA key of 1024 bits; at least 2048 required", or empty. */
    public static Optional<String> keyViolation(PublicKey key) {
        String algorithm = key.getAlgorithm();
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            return bits >= MIN_RSA_BITS ? Optional.empty()
                    : Optional.of("RSA key of " + bits + " bits; at least " + MIN_RSA_BITS + " required");
        }
        if ("DSA".equals(algorithm)) {
            return Optional.of("DSA key; DSA keys are not supported (" + ALLOWED + ")");
        }
        if ("EC".equals(algorithm) || "ECDSA".equals(algorithm)) {
            return curveViolation(key);
        }
        String name = key instanceof java.security.interfaces.EdECKey edwards ? edwards.getParams().getName() : algorithm;
        return Optional.of(name + " key; " + ALLOWED);
    }

    /** What is wrong with how a certificate was signed, or empty; a self-signed root's own signature is not judged. */
    public static Optional<String> signatureViolation(X509Certificate certificate) {
        if (ChainBuilder.isSelfSigned(certificate)) {
            return Optional.empty();
        }
        String name = certificate.getSigAlgName();
        String upper = name.toUpperCase(Locale.ROOT);
        if (upper.contains("MD5") || upper.contains("MD2") || upper.startsWith("SHA1") || upper.contains("SHA-1")) {
            return Optional.of("signed with " + name + "; MD5 and SHA-1 signatures are refused");
        }
        return Optional.empty();
    }

    /** Every rule a certificate breaks, key first. */
    public static List<String> violations(X509Certificate certificate) {
        List<String> found = new ArrayList<>();
        keyViolation(certificate.getPublicKey()).ifPresent(found::add);
        signatureViolation(certificate).ifPresent(found::add);
        return found;
    }

    /**
     * Refuses the first certificate of a chain that breaks a rule, with one line naming where it
     * is, the certificate and the rule.
     */
    public static void require(String where, List<X509Certificate> chain) {
        for (X509Certificate certificate : chain) {
            List<String> found = violations(certificate);
            if (!found.isEmpty()) {
                throw refusal(where, certificate, String.join("; ", found));
            }
        }
    }

    /** Refuses a key that breaks a rule, before anything else is tried with it (a DSA key cannot even be matched). */
    public static void requireKey(String where, X509Certificate certificate) {
        keyViolation(certificate.getPublicKey()).ifPresent(rule -> {
            throw refusal(where, certificate, rule);
        });
    }

    private static MtlsException refusal(String where, X509Certificate certificate, String rules) {
        return new MtlsException(where + ": the certificate '" + certificate.getSubjectX500Principal().getName() + "': " + rules);
    }

    private static Optional<String> curveViolation(PublicKey key) {
        ASN1Primitive parameters;
        try {
            parameters = SubjectPublicKeyInfo.getInstance(key.getEncoded()).getAlgorithm().getParameters().toASN1Primitive();
        } catch (RuntimeException e) {
            return Optional.of("EC key whose curve cannot be read; " + ALLOWED);
        }
        if (!(parameters instanceof ASN1ObjectIdentifier curve)) {
            return Optional.of("EC key with explicit curve parameters; " + ALLOWED);
        }
        if (CURVES.containsKey(curve)) {
            return Optional.empty();
        }
        String name = ECNamedCurveTable.getName(curve);
        return Optional.of("EC key on curve " + (name == null ? curve.getId() : name) + "; P-256, P-384 or P-521 required");
    }
}
