package dev.mtlscli.fakeaws;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The KMS signing algorithms ({@code SigningAlgorithmSpec}), each over a digest: KMS hashes a RAW
 * message itself and signs a DIGEST as given, so the fake always signs the digest with a
 * "NONE" signature of the JDK or BouncyCastle. ECDSA signatures come out DER-encoded, as KMS
 * returns them; PSS uses MGF1 with the same hash and a salt as long as the digest, as KMS does.
 */
enum KmsSigningAlgorithm {
    ECDSA_SHA_256(Scheme.ECDSA, "SHA-256", NISTObjectIdentifiers.id_sha256),
    ECDSA_SHA_384(Scheme.ECDSA, "SHA-384", NISTObjectIdentifiers.id_sha384),
    ECDSA_SHA_512(Scheme.ECDSA, "SHA-512", NISTObjectIdentifiers.id_sha512),
    RSASSA_PKCS1_V1_5_SHA_256(Scheme.PKCS1, "SHA-256", NISTObjectIdentifiers.id_sha256),
    RSASSA_PKCS1_V1_5_SHA_384(Scheme.PKCS1, "SHA-384", NISTObjectIdentifiers.id_sha384),
    RSASSA_PKCS1_V1_5_SHA_512(Scheme.PKCS1, "SHA-512", NISTObjectIdentifiers.id_sha512),
    RSASSA_PSS_SHA_256(Scheme.PSS, "SHA-256", NISTObjectIdentifiers.id_sha256),
    RSASSA_PSS_SHA_384(Scheme.PSS, "SHA-384", NISTObjectIdentifiers.id_sha384),
    RSASSA_PSS_SHA_512(Scheme.PSS, "SHA-512", NISTObjectIdentifiers.id_sha512);

    /** Every algorithm's API name, in the order of the API's enum, for validation messages. */
    static final List<String> API_VALUES = Arrays.stream(values()).map(Enum::name).toList();

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private enum Scheme {
        ECDSA, PKCS1, PSS
    }

    private final Scheme scheme;
    private final String hash;
    private final ASN1ObjectIdentifier hashOid;

    KmsSigningAlgorithm(Scheme scheme, String hash, ASN1ObjectIdentifier hashOid) {
        this.scheme = scheme;
        this.hash = hash;
        this.hashOid = hashOid;
    }

    /** The algorithm by its API name, or null when there is none of that name. */
    static KmsSigningAlgorithm byName(String name) {
        return API_VALUES.contains(name) ? valueOf(name) : null;
    }

    /** The length in bytes of a digest this algorithm signs: what MessageType DIGEST must give. */
    int digestLength() {
        return newDigest().getDigestLength();
    }

    /** The digest of a RAW message, as KMS computes it before signing. */
    byte[] digest(byte[] message) {
        return newDigest().digest(message);
    }

    byte[] sign(PrivateKey key, byte[] digest) {
        try {
            Signature signature = signature();
            signature.initSign(key);
            signature.update(signed(digest));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fake-aws could not sign with " + this + ": " + e.getMessage(), e);
        }
    }

    boolean verify(PublicKey key, byte[] digest, byte[] signatureBytes) {
        try {
            Signature signature = signature();
            signature.initVerify(key);
            signature.update(signed(digest));
            return signature.verify(signatureBytes);
        } catch (java.security.SignatureException e) {
            // a signature that is not even well-formed does not verify, as in KMS
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("fake-aws could not verify with " + this + ": " + e.getMessage(), e);
        }
    }

    private Signature signature() throws GeneralSecurityException {
        switch (scheme) {
            case ECDSA:
                return Signature.getInstance("NONEwithECDSA");
            case PKCS1:
                return Signature.getInstance("NONEwithRSA");
            default:
                Signature pss = Signature.getInstance("NONEwithRSASSA-PSS", BC);
                int saltLength = digestLength();
                pss.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), saltLength, 1));
                return pss;
        }
    }

    /** What the NONE signature takes: PKCS#1 v1.5 signs the DigestInfo, the others the digest itself. */
    private byte[] signed(byte[] digest) {
        if (scheme != Scheme.PKCS1) {
            return digest;
        }
        try {
            return new DigestInfo(new AlgorithmIdentifier(hashOid, DERNull.INSTANCE), digest).getEncoded("DER");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + hash, e);
        }
    }
}
