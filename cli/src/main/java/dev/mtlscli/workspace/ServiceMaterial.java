package dev.mtlscli.workspace;

import dev.mtlscli.spec.ResolvedSpec;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Everything issued for one service, in memory, before it is written.
 *
 * @param caCertificates the issuing CA's certificate first, up to the root
 * @param caKey          the CA's private key when it is ours to keep, else null
 * @param caArn          the ARN of the ACM Private CA that issued, else null
 * @param kmsKeyArn      the ARN of the KMS key of the CA that issued, else null
 */
record ServiceMaterial(
        ResolvedSpec.Service service,
        List<X509Certificate> caCertificates,
        PrivateKey caKey,
        String caArn,
        String kmsKeyArn,
        PrivateKey serverKey,
        List<X509Certificate> serverChain,
        PrivateKey clientKey,
        List<X509Certificate> clientChain) {

    X509Certificate caRoot() {
        return caCertificates.get(caCertificates.size() - 1);
    }

    /**
     * What the backend trusts for the service's clients (client-ca.crt): the CA chain, except
     * under an offline root, which alone is trusted: the clients send the KMS intermediate in
     * their chain, and a new intermediate under the same root changes nothing on the backend.
     */
    List<X509Certificate> clientCaBundle() {
        return kmsKeyArn != null && caCertificates.size() > 1 ? List.of(caRoot()) : caCertificates;
    }
}
