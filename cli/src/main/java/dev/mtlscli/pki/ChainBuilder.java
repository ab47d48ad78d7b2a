package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Puts a chain together from a leaf and loose certificates (a keystore's chain, its trusted
 * entries, a truststore, a CA file), the way material made by hand arrives: each step takes a
 * CA certificate whose subject is the issuer's name and whose key verifies the signature.
 * Trust is not decided here.
 */
public final class ChainBuilder {
    /**
     * The longest chain accepted, leaf and root included. Real PKIs have three or four; the bound
     * keeps a crafted pile of CAs from costing a signature check per pair without end, and is
     * what JSSE takes from a peer by default (jdk.tls.maxCertificateChainLength, 10): a longer
     * chain imported here would fail only at the handshake, in Lambda.
     */
    public static final int MAX_LENGTH = 10;

    private ChainBuilder() {
    }

    /** The chain from the leaf up as far as the candidates reach; it ends at a root when {@link ChainVerifier#endsAtRoot} says so. */
    public static List<X509Certificate> build(X509Certificate leaf, Collection<X509Certificate> candidates) {
        List<X509Certificate> chain = new ArrayList<>(List.of(leaf));
        X509Certificate current = leaf;
        while (!isSelfSigned(current)) {
            X509Certificate issuer = issuerOf(current, candidates);
            if (issuer == null || chain.contains(issuer)) {
                break;
            }
            if (chain.size() == MAX_LENGTH) {
                throw new MtlsException("the chain of " + leaf.getSubjectX500Principal().getName()
                        + " is longer than " + MAX_LENGTH + " certificates, the most mtls-cli accepts (a JDK peer refuses longer chains at the handshake)");
            }
            chain.add(issuer);
            current = issuer;
        }
        return List.copyOf(chain);
    }

    /** A CA among the candidates that issued the certificate, or null. */
    public static X509Certificate issuerOf(X509Certificate certificate, Collection<X509Certificate> candidates) {
        for (X509Certificate candidate : candidates) {
            if (candidate.getBasicConstraints() >= 0 && signed(certificate, candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Whether the certificate names itself as issuer and its own key signed it. */
    public static boolean isSelfSigned(X509Certificate certificate) {
        return signed(certificate, certificate);
    }

    private static boolean signed(X509Certificate certificate, X509Certificate issuer) {
        if (!certificate.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
