package dev.mtlscli.pki;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A source of leaf certificates. The local CA and ACM Private CA both implement it, so
 * everything downstream (stores, layers, rotation) does not know which one signed.
 */
public interface CertificateIssuer {

    /** Issues a certificate; the returned chain starts with the leaf and ends with the root. */
    List<X509Certificate> issue(LeafRequest request);

    /** The root the issued chains end at, for truststores and client-CA bundles. */
    X509Certificate rootCertificate();

    /** The certificate of the CA that signs the leaves, then its issuers up to the root. */
    default List<X509Certificate> caCertificates() {
        return List.of(rootCertificate());
    }
}
