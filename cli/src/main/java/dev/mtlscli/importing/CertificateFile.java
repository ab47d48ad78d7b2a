package dev.mtlscli.importing;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.Asn1Depth;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.PemFiles;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/** Certificates from a PEM or DER file (what openssl writes either way), in file order. */
final class CertificateFile {
    private CertificateFile() {
    }

    static List<X509Certificate> read(Path path, String what) {
        byte[] bytes = BoundedReads.read(path, BoundedReads.MATERIAL, what);
        if (bytes.length == 0) {
            throw new MtlsException(what + " " + path + " is empty");
        }
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        List<X509Certificate> certificates;
        if (head.contains("-----BEGIN ")) {
            certificates = PemFiles.read(new String(bytes, StandardCharsets.US_ASCII), path.toString(), null).certificates();
        } else {
            Asn1Depth.check(bytes, what + " " + path);
            try {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)).stream()
                        .map(X509Certificate.class::cast).toList();
            } catch (CertificateException | RuntimeException e) {
                throw new MtlsException(what + " " + path + " is neither a PEM nor a DER certificate");
            }
        }
        if (certificates.isEmpty()) {
            throw new MtlsException(what + " " + path + " holds no certificate");
        }
        return certificates;
    }
}
