package dev.mtlscli.store;

import dev.mtlscli.MtlsException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM certificates and PKCS#8 keys, read and written the way openssl and nginx expect them. */
public final class PemFiles {
    /**
     * PBKDF2 rounds for encrypted keys: the JDK's PKCS12 default, five times openssl's 2048.
     * Rounds slow down guessing a weak password; ours are generated with ~190 bits of entropy
     * (and supplied ones must have 16+ characters), where guessing is hopeless at any count,
     * so more rounds would only slow every run (100 000 rounds cost ~0.3 s in a cold JVM).
     */
    static final int PBKDF2_ITERATIONS = 10_000;

    private PemFiles() {
    }

    public static void writeCertificates(Path target, List<X509Certificate> certificates) {
        SecureFiles.writePublic(target, out -> {
            Writer writer = new OutputStreamWriter(out, StandardCharsets.US_ASCII);
            try (JcaPEMWriter pem = new JcaPEMWriter(writer)) {
                for (X509Certificate certificate : certificates) {
                    pem.writeObject(certificate);
                }
            }
        });
    }

    /** An unencrypted PKCS#8 key, for servers such as nginx that read their key at start. */
    public static void writePrivateKey(Path target, PrivateKey key) {
        SecureFiles.writePrivate(target, out -> {
            try (JcaPEMWriter pem = new JcaPEMWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII))) {
                pem.writeObject(new JcaPKCS8Generator(key, null));
            }
        });
    }

    /** A PKCS#8 key encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC); openssl reads it. */
    public static void writeEncryptedPrivateKey(Path target, PrivateKey key, char[] password, SecureRandom random) {
        byte[] der = EncryptedKeys.encrypt(key, password, PBKDF2_ITERATIONS, random);
        SecureFiles.writePrivate(target, out -> {
            try (JcaPEMWriter pem = new JcaPEMWriter(new OutputStreamWriter(out, StandardCharsets.US_ASCII))) {
                pem.writeObject(new PemObject("ENCRYPTED PRIVATE KEY", der));
            }
        });
    }

    /** What a PEM file holds: certificates in file order, and private keys (null password for clear ones). */
    public record Contents(List<X509Certificate> certificates, List<PrivateKey> privateKeys, int encryptedKeys) {
    }

    public static Contents read(String text, String source, char[] password) {
        List<X509Certificate> certificates = new ArrayList<>();
        List<PrivateKey> keys = new ArrayList<>();
        int encrypted = 0;
        JcaPEMKeyConverter keyConverter = new JcaPEMKeyConverter();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        checkDepth(text, source);
        try (Reader reader = new StringReader(text); PEMParser parser = new PEMParser(reader)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(certs.getCertificate(holder));
                } else if (object instanceof PrivateKeyInfo info) {
                    keys.add(keyConverter.getPrivateKey(info));
                } else if (object instanceof PEMKeyPair pair) {
                    keys.add(keyConverter.getKeyPair(pair).getPrivate());
                } else if (object instanceof PKCS8EncryptedPrivateKeyInfo encryptedInfo) {
                    encrypted++;
                    if (password != null) {
                        keys.add(EncryptedKeys.decrypt(encryptedInfo.getEncoded(), password, source));
                    }
                }
            }
        } catch (PEMException | CertificateException e) {
            throw new MtlsException(source + " is not valid PEM: " + e.getMessage());
        } catch (IOException e) {
            throw new MtlsException(source + " is not valid PEM (truncated or corrupted): " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof MtlsException) {
                throw e;
            }
            throw new MtlsException(source + " is not valid PEM (truncated or corrupted)");
        }
        if (certificates.isEmpty() && keys.isEmpty() && encrypted == 0) {
            throw new MtlsException(source + " holds no PEM certificate or key");
        }
        return new Contents(certificates, keys, encrypted);
    }

    /** Every PEM payload goes through the nesting check before PEMParser decodes it. */
    private static void checkDepth(String text, String source) {
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject object;
            while ((object = reader.readPemObject()) != null) {
                Asn1Depth.check(object.getContent(), source);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof MtlsException) {
                throw (MtlsException) e;
            }
            // not decodable as PEM at all: PEMParser below says so in its own words
        }
    }

    public static PrivateKey readEncryptedPrivateKey(Path path, char[] password) {
        Contents contents;
        contents = read(new String(BoundedReads.read(path, BoundedReads.MATERIAL, "key file"), StandardCharsets.US_ASCII),
                path.toString(), password);
        if (contents.privateKeys().size() != 1) {
            throw new MtlsException(path + " does not hold exactly one private key");
        }
        return contents.privateKeys().get(0);
    }
}
