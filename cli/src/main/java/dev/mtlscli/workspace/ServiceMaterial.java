package dev.mtlscli.workspace;

import dev.mtlscli.pki.LocalCertificateAuthority;
import dev.mtlscli.spec.ResolvedSpec;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** Everything issued for one service, in memory, before it is written. */
record ServiceMaterial(
        ResolvedSpec.Service service,
        LocalCertificateAuthority ca,
        PrivateKey serverKey,
        List<X509Certificate> serverChain,
        PrivateKey clientKey,
        List<X509Certificate> clientChain) {
}
