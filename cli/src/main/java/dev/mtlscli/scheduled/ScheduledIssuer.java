package dev.mtlscli.scheduled;

import dev.mtlscli.MtlsException;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceIssuers;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The CA a rotator in AWS issues a service's certificates from: a KMS key it may sign with, or an
 * ACM Private CA. Never a local CA: its key is a file that never leaves the workspace, and a
 * rotator that could read it would be a second copy of the CA's key in AWS.
 */
public sealed interface ScheduledIssuer {

    /** The ARN of what signs: the KMS key, or the private CA. */
    String arn();

    /** A CA whose key is a KMS key; {@code chain} is the CA's certificate first, up to its root. */
    record Kms(String keyArn, List<X509Certificate> chain) implements ScheduledIssuer {
        public Kms {
            chain = List.copyOf(chain);
        }

        @Override
        public String arn() {
            return keyArn;
        }
    }

    record AcmPca(String caArn) implements ScheduledIssuer {
        @Override
        public String arn() {
            return caArn;
        }
    }

    /**
     * The issuer of {@code service} in the workspace, refused in one line when AWS cannot hold
     * it: a local CA, a workspace imported without its CA's key, or a CA rollover under way (its
     * next CA is in the workspace only until it completes).
     */
    static ScheduledIssuer of(ExistingWorkspace workspace, String service) {
        if (Files.exists(workspace.path(WorkspaceLayout.nextCaCertificate(service)))) {
            throw new MtlsException(service + ": a CA rollover is under way; finish it (mtls-cli rotate --service " + service
                    + " --complete-ca-rollover) before rotation is scheduled, since the rotator issues from one CA only");
        }
        Optional<String> kmsKey = workspace.caKmsKey(service);
        if (kmsKey.isPresent()) {
            return new Kms(kmsKey.get(), workspace.certificates(WorkspaceLayout.caCertificate(service)));
        }
        Optional<String> caArn = workspace.caArn(service);
        if (caArn.isPresent()) {
            return new AcmPca(caArn.get());
        }
        String why = WorkspaceIssuers.importedWithoutKey(workspace, service)
                ? "the workspace was imported without its CA's key, so nothing can issue its certificates"
                : "its CA key is the file " + WorkspaceLayout.caKey(service) + " in the workspace, which never leaves it, so a rotator "
                + "in AWS cannot sign with it";
        throw new MtlsException(service + ": " + why + "; give the service a CA that AWS holds (mtls-cli certs create --ca aws-kms, "
                + "or --ca acm-pca --ca-arn ARN), move its consumers to it, then schedule its rotation");
    }
}
