package dev.mtlscli.workspace;

import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.spec.ResolvedSpec;

import java.security.SecureRandom;
import java.time.Instant;

/** A new self-signed root CA per service, as the spec describes it. */
public final class LocalCaSource implements CaSource {
    private final SecureRandom random;

    public LocalCaSource(SecureRandom random) {
        this.random = random;
    }

    @Override
    public ServiceCa forService(ResolvedSpec.Service service, Instant now) {
        LocalCertificateAuthority ca = LocalCertificateAuthority.createRoot(service.ca().subject(), service.keyAlgorithm(),
                service.ca().validityDays(), now, random);
        return new ServiceCa(ca, ca.keyPair().getPrivate());
    }

    @Override
    public boolean keepsCaKey() {
        return true;
    }
}
