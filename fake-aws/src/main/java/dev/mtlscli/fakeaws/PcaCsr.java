package dev.mtlscli.fakeaws;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The CSR of an IssueCertificate call: PEM bytes, parsed and with their signature checked (the
 * requester must hold the key) before anything is signed, as ACM PCA does. Anything wrong with it
 * is a MalformedCSRException.
 */
record PcaCsr(X500Name subject, SubjectPublicKeyInfo publicKey, Extension subjectAltName) {

    static PcaCsr parse(byte[] pem) throws AwsError {
        PKCS10CertificationRequest csr = read(pem);
        PublicKey publicKey = publicKey(csr.getSubjectPublicKeyInfo());
        try {
            if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(publicKey))) {
                throw malformed("its signature does not verify with its public key");
            }
        } catch (AwsError e) {
            throw e;
        } catch (Exception e) {
            throw malformed("its signature cannot be checked (" + e.getMessage() + ")");
        }
        Extension subjectAltName = subjectAltName(csr);
        if (csr.getSubject().getRDNs().length == 0 && subjectAltName == null) {
            throw malformed("it has neither a subject name nor a subject alternative name");
        }
        return new PcaCsr(csr.getSubject(), csr.getSubjectPublicKeyInfo(), subjectAltName);
    }

    private static PKCS10CertificationRequest read(byte[] pem) throws AwsError {
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            Object object = parser.readObject();
            if (object instanceof PKCS10CertificationRequest csr) {
                return csr;
            }
            throw malformed(object == null ? "it is not a PEM CERTIFICATE REQUEST"
                    : "it is a PEM " + object.getClass().getSimpleName() + ", not a CERTIFICATE REQUEST");
        } catch (IOException | RuntimeException e) {
            throw malformed("it cannot be parsed (" + e.getMessage() + ")");
        }
    }

    /** The CSR's key as a JDK key: the JDK providers know the key algorithms by name, not by OID. */
    private static PublicKey publicKey(SubjectPublicKeyInfo info) throws AwsError {
        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        String name = X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm) ? "EC"
                : PKCSObjectIdentifiers.rsaEncryption.equals(algorithm) ? "RSA" : null;
        if (name == null) {
            throw malformed("its key algorithm " + algorithm + " is neither RSA nor EC");
        }
        try {
            return KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(info.getEncoded()));
        } catch (IOException | GeneralSecurityException e) {
            throw malformed("its " + name + " public key cannot be read (" + e.getMessage() + ")");
        }
    }

    /** The subjectAltName of the CSR's extensionRequest attribute, or null. */
    private static Extension subjectAltName(PKCS10CertificationRequest csr) throws AwsError {
        try {
            for (Attribute attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
                Extension extension = Extensions.getInstance(attribute.getAttrValues().getObjectAt(0))
                        .getExtension(Extension.subjectAlternativeName);
                if (extension != null) {
                    return extension;
                }
            }
            return null;
        } catch (RuntimeException e) {
            throw malformed("its extension request cannot be parsed (" + e.getMessage() + ")");
        }
    }

    private static AwsError malformed(String why) {
        return AwsError.badRequest("MalformedCSRException", "The certificate signing request is invalid: " + why + ".");
    }
}
