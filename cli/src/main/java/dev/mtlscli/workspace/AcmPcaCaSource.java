package dev.mtlscli.workspace;

import dev.mtlscli.aws.AwsNames;
import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.spec.ResolvedSpec;

import java.time.Instant;

/**
 * One ACM Private CA issues the certificates of every service; its key never leaves AWS. The
 * CA's ARN is recorded in the workspace ({@link WorkspaceLayout#caArn}) so that later commands
 * (rotate) can issue from it again.
 */
public final class AcmPcaCaSource implements CaSource {
    private final AcmPcaIssuer issuer;
    private final String caArn;

    /** @param caArn the ARN the issuer was connected to ({@link AcmPcaIssuer#connect}) */
    public AcmPcaCaSource(AcmPcaIssuer issuer, String caArn) {
        this.issuer = issuer;
        this.caArn = AwsNames.caArn(caArn).arn();
    }

    @Override
    public ServiceCa forService(ResolvedSpec.Service service, Instant now) {
        return new ServiceCa(issuer, null, caArn);
    }

    @Override
    public boolean keepsCaKey() {
        return false;
    }
}
