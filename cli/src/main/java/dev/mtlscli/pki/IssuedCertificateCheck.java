package dev.mtlscli.pki;

import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Compares a certificate a remote CA (ACM Private CA) issued with what was asked for. A CA that
 * is misconfigured (another template, a default validity), or an answer that is not what it
 * seems, must not become a keystore: a certificate valid for a year where 30 days were asked
 * defeats the rotation schedule, one without clientAuth fails every handshake in production,
 * one for another key is somebody else's identity.
 */
public final class IssuedCertificateCheck {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** ACM PCA counts validity in days from issuance, and backdates notBefore by up to an hour. */
    private static final Duration VALIDITY_TOLERANCE = Duration.ofDays(1);
    /** Clocks differ; a certificate that starts later than this is not usable now. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    private IssuedCertificateCheck() {
    }

    /**
     * Refuses, with one line naming the difference, a leaf that does not match the request.
     *
     * @param issuer the CA certificate that was to sign it
     * @param now    when it was asked for
     */
    public static void check(X509Certificate leaf, LeafRequest request, X509Certificate issuer, Instant now, String source) {
        String what = "ACM Private CA issued " + source + " for '" + request.subject() + "'";
        if (!Arrays.equals(leaf.getPublicKey().getEncoded(), request.keyPair().getPublic().getEncoded())) {
            throw new MtlsException(what + " for another public key than the one in the request");
        }
        X500Principal asked = new X500Principal(encoded(DistinguishedNames.parse(request.subject())));
        if (!leaf.getSubjectX500Principal().equals(asked)) {
            throw new MtlsException(what + " with the subject '" + leaf.getSubjectX500Principal().getName() + "'");
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new MtlsException(what + " as a CA certificate (basicConstraints CA:TRUE)");
        }
        String eku = request.profile() == CertificateProfile.CLIENT ? CLIENT_AUTH : SERVER_AUTH;
        if (!extendedKeyUsages(leaf).contains(eku)) {
            throw new MtlsException(what + " without the extended key usage "
                    + (request.profile() == CertificateProfile.CLIENT ? "clientAuth" : "serverAuth") + " (it has "
                    + extendedKeyUsages(leaf) + ")");
        }
        Set<String> missing = new HashSet<>(request.dnsNames());
        missing.addAll(request.ipAddresses());
        missing.removeAll(subjectAltNames(leaf));
        if (!missing.isEmpty()) {
            throw new MtlsException(what + " without the subject alternative names " + missing);
        }
        Instant notBefore = leaf.getNotBefore().toInstant();
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (notBefore.isAfter(now.plus(CLOCK_SKEW))) {
            throw new MtlsException(what + " valid only from " + notBefore);
        }
        if (notAfter.isAfter(issuer.getNotAfter().toInstant())) {
            throw new MtlsException(what + " valid until " + notAfter + ", beyond its CA's own certificate ("
                    + issuer.getNotAfter().toInstant() + ")");
        }
        long days = Duration.between(now, notAfter).toDays();
        if (notAfter.isAfter(now.plus(Duration.ofDays(request.validityDays())).plus(VALIDITY_TOLERANCE))) {
            throw new MtlsException(what + " valid for " + days + " days; " + request.validityDays() + " were asked");
        }
    }

    private static byte[] encoded(org.bouncycastle.asn1.x500.X500Name name) {
        try {
            return name.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> extendedKeyUsages(X509Certificate certificate) {
        try {
            List<String> usages = certificate.getExtendedKeyUsage();
            return usages == null ? List.of() : usages;
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    private static Set<String> subjectAltNames(X509Certificate certificate) {
        Set<String> names = new HashSet<>();
        try {
            Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
            if (entries != null) {
                for (List<?> entry : entries) {
                    names.add(String.valueOf(entry.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            // no readable SAN: every asked name is missing
        }
        return names;
    }
}
