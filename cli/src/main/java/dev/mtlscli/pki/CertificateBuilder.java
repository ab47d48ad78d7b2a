package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Builds X.509 v3 certificates with the profiles of DESIGN.md (decision 8).
 * BouncyCastle only assembles the ASN.1; keys, signatures and digests come from the JDK's
 * providers, so BC is never registered as a provider (that costs start-up time).
 */
final class CertificateBuilder {

    private CertificateBuilder() {
    }

    static X509Certificate build(
            CertificateProfile profile,
            X500Name subject,
            PublicKey subjectKey,
            X509Certificate issuer,
            PrivateKey issuerKey,
            KeyAlgorithm issuerAlgorithm,
            Instant notBefore,
            Instant notAfter,
            List<String> dnsNames,
            List<String> ipAddresses,
            SecureRandom random) {
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(issuerAlgorithm.signatureAlgorithm()).build(issuerKey);
        } catch (OperatorCreationException e) {
            throw new MtlsException("cannot build the certificate for " + subject + ": " + e.getMessage(), e);
        }
        return build(profile, subject, subjectKey, issuer, signer, notBefore, notAfter, dnsNames, ipAddresses, random);
    }

    /** The same, signed by {@code signer} (a key that is not in memory, such as a KMS key). */
    static X509Certificate build(
            CertificateProfile profile,
            X500Name subject,
            PublicKey subjectKey,
            X509Certificate issuer,
            ContentSigner signer,
            Instant notBefore,
            Instant notAfter,
            List<String> dnsNames,
            List<String> ipAddresses,
            SecureRandom random) {
        try {
            X500Name issuerName = issuer == null ? subject : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    issuerName, SerialNumbers.next(random), Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(subjectKey));
            boolean rsa = KeyAlgorithm.of(subjectKey).isRsa();
            switch (profile) {
                case ROOT_CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case OFFLINE_ROOT_CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(1));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case INTERMEDIATE_CA -> {
                    // openssl verify -x509_strict wants the AKI on every certificate that is not self-signed
                    builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(extensions, issuer));
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                }
                case SERVER -> {
                    addLeafExtensions(builder, extensions, issuer, rsa, KeyPurposeId.id_kp_serverAuth);
                    builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(dnsNames, ipAddresses));
                }
                case CLIENT -> {
                    addLeafExtensions(builder, extensions, issuer, rsa, KeyPurposeId.id_kp_clientAuth);
                    if (!dnsNames.isEmpty() || !ipAddresses.isEmpty()) {
                        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(dnsNames, ipAddresses));
                    }
                }
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (CertIOException | GeneralSecurityException e) {
            throw new MtlsException("cannot build the certificate for " + subject + ": " + e.getMessage(), e);
        }
    }

    private static void addLeafExtensions(X509v3CertificateBuilder builder, JcaX509ExtensionUtils extensions,
                                          X509Certificate issuer, boolean rsa, KeyPurposeId purpose)
            throws CertIOException {
        builder.addExtension(Extension.authorityKeyIdentifier, false, authorityKeyIdentifier(extensions, issuer));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        // keyEncipherment only matters for RSA key transport; EC keys never encipher.
        int usage = rsa ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature;
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
    }

    /**
     * The key identifier alone, taken from the issuer's SKI: issuer name and serial in the AKI
     * would tie leaves to one CA certificate and break chain building once a CA is re-issued
     * with the same key (CA rollover, DESIGN.md decision 7).
     */
    private static AuthorityKeyIdentifier authorityKeyIdentifier(JcaX509ExtensionUtils extensions, X509Certificate issuer) {
        byte[] ski = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
        if (ski != null) {
            return new AuthorityKeyIdentifier(
                    SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(ski).getOctets()).getKeyIdentifier());
        }
        return extensions.createAuthorityKeyIdentifier(issuer.getPublicKey());
    }

    static GeneralNames subjectAltNames(List<String> dnsNames, List<String> ipAddresses) {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }
}
