package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What renewal reads off an existing certificate to ask for its successor: the subject as a
 * string {@link dev.mtlscli.pki.DistinguishedNames} turns back into the same name, the validity
 * length, the subjectAltNames; and whether a CA issued it.
 */
public final class CertificateFacts {
    /** RFC 5280's upper bound for a commonName. */
    private static final int MAX_COMMON_NAME = 64;
    private static final Pattern GENERATION = Pattern.compile("(.*) G(\\d{1,6})");

    private CertificateFacts() {
    }

    /** The subject as RFC 4514 text (most specific RDN first), as specs write it. */
    public static String subject(X509Certificate certificate) {
        return rfc4514(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
    }

    /**
     * The subject of a CA's successor: its commonName with a generation suffix, " G2" for the
     * first successor, then " G3" and on (as "DigiCert Global Root G2" does), shortened in
     * front of the suffix if the name would exceed 64 characters. Two CAs of the same name in one
     * truststore or client-CA bundle work (the key identifiers tell them apart) but make every
     * log line and `openssl x509 -issuer` ambiguous. A subject without a commonName is kept.
     */
    static String nextGeneration(X509Certificate ca) {
        X500Name name = X500Name.getInstance(ca.getSubjectX500Principal().getEncoded());
        RDN[] rdns = name.getRDNs();
        for (int i = rdns.length - 1; i >= 0; i--) {
            AttributeTypeAndValue first = rdns[i].getFirst();
            if (!rdns[i].isMultiValued() && BCStyle.CN.equals(first.getType()) && first.getValue() instanceof ASN1String text) {
                String commonName = text.getString();
                String base = commonName;
                int generation = 2;
                Matcher matcher = GENERATION.matcher(commonName);
                if (matcher.matches()) {
                    base = matcher.group(1);
                    generation = Integer.parseInt(matcher.group(2)) + 1;
                }
                String suffix = " G" + generation;
                if (base.length() + suffix.length() > MAX_COMMON_NAME) {
                    base = base.substring(0, MAX_COMMON_NAME - suffix.length()).stripTrailing();
                }
                RDN[] next = rdns.clone();
                next[i] = new RDN(BCStyle.CN, new DERUTF8String(base + suffix));
                return rfc4514(new X500Name(BCStyle.INSTANCE, next));
            }
        }
        // Without a commonName the successor would carry the very same subject as its predecessor:
        // while both are trusted, nginx's and JSSE's issuer lookups by name could pick either, and
        // nobody reading a chain could tell the generations apart. A commonName named after the
        // most specific attribute tells them apart.
        String base = rdns.length == 0 ? "CA" : rdns[rdns.length - 1].getFirst().getValue() instanceof ASN1String text
                ? text.getString() : "CA";
        String suffix = " G2";
        if (base.length() + suffix.length() > MAX_COMMON_NAME) {
            base = base.substring(0, MAX_COMMON_NAME - suffix.length()).stripTrailing();
        }
        RDN[] next = Arrays.copyOf(rdns, rdns.length + 1);
        next[rdns.length] = new RDN(BCStyle.CN, new DERUTF8String(base + suffix));
        return rfc4514(new X500Name(BCStyle.INSTANCE, next));
    }

    /** A name in DER order (least specific first) as RFC 4514 text, which lists the most specific first. */
    private static String rfc4514(X500Name derOrder) {
        List<RDN> rdns = new ArrayList<>(Arrays.asList(derOrder.getRDNs()));
        Collections.reverse(rdns);
        return BCStyle.INSTANCE.toString(new X500Name(BCStyle.INSTANCE, rdns.toArray(RDN[]::new)));
    }

    /** notBefore to notAfter, in whole days (rounded: a backdated start does not count). */
    public static int validityDays(X509Certificate certificate) {
        Duration validity = Duration.between(certificate.getNotBefore().toInstant(), certificate.getNotAfter().toInstant());
        return (int) Math.max(1, Math.round(validity.toSeconds() / 86_400.0));
    }

    static List<String> dnsNames(X509Certificate certificate) {
        return alternativeNames(certificate, 2);
    }

    static List<String> ipAddresses(X509Certificate certificate) {
        return alternativeNames(certificate, 7);
    }

    private static List<String> alternativeNames(X509Certificate certificate, int type) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            List<String> values = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (Integer.valueOf(type).equals(name.get(0))) {
                        values.add((String) name.get(1));
                    }
                }
            }
            return values;
        } catch (CertificateParsingException e) {
            throw new MtlsException("unreadable subjectAltName in '" + certificate.getSubjectX500Principal().getName() + "'");
        }
    }

    /** Whether the CA certificate's key signed this certificate (and the names link). */
    static boolean issuedBy(X509Certificate certificate, X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
