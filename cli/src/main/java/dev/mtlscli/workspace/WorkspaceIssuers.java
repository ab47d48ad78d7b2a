package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.aws.Arns;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.store.PemFiles;
import software.amazon.awssdk.services.acmpca.AcmPcaClient;
import software.amazon.awssdk.services.kms.KmsClient;

import java.nio.file.Files;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The CA that issues a service's certificates in an existing workspace: the local root kept in
 * ca/&lt;service&gt;/ (its key decrypted with its password from passwords.json), the ACM
 * Private CA whose ARN `certs create --ca acm-pca` recorded, or the root whose KMS key
 * `certs create --ca aws-kms` recorded.
 */
public final class WorkspaceIssuers {
    private WorkspaceIssuers() {
    }

    /**
     * The issuer of the service's current CA.
     *
     * @param acmPca gives the ACM PCA client, asked only for an ACM PCA workspace (so a local
     *               workspace needs no AWS settings); null when none is available
     */
    public static CertificateIssuer current(ExistingWorkspace workspace, String service, Supplier<AcmPcaClient> acmPca,
                                            SecureRandom random) {
        return current(workspace, service, acmPca, null, random);
    }

    /**
     * The same, with KMS for a workspace whose CA key is a KMS key.
     *
     * @param kms gives the KMS client of a region (the key's), asked only for a KMS workspace;
     *            null when none is available
     */
    public static CertificateIssuer current(ExistingWorkspace workspace, String service, Supplier<AcmPcaClient> acmPca,
                                            Function<String, KmsClient> kms, SecureRandom random) {
        if (workspace.caKmsKey(service).isPresent()) {
            return kms(workspace, service, kms, random);
        }
        Optional<String> caArn = workspace.caArn(service);
        if (caArn.isPresent()) {
            if (acmPca == null) {
                throw new MtlsException(service + ": the certificates come from ACM Private CA " + caArn.get()
                        + ", which needs AWS settings (--region, --profile) to issue new ones");
            }
            return AcmPcaIssuer.connect(acmPca.get(), caArn.get());
        }
        return local(workspace, service, random);
    }

    /**
     * The service's KMS CA: its root from ca/&lt;service&gt;/ca.crt, which must hold the public key
     * of the recorded KMS key, and the key checked as when it was adopted ({@link KmsKey#connect}).
     * Under an offline root ca.crt holds the KMS intermediate then the root, and the root's key is
     * not needed: renewing leaves signs with the KMS key alone.
     */
    public static KmsCertificateAuthority kms(ExistingWorkspace workspace, String service, Function<String, KmsClient> kms,
                                              SecureRandom random) {
        String arn = workspace.caKmsKey(service).orElseThrow(() -> new MtlsException(service + ": the CA is not a KMS CA (the workspace has no "
                + WorkspaceLayout.caKmsKey(service) + ")"));
        if (kms == null) {
            throw new MtlsException(service + ": the CA's key is KMS key " + arn
                    + ", which needs AWS settings (--region, --profile) to issue new certificates");
        }
        String region = Arns.region(arn);
        KmsKey key = KmsKey.connect(kms.apply(region), arn, region);
        List<X509Certificate> chain = workspace.certificates(WorkspaceLayout.caCertificate(service));
        if (chain.size() > 1) {
            // under an offline root: ca.crt is the KMS intermediate, then the root
            return KmsCertificateAuthority.intermediate(key, chain.get(0), chain.get(chain.size() - 1), random, Clock.systemUTC());
        }
        return KmsCertificateAuthority.connect(key, chain.get(0), random, Clock.systemUTC());
    }

    /** Whether the service's CA is a local one: its key is in the workspace. */
    public static boolean isLocal(ExistingWorkspace workspace, String service) {
        return workspace.caArn(service).isEmpty() && Files.isRegularFile(workspace.path(WorkspaceLayout.caKey(service)));
    }

    /** Whether `certs import` wrote the service without its CA's key (and no rollover has brought one since). */
    public static boolean importedWithoutKey(ExistingWorkspace workspace, String service) {
        return Files.isRegularFile(workspace.path(WorkspaceLayout.caImported(service)))
                && !Files.isRegularFile(workspace.path(WorkspaceLayout.caKey(service)));
    }

    /** The service's local CA; refused for a workspace of ACM Private CA. */
    public static LocalCertificateAuthority local(ExistingWorkspace workspace, String service, SecureRandom random) {
        Optional<String> kmsKey = workspace.caKmsKey(service);
        if (kmsKey.isPresent()) {
            throw new MtlsException(service + ": the CA's key is KMS key " + kmsKey.get() + ", not a local key; its certificates "
                    + "are renewed with mtls-cli rotate --service " + service);
        }
        Optional<String> caArn = workspace.caArn(service);
        if (caArn.isPresent()) {
            throw new MtlsException(service + ": the CA is ACM Private CA " + caArn.get() + ", not a local CA");
        }
        if (importedWithoutKey(workspace, service)) {
            throw new MtlsException(service + ": the workspace was imported without the key of its CA, so mtls-cli cannot renew "
                    + "its certificates locally; roll the service over to a new CA (mtls-cli rotate --service " + service
                    + " --new-ca), or issue from ACM Private CA (mtls-cli certs create --ca acm-pca --ca-arn ARN)");
        }
        if (!Files.isRegularFile(workspace.path(WorkspaceLayout.caKey(service)))) {
            throw new MtlsException(service + ": the workspace has no CA key " + WorkspaceLayout.caKey(service)
                    + " (its certificates come from ACM Private CA, and the CA's ARN is not recorded in "
                    + WorkspaceLayout.caArn(service) + ")");
        }
        return load(workspace, WorkspaceLayout.caCertificate(service), WorkspaceLayout.caKey(service), random);
    }

    /** A local CA from its certificate and encrypted key, checked to belong together. */
    static LocalCertificateAuthority load(ExistingWorkspace workspace, String certificateFile, String keyFile,
                                          SecureRandom random) {
        List<X509Certificate> certificates = workspace.certificates(certificateFile);
        X509Certificate certificate = certificates.get(0);
        if (certificate.getBasicConstraints() < 0) {
            throw new MtlsException(workspace.path(certificateFile) + " is not a CA certificate");
        }
        PrivateKey key = PemFiles.readEncryptedPrivateKey(workspace.path(keyFile), workspace.passwords().get(keyFile));
        if (!KeyPairs.matches(key, certificate.getPublicKey())) {
            throw new MtlsException("the CA key " + workspace.path(keyFile) + " does not match the certificate "
                    + workspace.path(certificateFile));
        }
        return new LocalCertificateAuthority(new KeyPair(certificate.getPublicKey(), key), certificate, random,
                Clock.systemUTC());
    }
}
