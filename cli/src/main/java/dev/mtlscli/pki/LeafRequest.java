package dev.mtlscli.pki;

import java.security.KeyPair;
import java.util.List;

/**
 * What an issuer needs to issue a server or client certificate. The key pair is generated
 * locally and travels whole because a remote CA (ACM Private CA) needs a CSR signed by it.
 */
public record LeafRequest(
        String subject,
        CertificateProfile profile,
        KeyPair keyPair,
        int validityDays,
        List<String> dnsNames,
        List<String> ipAddresses) {

    public LeafRequest {
        if (profile == CertificateProfile.ROOT_CA) {
            throw new IllegalArgumentException("a leaf request cannot ask for a CA");
        }
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
    }
}
