package dev.mtlscli.inspect;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.ChainVerifier;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KeyPolicy;
import dev.mtlscli.store.Asn1Depth;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.StoreType;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** Reads a PEM, PKCS12 or JKS file (told apart by content, not name) and reports on it. */
public final class StoreInspector {

    private StoreInspector() {
    }

    /** @param password the store or key password; may be null for PEM files without encrypted keys */
    public static InspectionReport inspect(Path path, char[] password, Instant now) {
        byte[] bytes = readAll(path);
        String source = path.toString();
        if (bytes.length == 0) {
            throw new MtlsException(source + " is empty");
        }
        if (looksLikePem(bytes)) {
            return inspectPem(new String(bytes, StandardCharsets.US_ASCII), source, password, now);
        }
        StoreType type;
        try {
            type = StoreType.detect(bytes, source);
        } catch (MtlsException e) {
            throw new MtlsException(source + " is neither PEM, DER, PKCS12 nor JKS");
        }
        if (type == StoreType.PKCS12) {
            Asn1Depth.check(bytes, source);
        }
        List<X509Certificate> der = type == StoreType.PKCS12 ? derCertificates(bytes) : List.of();
        if (!der.isEmpty()) {
            return new InspectionReport(source, "der", List.of(new EntryReport(null, "certificates",
                    describe(der, now), ChainVerifier.verifies(der), ChainVerifier.endsAtRoot(der), null)));
        }
        if (password == null) {
            throw new MtlsException(source + " is a " + type + " store: give its password with --password-file, --password-env or --password-stdin");
        }
        return inspectStore(KeyStoreFiles.load(bytes, type, password, source), type, source, password, now);
    }

    /**
     * A PEM file that holds a private key and nothing else, whose certificate is kept in another
     * file (as a workspace keeps server.key beside server.crt), checked against that certificate.
     * A key that does not match is reported (keyMatches false), not refused as in a file that
     * holds both: the file itself is readable, and the rest of a workspace's report still matters.
     *
     * @param password the key's password; null for an unencrypted key
     */
    public static InspectionReport inspectKey(Path path, char[] password, X509Certificate certificate) {
        byte[] bytes = readAll(path);
        String source = path.toString();
        if (!looksLikePem(bytes)) {
            throw new MtlsException(source + " is not a PEM private key");
        }
        PemFiles.Contents contents = PemFiles.read(new String(bytes, StandardCharsets.US_ASCII), source, password);
        if (contents.encryptedKeys() > 0 && password == null) {
            throw new MtlsException(source + " holds an encrypted private key, and no password was given for it");
        }
        if (contents.privateKeys().size() != 1 || !contents.certificates().isEmpty()) {
            throw new MtlsException(source + " does not hold one private key and nothing else");
        }
        boolean matches = KeyPairs.matches(contents.privateKeys().get(0), certificate.getPublicKey());
        return new InspectionReport(source, "pem", List.of(new EntryReport(null, "private-key", List.of(), false, false, matches)));
    }

    /**
     * A PEM file of trust anchors, such as the CA bundle a backend checks clients against: during
     * a CA rollover it holds two roots, which are not a chain, so each certificate is an entry of
     * its own with its own verdict.
     */
    public static InspectionReport inspectBundle(Path path, Instant now) {
        byte[] bytes = readAll(path);
        String source = path.toString();
        if (!looksLikePem(bytes)) {
            throw new MtlsException(source + " is not a PEM bundle of certificates");
        }
        PemFiles.Contents contents = PemFiles.read(new String(bytes, StandardCharsets.US_ASCII), source, null);
        if (contents.certificates().isEmpty() || contents.encryptedKeys() > 0 || !contents.privateKeys().isEmpty()) {
            throw new MtlsException(source + " does not hold certificates and nothing else");
        }
        List<EntryReport> entries = contents.certificates().stream().map(certificate -> List.of(certificate))
                .map(single -> new EntryReport(null, "trusted-certificate", describe(single, now), ChainVerifier.verifies(single),
                        ChainVerifier.endsAtRoot(single), null))
                .toList();
        return new InspectionReport(source, "pem", entries);
    }

    private static InspectionReport inspectPem(String text, String source, char[] password, Instant now) {
        PemFiles.Contents contents = PemFiles.read(text, source, password);
        if (contents.encryptedKeys() > 0 && password == null) {
            throw new MtlsException(source + " holds an encrypted private key: give its password with --password-file, --password-env or --password-stdin");
        }
        if (contents.privateKeys().size() > 1) {
            throw new MtlsException(source + " holds more than one private key");
        }
        List<X509Certificate> certificates = contents.certificates();
        Boolean keyMatches = null;
        if (!contents.privateKeys().isEmpty() && !certificates.isEmpty() && matchable(certificates.get(0))) {
            keyMatches = KeyPairs.matches(contents.privateKeys().get(0), certificates.get(0).getPublicKey());
            if (!keyMatches) {
                throw new MtlsException("the private key in " + source + " does not match its certificate "
                        + certificates.get(0).getSubjectX500Principal().getName());
            }
        }
        List<EntryReport> entries = certificates.isEmpty()
                ? List.of(new EntryReport(null, "private-key", List.of(), false, false, null))
                : List.of(new EntryReport(null, "certificates", describe(certificates, now), ChainVerifier.verifies(certificates), ChainVerifier.endsAtRoot(certificates), keyMatches));
        return new InspectionReport(source, "pem", entries);
    }

    private static InspectionReport inspectStore(KeyStore store, StoreType type, String source, char[] password, Instant now) {
        List<EntryReport> entries = new ArrayList<>();
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    List<X509Certificate> certificates = chain == null ? List.of()
                            : Arrays.stream(chain).map(X509Certificate.class::cast).toList();
                    Key key = store.getKey(alias, password);
                    Boolean keyMatches = null;
                    if (key instanceof PrivateKey privateKey && !certificates.isEmpty() && matchable(certificates.get(0))) {
                        keyMatches = KeyPairs.matches(privateKey, certificates.get(0).getPublicKey());
                        if (!keyMatches) {
                            throw new MtlsException("the private key of entry '" + alias + "' in " + source
                                    + " does not match its certificate " + certificates.get(0).getSubjectX500Principal().getName());
                        }
                    }
                    entries.add(new EntryReport(alias, "key-entry", describe(certificates, now),
                            ChainVerifier.verifies(certificates), ChainVerifier.endsAtRoot(certificates), keyMatches));
                } else if (store.getCertificate(alias) instanceof X509Certificate certificate) {
                    List<X509Certificate> single = List.of(certificate);
                    entries.add(new EntryReport(alias, "trusted-certificate", describe(single, now),
                            ChainVerifier.verifies(single), ChainVerifier.endsAtRoot(single), null));
                }
            }
        } catch (UnrecoverableKeyException e) {
            throw new MtlsException("wrong key password for " + type + " store " + source);
        } catch (GeneralSecurityException e) {
            throw new MtlsException("cannot read the entries of " + source + ": " + e.getMessage());
        }
        entries.sort(Comparator.comparing(EntryReport::alias));
        return new InspectionReport(source, type.id(), entries);
    }

    /**
     * A key the policy refuses (DSA above all) cannot be matched and is reported as WEAK with its
     * rule instead; calling it a mismatch would send the reader after the wrong problem.
     */
    private static boolean matchable(X509Certificate leaf) {
        return KeyPolicy.keyViolation(leaf.getPublicKey()).isEmpty();
    }

    private static List<CertificateReport> describe(List<X509Certificate> certificates, Instant now) {
        return certificates.stream().map(c -> CertificateDescriber.describe(c, now)).toList();
    }

    /** A DER certificate (or PKCS#7 bundle); both start like PKCS12, so parsing tells them apart. */
    private static List<X509Certificate> derCertificates(byte[] bytes) {
        try {
            return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes)).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (CertificateException | RuntimeException e) {
            return List.of();
        }
    }

    private static byte[] readAll(Path path) {
        return BoundedReads.read(path, BoundedReads.MATERIAL, "file");
    }

    private static boolean looksLikePem(byte[] bytes) {
        String head = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.ISO_8859_1);
        return head.contains("-----BEGIN ");
    }
}
