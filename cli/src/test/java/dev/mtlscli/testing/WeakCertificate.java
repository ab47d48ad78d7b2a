package dev.mtlscli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A client certificate below the key and signature floor, made with openssl: an RSA-1024 key
 * signed with SHA-1 by an RSA-2048 root, as an older tool (or the AWS sample's scripts with other
 * options) makes it, for a layer that an earlier release or another tool could have published.
 */
public record WeakCertificate(Path pem) {
    public static final String KEY_RULE = "RSA key of 1024 bits; at least 2048 required";
    public static final String SIGNATURE_RULE = "signed with SHA1withRSA; MD5 and SHA-1 signatures are refused";

    public static WeakCertificate create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tool.openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir.resolve("root.key").toString(), "-sha256",
                "-subj", "/CN=weak-root", "-days", "365", "-out", dir.resolve("root.crt").toString()).runOk();
        Tool.openssl("req", "-newkey", "rsa:1024", "-nodes", "-keyout", dir.resolve("client.key").toString(),
                "-subj", "/CN=weak-client", "-out", dir.resolve("client.csr").toString()).runOk();
        Tool.openssl("x509", "-req", "-in", dir.resolve("client.csr").toString(), "-CA", dir.resolve("root.crt").toString(),
                "-CAkey", dir.resolve("root.key").toString(), "-CAcreateserial", "-sha1", "-days", "200",
                "-out", dir.resolve("client.crt").toString()).runOk();
        return new WeakCertificate(dir.resolve("client.crt"));
    }

    /** The certificate as a manifest records it: base64 DER. */
    public String der() {
        return derOf(pem);
    }

    public String sha256() {
        return Openssl.sha256Fingerprint(pem);
    }

    /** Base64 DER of any PEM certificate file. */
    public static String derOf(Path pem) {
        try {
            String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getEncoder().encodeToString(Base64.getDecoder().decode(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
