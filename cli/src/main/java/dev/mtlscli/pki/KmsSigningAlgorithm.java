package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The KMS signing algorithms a CA can put in X.509 certificates: what KMS calls each one, the
 * digest computed locally for MessageType=DIGEST, and how the JDK verifies the signature and
 * BouncyCastle names it in a certificate. RSASSA-PSS is KMS's: MGF1 with the same hash and a salt
 * as long as the hash.
 */
public enum KmsSigningAlgorithm {
    ECDSA_SHA_256(SigningAlgorithmSpec.ECDSA_SHA_256, "SHA-256", "SHA256withECDSA", "SHA256WITHECDSA", null),
    ECDSA_SHA_384(SigningAlgorithmSpec.ECDSA_SHA_384, "SHA-384", "SHA384withECDSA", "SHA384WITHECDSA", null),
    ECDSA_SHA_512(SigningAlgorithmSpec.ECDSA_SHA_512, "SHA-512", "SHA512withECDSA", "SHA512WITHECDSA", null),
    RSASSA_PKCS1_V1_5_SHA_256(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_256, "SHA-256", "SHA256withRSA", "SHA256WITHRSA", null),
    RSASSA_PKCS1_V1_5_SHA_384(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_384, "SHA-384", "SHA384withRSA", "SHA384WITHRSA", null),
    RSASSA_PKCS1_V1_5_SHA_512(SigningAlgorithmSpec.RSASSA_PKCS1_V1_5_SHA_512, "SHA-512", "SHA512withRSA", "SHA512WITHRSA", null),
    RSASSA_PSS_SHA_256(SigningAlgorithmSpec.RSASSA_PSS_SHA_256, "SHA-256", "RSASSA-PSS", "SHA256WITHRSAANDMGF1",
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)),
    RSASSA_PSS_SHA_384(SigningAlgorithmSpec.RSASSA_PSS_SHA_384, "SHA-384", "RSASSA-PSS", "SHA384WITHRSAANDMGF1",
            new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1)),
    RSASSA_PSS_SHA_512(SigningAlgorithmSpec.RSASSA_PSS_SHA_512, "SHA-512", "RSASSA-PSS", "SHA512WITHRSAANDMGF1",
            new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1));

    private static final Map<ASN1ObjectIdentifier, KmsSigningAlgorithm> BY_OID = Map.of(
            X9ObjectIdentifiers.ecdsa_with_SHA256, ECDSA_SHA_256,
            X9ObjectIdentifiers.ecdsa_with_SHA384, ECDSA_SHA_384,
            X9ObjectIdentifiers.ecdsa_with_SHA512, ECDSA_SHA_512,
            PKCSObjectIdentifiers.sha256WithRSAEncryption, RSASSA_PKCS1_V1_5_SHA_256,
            PKCSObjectIdentifiers.sha384WithRSAEncryption, RSASSA_PKCS1_V1_5_SHA_384,
            PKCSObjectIdentifiers.sha512WithRSAEncryption, RSASSA_PKCS1_V1_5_SHA_512);
    private static final Map<ASN1ObjectIdentifier, KmsSigningAlgorithm> PSS_BY_HASH = Map.of(
            NISTObjectIdentifiers.id_sha256, RSASSA_PSS_SHA_256,
            NISTObjectIdentifiers.id_sha384, RSASSA_PSS_SHA_384,
            NISTObjectIdentifiers.id_sha512, RSASSA_PSS_SHA_512);

    private final SigningAlgorithmSpec spec;
    private final String digest;
    private final String jcaName;
    private final String certificateName;
    private final PSSParameterSpec pss;

    KmsSigningAlgorithm(SigningAlgorithmSpec spec, String digest, String jcaName, String certificateName, PSSParameterSpec pss) {
        this.spec = spec;
        this.digest = digest;
        this.jcaName = jcaName;
        this.certificateName = certificateName;
        this.pss = pss;
    }

    public SigningAlgorithmSpec spec() {
        return spec;
    }

    /** The JDK MessageDigest name of the hash that is computed locally and sent to Sign. */
    public String digest() {
        return digest;
    }

    /**
     * Whether KMS signs with it for a key of this spec: ECDSA only with the hash of the key's
     * curve (ECC_NIST_P256 with SHA-256, ...), RSA with any of its hashes.
     */
    public boolean fits(String keySpec) {
        return switch (this) {
            case ECDSA_SHA_256 -> "ECC_NIST_P256".equals(keySpec);
            case ECDSA_SHA_384 -> "ECC_NIST_P384".equals(keySpec);
            case ECDSA_SHA_512 -> "ECC_NIST_P521".equals(keySpec);
            default -> keySpec != null && keySpec.startsWith("RSA_");
        };
    }

    /** Refuses, in one line, a key spec KMS does not sign with it for. */
    public void requireFits(String keySpec) {
        if (!fits(keySpec)) {
            throw new MtlsException("the signing algorithm " + this + " does not fit a " + keySpec + " key (it signs with "
                    + usual(keySpec) + (keySpec.startsWith("RSA") ? " or another RSA algorithm" : "") + ")");
        }
    }

    /** The usual algorithm for a key spec: ECDSA with the curve's hash, RSA PKCS #1 v1.5 with SHA-256 as local CAs sign. */
    public static KmsSigningAlgorithm usual(String keySpec) {
        return switch (keySpec) {
            case "ECC_NIST_P256" -> ECDSA_SHA_256;
            case "ECC_NIST_P384" -> ECDSA_SHA_384;
            case "ECC_NIST_P521" -> ECDSA_SHA_512;
            default -> RSASSA_PKCS1_V1_5_SHA_256;
        };
    }

    /** How a certificate signed with it names its signature algorithm. */
    public AlgorithmIdentifier algorithmIdentifier() {
        return new DefaultSignatureAlgorithmIdentifierFinder().find(certificateName);
    }

    /** Whether {@code signature} over {@code message} verifies against {@code key} with this algorithm. */
    public boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(jcaName);
            if (pss != null) {
                verifier.setParameter(pss);
            }
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false; // a signature the JDK cannot even parse does not verify
        }
    }

    /** The algorithm named as KMS names it (ECDSA_SHA_256, RSASSA_PSS_SHA_384, ...), as given on the command line. */
    public static KmsSigningAlgorithm fromName(String name) {
        String wanted = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (KmsSigningAlgorithm algorithm : values()) {
            if (algorithm.name().equals(wanted)) {
                return algorithm;
            }
        }
        throw new MtlsException("unknown KMS signing algorithm '" + name + "' (expected one of " + names() + ")");
    }

    /**
     * The algorithm a certificate is signed with: leaves of a KMS CA are signed like its root, so
     * the workspace needs to record nothing but the key.
     */
    public static KmsSigningAlgorithm of(X509Certificate certificate) {
        ASN1ObjectIdentifier oid = new ASN1ObjectIdentifier(certificate.getSigAlgOID());
        KmsSigningAlgorithm algorithm = BY_OID.get(oid);
        if (algorithm == null && PKCSObjectIdentifiers.id_RSASSA_PSS.equals(oid) && certificate.getSigAlgParams() != null) {
            algorithm = PSS_BY_HASH.get(RSASSAPSSparams.getInstance(certificate.getSigAlgParams()).getHashAlgorithm().getAlgorithm());
        }
        if (algorithm == null) {
            throw new MtlsException("the CA certificate " + certificate.getSubjectX500Principal().getName() + " is signed with "
                    + certificate.getSigAlgName() + ", which is none of the KMS signing algorithms (" + names() + ")");
        }
        return algorithm;
    }

    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
