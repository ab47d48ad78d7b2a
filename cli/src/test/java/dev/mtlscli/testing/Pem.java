package dev.mtlscli.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** Reads certificates with the JDK alone, independently of the code under test. */
public final class Pem {
    private Pem() {
    }

    public static List<X509Certificate> certificates(String pem) {
        try {
            // keep only the BEGIN/END blocks, so text between them (openssl's "Bag Attributes") does no harm
            StringBuilder blocks = new StringBuilder();
            boolean inside = false;
            for (String line : pem.lines().toList()) {
                if (line.startsWith("-----BEGIN CERTIFICATE-----")) {
                    inside = true;
                }
                if (inside) {
                    blocks.append(line).append('\n');
                }
                if (line.startsWith("-----END CERTIFICATE-----")) {
                    inside = false;
                }
            }
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            InputStream in = new ByteArrayInputStream(blocks.toString().getBytes(StandardCharsets.US_ASCII));
            return factory.generateCertificates(in).stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new AssertionError("not PEM certificates: " + e, e);
        }
    }

    public static List<X509Certificate> certificates(Path file) {
        try {
            return certificates(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PEM text of a certificate, to hand to openssl. */
    public static String encode(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new AssertionError(e);
        }
    }

    public static X509Certificate certificate(Path file) {
        List<X509Certificate> certificates = certificates(file);
        if (certificates.size() != 1) {
            throw new AssertionError(file + " holds " + certificates.size() + " certificates, expected 1");
        }
        return certificates.get(0);
    }
}
