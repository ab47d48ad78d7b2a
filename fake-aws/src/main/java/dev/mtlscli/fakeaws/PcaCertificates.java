package dev.mtlscli.fakeaws;

import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the certificates of the fake ACM PCA with BouncyCastle, in the shapes of the AWS
 * templates: RootCACertificate/V1 for a root, SubordinateCACertificate_PathLen0/V1 for a
 * subordinate, and the end-entity {@link PcaTemplate}s. Only JDK providers sign; nothing is
 * registered globally.
 */
final class PcaCertificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int CA_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign;
    private static final int END_ENTITY_KEY_USAGE = KeyUsage.digitalSignature | KeyUsage.keyEncipherment;

    /** A CA's certificate and the key it signs with. */
    record Signer(X509Certificate certificate, PrivateKey key, PcaSigningAlgorithm algorithm) {
    }

    private PcaCertificates() {
    }

    /** A random positive serial of up to 127 bits, as AWS's 32-hex-digit serials are. */
    static BigInteger randomSerial() {
        BigInteger serial;
        do {
            serial = new BigInteger(127, RANDOM);
        } while (serial.signum() == 0);
        return serial;
    }

    /** The serial as the certificate ARN and DescribeCertificateAuthority write it: 32 lower-case hex digits. */
    static String serialHex(BigInteger serial) {
        return String.format("%032x", serial);
    }

    static X509Certificate root(KeyPair key, X500Name subject, PcaSigningAlgorithm algorithm, Instant notBefore,
                                Instant notAfter) {
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, randomSerial(),
                Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        SubjectKeyIdentifier ski = subjectKeyIdentifier(publicKey);
        add(builder, Extension.basicConstraints, true, new BasicConstraints(true));
        add(builder, Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
        add(builder, Extension.subjectKeyIdentifier, false, ski);
        add(builder, Extension.keyUsage, true, new KeyUsage(CA_KEY_USAGE));
        return sign(builder, new Signer(null, key.getPrivate(), algorithm));
    }

    static X509Certificate subordinate(PublicKey key, X500Name subject, Signer parent, Instant notBefore,
                                       Instant notAfter) {
        SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName(parent), randomSerial(),
                Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        add(builder, Extension.basicConstraints, true, new BasicConstraints(0));
        add(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(parent));
        add(builder, Extension.subjectKeyIdentifier, false, subjectKeyIdentifier(publicKey));
        add(builder, Extension.keyUsage, true, new KeyUsage(CA_KEY_USAGE));
        return sign(builder, parent);
    }

    /**
     * An end-entity certificate for the CSR's subject and key. {@code subjectAltName} is the CSR's
     * extension, copied as it is (criticality included), or null.
     */
    static X509Certificate endEntity(X500Name subject, SubjectPublicKeyInfo publicKey, Extension subjectAltName,
                                     PcaTemplate template, Signer issuer, BigInteger serial, Instant notBefore,
                                     Instant notAfter) {
        return endEntity(subject, publicKey, subjectAltName, template.extendedKeyUsages(), false, issuer, serial, notBefore, notAfter);
    }

    static X509Certificate endEntity(X500Name subject, SubjectPublicKeyInfo publicKey, Extension subjectAltName,
                                     KeyPurposeId[] extendedKeyUsages, boolean ca, Signer issuer, BigInteger serial,
                                     Instant notBefore, Instant notAfter) {
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(issuerName(issuer), serial,
                Date.from(notBefore), Date.from(notAfter), subject, publicKey);
        add(builder, Extension.basicConstraints, false, new BasicConstraints(ca));
        add(builder, Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(issuer));
        add(builder, Extension.subjectKeyIdentifier, false, subjectKeyIdentifier(publicKey));
        add(builder, Extension.keyUsage, true, new KeyUsage(END_ENTITY_KEY_USAGE));
        add(builder, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(extendedKeyUsages));
        if (subjectAltName != null) {
            try {
                builder.addExtension(subjectAltName);
            } catch (CertIOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sign(builder, issuer);
    }

    /** A fresh key of the same algorithm as this one: the key a mis-issued certificate names. */
    static SubjectPublicKeyInfo otherKey(SubjectPublicKeyInfo like) {
        try {
            String algorithm = like.getAlgorithm().getAlgorithm().equals(org.bouncycastle.asn1.x9.X9ObjectIdentifiers.id_ecPublicKey)
                    ? "EC" : "RSA";
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance(algorithm);
            generator.initialize(algorithm.equals("EC") ? 256 : 2048);
            return SubjectPublicKeyInfo.getInstance(generator.generateKeyPair().getPublic().getEncoded());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PEM, as ACM PCA returns certificates: 64-character lines, no trailing newline. */
    static String pem(X509Certificate certificate) {
        try {
            String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Several certificates in PEM, one after the other, as ACM PCA writes a chain. */
    static String pem(List<X509Certificate> certificates) {
        return certificates.stream().map(PcaCertificates::pem).collect(Collectors.joining("\n"));
    }

    /** The issuer's subject exactly as encoded in its certificate, so that chains match byte for byte. */
    private static X500Name issuerName(Signer issuer) {
        return X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    }

    /** The AKI of a certificate the signer issues: the key identifier of the signer's own SKI, nothing more. */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(Signer issuer) {
        byte[] extension = issuer.certificate().getExtensionValue(Extension.subjectKeyIdentifier.getId());
        byte[] keyIdentifier = SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets())
                .getKeyIdentifier();
        return new AuthorityKeyIdentifier(keyIdentifier);
    }

    /** RFC 5280's method 1: the SHA-1 of the subjectPublicKey bits. */
    private static SubjectKeyIdentifier subjectKeyIdentifier(SubjectPublicKeyInfo publicKey) {
        try {
            return new JcaX509ExtensionUtils().createSubjectKeyIdentifier(publicKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    private static void add(X509v3CertificateBuilder builder, ASN1ObjectIdentifier oid,
                            boolean critical, ASN1Encodable value) {
        try {
            builder.addExtension(oid, critical, value);
        } catch (CertIOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, Signer signer) {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder(signer.algorithm().jcaName()).build(signer.key())));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("could not sign with " + signer.algorithm(), e);
        }
    }
}
