package dev.mtlscli.importing;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.KmsCertificateAuthority;
import dev.mtlscli.pki.KmsKey;
import dev.mtlscli.pki.CertificateHost;
import dev.mtlscli.pki.ChainBuilder;
import dev.mtlscli.pki.ChainVerifier;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KeyPolicy;
import dev.mtlscli.spec.ServiceNames;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.PemFiles;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and checks what `certs import` is given, before anything is written: every refusal
 * happens here, so a bad input leaves nothing behind. The checks are those `certs inspect`
 * and `layer publish` make, applied to material made by hand: one private key per keystore
 * (or the one --alias names), a key that matches its certificate and is not a CA's, a chain
 * that reaches a root, a truststore without keys, a CA key that belongs to its CA, and keys
 * and signatures that meet {@link KeyPolicy}.
 */
public final class ImportAnalyzer {
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final Duration SOON = Duration.ofDays(30);

    private final Instant now;
    private final Function<String, KmsKey> kmsKeys;

    public ImportAnalyzer(Instant now) {
        this(now, null);
    }

    /**
     * @param kmsKeys connects to a KMS key by the id --ca-kms-key-id gives (checked as
     *                {@link KmsKey#connect} checks it); null when no AWS settings are at hand
     */
    public ImportAnalyzer(Instant now, Function<String, KmsKey> kmsKeys) {
        this.now = now;
        this.kmsKeys = kmsKeys;
    }

    public ImportPlan analyze(ImportRequest request) {
        if (request.services().isEmpty()) {
            throw new MtlsException("name at least one service to import (--service NAME --keystore FILE)");
        }
        List<String> warnings = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, X509Certificate> trusted = Map.of();
        if (request.trustStore() != null) {
            InputStore trustStore = InputStore.open(request.trustStore(), request.trustStorePassword());
            List<String> keys = trustStore.keyAliases();
            if (!keys.isEmpty()) {
                throw new MtlsException(request.trustStore() + " holds a private key (entry '" + keys.get(0)
                        + "'); a truststore holds certificates only");
            }
            trusted = trustStore.trustedCertificates();
            if (trusted.isEmpty()) {
                throw new MtlsException(request.trustStore() + " holds no trusted certificate");
            }
            List<String> leaves = new ArrayList<>();
            trusted.forEach((alias, certificate) -> {
                if (certificate.getBasicConstraints() < 0) {
                    leaves.add(alias + " (" + subject(certificate) + ")");
                }
            });
            if (!leaves.isEmpty()) {
                warnings.add(request.trustStore() + " trusts leaf certificates directly: " + String.join(", ", leaves)
                        + "; the imported truststores trust each backend's CA instead");
            }
        }

        Set<String> names = new HashSet<>();
        List<ImportedService> services = new ArrayList<>();
        for (ImportRequest.ServiceSource source : request.services()) {
            if (!ServiceNames.isValid(source.name())) {
                throw new MtlsException("invalid service name '" + source.name()
                        + "' (lower-case letters, digits and '-', at most 64 characters)");
            }
            if (!names.add(source.name())) {
                throw new MtlsException("service '" + source.name() + "' is named twice");
            }
            services.add(service(source, trusted, request.trustStore() != null, warnings));
        }

        Set<X509Certificate> used = new HashSet<>();
        for (ImportedService service : services) {
            used.addAll(service.serverChain());
            used.addAll(service.clientChain());
        }
        trusted.forEach((alias, certificate) -> {
            if (!used.contains(certificate)) {
                notes.add("not carried over from " + request.trustStore() + ": " + alias + " (" + subject(certificate)
                        + "), which no imported service's backend needs");
            }
        });
        return new ImportPlan(services, warnings, notes);
    }

    private ImportedService service(ImportRequest.ServiceSource source, Map<String, X509Certificate> trusted,
                                    boolean haveTrustStore, List<String> warnings) {
        String name = source.name();
        InputStore keyStore = InputStore.open(source.keyStore(), source.keyStorePassword());
        String where = name + ": " + source.keyStore();
        String alias = alias(keyStore, source.alias(), where);
        PrivateKey key = keyStore.key(alias);
        List<X509Certificate> storedChain = keyStore.chain(alias);
        if (storedChain.isEmpty()) {
            throw new MtlsException(where + ": entry '" + alias + "' has a key but no certificate");
        }
        X509Certificate leaf = storedChain.get(0);
        KeyPolicy.requireKey(where + ", entry '" + alias + "'", leaf);
        if (!KeyPairs.matches(key, leaf.getPublicKey())) {
            throw new MtlsException(where + ": the key of entry '" + alias + "' does not match its certificate " + subject(leaf));
        }
        if (leaf.getBasicConstraints() >= 0) {
            throw new MtlsException(where + ": entry '" + alias + "' holds a CA's key (" + subject(leaf)
                    + "); a Lambda gets a client key only");
        }
        if (ChainBuilder.isSelfSigned(leaf)) {
            throw new MtlsException(where + ": entry '" + alias + "' holds a key without a chain (its certificate "
                    + subject(leaf) + " is self-signed; import the CA-signed certificate into it first, keytool -importcert -alias "
                    + alias + ")");
        }

        List<X509Certificate> caFile = source.caCertificate() == null ? List.of()
                : CertificateFile.read(source.caCertificate(), "CA certificate");
        Set<X509Certificate> candidates = new LinkedHashSet<>(storedChain.subList(1, storedChain.size()));
        candidates.addAll(keyStore.trustedCertificates().values());
        candidates.addAll(caFile);
        candidates.addAll(trusted.values());

        List<X509Certificate> clientChain = ChainBuilder.build(leaf, candidates);
        if (clientChain.size() == 1) {
            throw new MtlsException(where + ": cannot find the CA that issued " + subject(leaf) + " (issuer '"
                    + leaf.getIssuerX500Principal().getName() + "') in the keystore, the truststore or --ca-cert; give it with --ca-cert");
        }
        if (!ChainVerifier.endsAtRoot(clientChain)) {
            X509Certificate top = clientChain.get(clientChain.size() - 1);
            throw new MtlsException(where + ": the chain of " + subject(leaf) + " stops at " + subject(top)
                    + ", whose issuer is missing; give the root with --ca-cert");
        }
        KeyPolicy.require(where + ", entry '" + alias + "'", clientChain);
        List<X509Certificate> caChain = clientChain.subList(1, clientChain.size());
        X509Certificate issuingCa = caChain.get(0);
        if (!caFile.isEmpty() && !caChain.contains(caFile.get(0))) {
            throw new MtlsException(name + ": --ca-cert " + source.caCertificate() + " (" + subject(caFile.get(0))
                    + ") did not issue the client certificate " + subject(leaf) + " (issued by " + subject(issuingCa) + ")");
        }
        PrivateKey caKey = source.caKey() == null ? null : caKey(source, issuingCa, caChain);
        String caKmsKeyArn = source.caKmsKeyId() == null ? null : caKmsKey(source, issuingCa, caChain);
        checkClientCertificate(name, leaf, warnings);

        Server server = server(source, trusted, caChain, candidates);
        List<X509Certificate> serverChain = ChainBuilder.build(server.certificate(), server.candidates());
        if (!ChainVerifier.endsAtRoot(serverChain)) {
            X509Certificate top = serverChain.get(serverChain.size() - 1);
            throw new MtlsException(name + ": the chain of the backend's certificate " + subject(server.certificate())
                    + " stops at " + subject(top) + "; give its CA with --ca-cert or in the truststore");
        }
        KeyPolicy.require(name + ": the backend's chain from " + server.source(), serverChain);
        if (haveTrustStore && serverChain.stream().noneMatch(trusted::containsValue)) {
            throw new MtlsException(name + ": the truststore does not trust the backend's certificate " + subject(server.certificate())
                    + " nor any CA of its chain, so the clients could not have called it");
        }
        checkServerCertificate(name, server.certificate(), warnings);
        return new ImportedService(name, alias, key, clientChain, caChain, caKey, serverChain, server.source(),
                CertificateHost.of(server.certificate(), name + ": the backend's certificate " + subject(server.certificate())),
                caKmsKeyArn);
    }

    private static String alias(InputStore keyStore, String wanted, String where) {
        List<String> keys = keyStore.keyAliases();
        if (wanted != null) {
            if (!keys.contains(wanted)) {
                throw new MtlsException(where + " has no private key entry '" + wanted + "'"
                        + (keys.isEmpty() ? "" : " (it has " + String.join(", ", keys) + ")"));
            }
            return wanted;
        }
        if (keys.isEmpty()) {
            throw new MtlsException(where + " holds no private key entry");
        }
        if (keys.size() > 1) {
            throw new MtlsException(where + " holds " + keys.size() + " private keys (" + String.join(", ", keys)
                    + "); choose one with --alias");
        }
        return keys.get(0);
    }

    private static PrivateKey caKey(ImportRequest.ServiceSource source, X509Certificate issuingCa, List<X509Certificate> caChain) {
        String text = new String(BoundedReads.read(source.caKey(), BoundedReads.MATERIAL, "CA key"), StandardCharsets.US_ASCII);
        PemFiles.Contents contents = PemFiles.read(text, source.caKey().toString(), source.caKeyPassword());
        if (contents.encryptedKeys() > 0 && source.caKeyPassword() == null) {
            throw new MtlsException(source.name() + ": the CA key " + source.caKey()
                    + " is encrypted; give its password with --ca-key-password-file, --ca-key-password-env or a --password-* option");
        }
        if (contents.privateKeys().size() != 1) {
            throw new MtlsException(source.name() + ": " + source.caKey() + " does not hold exactly one private key");
        }
        PrivateKey key = contents.privateKeys().get(0);
        if (!KeyPairs.matches(key, issuingCa.getPublicKey())) {
            throw new MtlsException(source.name() + ": the CA key " + source.caKey() + " does not match the CA certificate "
                    + subject(issuingCa) + " that issued the client certificate");
        }
        if (caChain.size() > 1) {
            throw new MtlsException(source.name() + ": the CA key " + source.caKey() + " belongs to an intermediate CA ("
                    + subject(issuingCa) + "); mtls-cli issues from root CAs only, import without --ca-key");
        }
        return key;
    }

    /**
     * The KMS key that is the issuing CA's key, checked as rotate will use it
     * ({@link KmsCertificateAuthority#connect}): the CA certificate holds the key's public key and
     * the key signs with the algorithm the CA certificate is signed with.
     */
    private String caKmsKey(ImportRequest.ServiceSource source, X509Certificate issuingCa, List<X509Certificate> caChain) {
        String name = source.name();
        if (source.caKey() != null) {
            throw new MtlsException(name + ": give the CA's key once, --ca-key (a local key) or --ca-kms-key-id (a KMS key)");
        }
        if (kmsKeys == null) {
            throw new MtlsException(name + ": --ca-kms-key-id needs AWS settings (--region, --profile) to read the KMS key");
        }
        if (caChain.size() > 1) {
            throw new MtlsException(name + ": the CA that issued the client certificate, " + subject(issuingCa)
                    + ", is an intermediate CA; --ca-kms-key-id adopts the KMS key of a root CA");
        }
        try {
            KmsKey key = kmsKeys.apply(source.caKmsKeyId());
            return KmsCertificateAuthority.connect(key, issuingCa, new SecureRandom(), Clock.fixed(now, ZoneOffset.UTC)).keyArn();
        } catch (MtlsException e) {
            throw new MtlsException(name + ": " + e.getMessage(), e);
        }
    }

    private record Server(X509Certificate certificate, Collection<X509Certificate> candidates, String source) {
    }

    /** The backend's certificate: the file given, else the one leaf in the truststore that the service's CA issued. */
    private static Server server(ImportRequest.ServiceSource source, Map<String, X509Certificate> trusted,
                                 List<X509Certificate> caChain, Set<X509Certificate> candidates) {
        if (source.serverCertificate() != null) {
            List<X509Certificate> file = CertificateFile.read(source.serverCertificate(), "server certificate");
            X509Certificate leaf = file.get(0);
            if (leaf.getBasicConstraints() >= 0) {
                throw new MtlsException(source.name() + ": " + source.serverCertificate() + " starts with a CA certificate ("
                        + subject(leaf) + "), not the backend's");
            }
            Set<X509Certificate> all = new LinkedHashSet<>(file.subList(1, file.size()));
            all.addAll(candidates);
            return new Server(leaf, all, source.serverCertificate().toString());
        }
        List<String> found = new ArrayList<>();
        X509Certificate match = null;
        for (Map.Entry<String, X509Certificate> entry : trusted.entrySet()) {
            X509Certificate certificate = entry.getValue();
            if (certificate.getBasicConstraints() < 0 && ChainBuilder.issuerOf(certificate, caChain) != null) {
                found.add(entry.getKey());
                match = certificate;
            }
        }
        if (found.size() == 1) {
            return new Server(match, candidates, "the truststore, entry '" + found.get(0) + "'");
        }
        if (found.isEmpty()) {
            throw new MtlsException(source.name() + ": no certificate of the backend issued by " + subject(caChain.get(0))
                    + " is in the truststore; give the backend's certificate (nginx's ssl_certificate) with --server-cert");
        }
        throw new MtlsException(source.name() + ": the truststore holds " + found.size() + " backend certificates of "
                + subject(caChain.get(0)) + " (" + String.join(", ", found) + "); choose one with --server-cert");
    }

    private void checkClientCertificate(String name, X509Certificate leaf, List<String> warnings) {
        List<String> usages = extendedKeyUsage(leaf);
        if (usages != null && !usages.contains(CLIENT_AUTH)) {
            warnings.add(name + ": the client certificate " + subject(leaf) + " is not for client authentication (its EKU "
                    + "lacks clientAuth); layer publish will refuse it until it is renewed");
        }
        checkValidity(name + ": the client certificate", leaf, warnings);
    }

    private void checkServerCertificate(String name, X509Certificate server, List<String> warnings) {
        List<String> usages = extendedKeyUsage(server);
        if (usages != null && !usages.contains(SERVER_AUTH)) {
            warnings.add(name + ": the backend's certificate " + subject(server) + " is not for server authentication (no serverAuth EKU)");
        }
        checkValidity(name + ": the backend's certificate", server, warnings);
    }

    private void checkValidity(String what, X509Certificate certificate, List<String> warnings) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        if (!notAfter.isAfter(now)) {
            warnings.add(what + " " + subject(certificate) + " expired on " + notAfter);
        } else if (notAfter.isBefore(now.plus(SOON))) {
            warnings.add(what + " " + subject(certificate) + " expires on " + notAfter + ", within " + SOON.toDays() + " days");
        }
    }

    private static List<String> extendedKeyUsage(X509Certificate certificate) {
        try {
            return certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }

    static String subject(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "'";
    }
}
