package dev.mtlscli.inspect;

import dev.mtlscli.pki.Fingerprints;
import dev.mtlscli.pki.KeyPolicy;

import java.net.InetAddress;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Turns a certificate into a {@link CertificateReport}, naming things the way openssl does. */
public final class CertificateDescriber {
    private static final String[] KEY_USAGE = {
            "digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment",
            "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"};
    private static final Map<String, String> EKU = Map.of(
            "1.3.6.1.5.5.7.3.1", "serverAuth",
            "1.3.6.1.5.5.7.3.2", "clientAuth",
            "1.3.6.1.5.5.7.3.3", "codeSigning",
            "1.3.6.1.5.5.7.3.4", "emailProtection",
            "1.3.6.1.5.5.7.3.8", "timeStamping",
            "1.3.6.1.5.5.7.3.9", "OCSPSigning");

    private CertificateDescriber() {
    }

    public static CertificateReport describe(X509Certificate certificate, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        return new CertificateReport(
                certificate.getSubjectX500Principal().getName(),
                certificate.getIssuerX500Principal().getName(),
                certificate.getSerialNumber().toString(16),
                subjectAltNames(certificate),
                keyUsage(certificate),
                extendedKeyUsage(certificate),
                certificate.getBasicConstraints() >= 0,
                keyType(certificate.getPublicKey()),
                keySize(certificate.getPublicKey()),
                certificate.getNotBefore().toInstant(),
                notAfter,
                Math.floorDiv(Duration.between(now, notAfter).getSeconds(), 86_400L),
                Fingerprints.sha256(certificate),
                KeyPolicy.violations(certificate));
    }

    private static List<String> subjectAltNames(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    Object value = san.get(1);
                    switch (type) {
                        case 2 -> names.add("DNS:" + value);
                        case 7 -> names.add("IP:" + (value instanceof byte[] raw ? ip(raw) : value));
                        case 6 -> names.add("URI:" + value);
                        case 1 -> names.add("email:" + value);
                        default -> names.add("other:" + type);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            names.add("unparseable");
        }
        return names;
    }

    private static String ip(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            return "invalid";
        }
    }

    private static List<String> keyUsage(X509Certificate certificate) {
        List<String> usages = new ArrayList<>();
        boolean[] bits = certificate.getKeyUsage();
        if (bits != null) {
            for (int i = 0; i < bits.length && i < KEY_USAGE.length; i++) {
                if (bits[i]) {
                    usages.add(KEY_USAGE[i]);
                }
            }
        }
        return usages;
    }

    private static List<String> extendedKeyUsage(X509Certificate certificate) {
        try {
            List<String> oids = certificate.getExtendedKeyUsage();
            return oids == null ? List.of() : oids.stream().map(oid -> EKU.getOrDefault(oid, oid)).toList();
        } catch (CertificateParsingException e) {
            return List.of("unparseable");
        }
    }

    private static String keyType(PublicKey key) {
        if (key instanceof ECPublicKey) {
            return "EC";
        }
        return key.getAlgorithm();
    }

    private static int keySize(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return rsa.getModulus().bitLength();
        }
        if (key instanceof ECPublicKey ec) {
            return ec.getParams().getCurve().getField().getFieldSize();
        }
        return 0;
    }
}
