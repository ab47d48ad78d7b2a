package dev.mtlscli.workspace;

import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.spec.ResolvedSpec;

import java.security.PrivateKey;
import java.time.Instant;

/**
 * Where the CA of each service comes from: a new local root per service, or one ACM Private CA
 * for all. Everything after issuance (stores, workspace, layers) is the same for both.
 */
public interface CaSource {

    /** The CA that issues a service's server and client certificates. */
    ServiceCa forService(ResolvedSpec.Service service, Instant now);

    /** True when the CA key is ours and the workspace must keep it (encrypted). */
    boolean keepsCaKey();

    /**
     * @param caKey the CA's private key, for a local CA only (null for ACM PCA, whose key never
     *              leaves AWS)
     * @param caArn the ARN of the ACM Private CA, recorded in the workspace; null for a local CA
     */
    record ServiceCa(CertificateIssuer issuer, PrivateKey caKey, String caArn) {
        public ServiceCa(CertificateIssuer issuer, PrivateKey caKey) {
            this(issuer, caKey, null);
        }
    }
}
