package dev.mtlscli.pki;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Checks that a chain, leaf first, links up: each certificate names and is signed by the next,
 * and a last certificate that is self-issued is signed by itself. Trust is not decided here:
 * the chain is checked as it stands in the file.
 */
public final class ChainVerifier {
    private ChainVerifier() {
    }

    public static boolean verifies(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return false;
        }
        try {
            for (int i = 0; i + 1 < chain.size(); i++) {
                X509Certificate child = chain.get(i);
                X509Certificate parent = chain.get(i + 1);
                if (!child.getIssuerX500Principal().equals(parent.getSubjectX500Principal()) || parent.getBasicConstraints() < 0) {
                    return false;
                }
                child.verify(parent.getPublicKey());
            }
            X509Certificate last = chain.get(chain.size() - 1);
            if (last.getIssuerX500Principal().equals(last.getSubjectX500Principal())) {
                last.verify(last.getPublicKey());
            }
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Whether the chain ends at a self-issued certificate, i.e. nothing is missing above it. */
    public static boolean endsAtRoot(List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            return false;
        }
        X509Certificate last = chain.get(chain.size() - 1);
        return last.getIssuerX500Principal().equals(last.getSubjectX500Principal());
    }
}
