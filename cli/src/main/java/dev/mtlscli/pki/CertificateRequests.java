package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * PKCS#10 certificate signing requests for a remote CA: the subject and the subjectAltNames
 * (as an extensionRequest attribute, which the ACM PCA end-entity templates pass through),
 * signed with the leaf's own key so the CA knows the requester holds it.
 */
public final class CertificateRequests {
    private CertificateRequests() {
    }

    public static PKCS10CertificationRequest create(LeafRequest request) {
        KeyAlgorithm algorithm = KeyAlgorithm.of(request.keyPair().getPublic());
        JcaPKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
                DistinguishedNames.parse(request.subject()), request.keyPair().getPublic());
        try {
            if (!request.dnsNames().isEmpty() || !request.ipAddresses().isEmpty()) {
                ExtensionsGenerator extensions = new ExtensionsGenerator();
                extensions.addExtension(Extension.subjectAlternativeName, false,
                        CertificateBuilder.subjectAltNames(request.dnsNames(), request.ipAddresses()));
                builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
            }
            return builder.build(new JcaContentSignerBuilder(algorithm.signatureAlgorithm()).build(request.keyPair().getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new MtlsException("cannot sign a certificate request with a " + algorithm.id() + " key: " + e.getMessage(), e);
        }
    }

    public static String pem(PKCS10CertificationRequest csr) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(csr);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
