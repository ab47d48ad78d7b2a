package dev.mtlscli.workspace;

import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.spec.ResolvedSpec;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;

/**
 * Where the CA of each service comes from: a new local root per service, one ACM Private CA
 * for all, or a KMS key per service. Everything after issuance (stores, workspace, layers) is the same for both.
 */
public interface CaSource {

    /** The CA that issues a service's server and client certificates. */
    ServiceCa forService(ResolvedSpec.Service service, Instant now);

    /** True when the CA key is ours and the workspace must keep it (encrypted). */
    boolean keepsCaKey();

    /** Directories besides the workspace that the source staged (an offline root's), moved into place with it. */
    default List<StagedDirectory> stagedOutputs() {
        return List.of();
    }

    /**
     * @param caKey     the CA's private key, for a local CA only (null for ACM PCA and KMS, whose
     *                  keys never leave AWS)
     * @param caArn     the ARN of the ACM Private CA, recorded in the workspace; null otherwise
     * @param kmsKeyArn the ARN of the KMS key that is the CA's key, recorded in the workspace; null otherwise
     */
    record ServiceCa(CertificateIssuer issuer, PrivateKey caKey, String caArn, String kmsKeyArn) {
        public ServiceCa(CertificateIssuer issuer, PrivateKey caKey) {
            this(issuer, caKey, null, null);
        }

        public ServiceCa(CertificateIssuer issuer, PrivateKey caKey, String caArn) {
            this(issuer, caKey, caArn, null);
        }
    }
}
