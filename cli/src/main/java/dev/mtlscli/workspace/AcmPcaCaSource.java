package dev.mtlscli.workspace;

import dev.mtlscli.pki.AcmPcaIssuer;
import dev.mtlscli.spec.ResolvedSpec;

import java.time.Instant;

/** One ACM Private CA issues the certificates of every service; its key never leaves AWS. */
public final class AcmPcaCaSource implements CaSource {
    private final AcmPcaIssuer issuer;

    public AcmPcaCaSource(AcmPcaIssuer issuer) {
        this.issuer = issuer;
    }

    @Override
    public ServiceCa forService(ResolvedSpec.Service service, Instant now) {
        return new ServiceCa(issuer, null);
    }

    @Override
    public boolean keepsCaKey() {
        return false;
    }
}
