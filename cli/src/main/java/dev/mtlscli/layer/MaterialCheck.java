package dev.mtlscli.layer;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.ChainVerifier;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.pki.KeyPolicy;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.StoreType;
import dev.mtlscli.workspace.ExistingWorkspace;
import dev.mtlscli.workspace.WorkspaceLayout;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What must hold before a service's material is published, checked on the workspace files: a
 * layer that reaches Lambda with a keystore that does not open, a key that does not match, an
 * untrusted chain or a certificate about to expire becomes an outage in every consumer, and a
 * weak key or signature ({@link KeyPolicy}) an identity someone else can take.
 */
public final class MaterialCheck {
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final Instant now;
    private final Duration renewBefore;
    private final boolean force;

    /**
     * @param renewBefore a certificate with less validity left than this is refused
     * @param force       accept a certificate inside the renewal window (never an expired one)
     */
    public MaterialCheck(Instant now, Duration renewBefore, boolean force) {
        this.now = now;
        this.renewBefore = renewBefore;
        this.force = force;
    }

    public LayerMaterial check(ExistingWorkspace workspace, String service) {
        StoreType type = workspace.storeType();
        String keyStoreFile = WorkspaceLayout.clientKeyStore(service, type);
        String trustStoreFile = workspace.trustStore(service);
        char[] keyStorePassword = workspace.passwords().get(keyStoreFile);
        char[] trustStorePassword = workspace.passwords().get(trustStoreFile);
        byte[] keyStoreBytes = workspace.read(keyStoreFile);
        byte[] trustStoreBytes = workspace.read(trustStoreFile);
        String where = service + ": " + keyStoreFile;

        KeyStore keyStore = KeyStoreFiles.load(keyStoreBytes, type, keyStorePassword, workspace.path(keyStoreFile).toString());
        KeyEntry entry = onlyKeyEntry(keyStore, keyStorePassword, where);
        X509Certificate leaf = entry.chain().get(0);
        KeyPolicy.requireKey(where, leaf);
        if (leaf.getBasicConstraints() >= 0) {
            throw new MtlsException(where + " holds the key of a CA certificate (" + subject(leaf)
                    + "); a layer carries a client key only");
        }
        if (!KeyPairs.matches(entry.key(), leaf.getPublicKey())) {
            throw new MtlsException(where + ": the private key does not match the certificate " + subject(leaf));
        }
        if (!hasClientAuth(leaf)) {
            throw new MtlsException(where + ": the certificate " + subject(leaf) + " is not for client authentication (no clientAuth EKU)");
        }

        List<X509Certificate> caCertificates = workspace.certificates(WorkspaceLayout.caCertificate(service));
        X509Certificate caRoot = caCertificates.get(caCertificates.size() - 1);
        if (Arrays.equals(caRoot.getPublicKey().getEncoded(), leaf.getPublicKey().getEncoded())) {
            throw new MtlsException(where + " holds the CA's key pair");
        }
        if (!chainsTo(entry.chain(), caCertificates)) {
            throw new MtlsException(where + ": the certificate chain of " + subject(leaf) + " does not verify to the CA in "
                    + WorkspaceLayout.caCertificate(service));
        }
        KeyPolicy.require(where, entry.chain());
        KeyPolicy.require(service + ": " + WorkspaceLayout.caCertificate(service), caCertificates);
        checkValidity(leaf, where);

        KeyStore trustStore = KeyStoreFiles.load(trustStoreBytes, type, trustStorePassword, workspace.path(trustStoreFile).toString());
        List<X509Certificate> serverChain = workspace.certificates(WorkspaceLayout.serverChain(service));
        KeyPolicy.require(service + ": " + WorkspaceLayout.serverChain(service), serverChain);
        X509Certificate serverRoot = serverChain.get(serverChain.size() - 1);
        checkTrustStore(trustStore, serverRoot, service + ": " + trustStoreFile);

        return new LayerMaterial(service, workspace.host(service), type.jcaType(), type.extension(),
                keyStoreBytes, trustStoreBytes, keyStorePassword, trustStorePassword, leaf);
    }

    private record KeyEntry(PrivateKey key, List<X509Certificate> chain) {
    }

    private static KeyEntry onlyKeyEntry(KeyStore store, char[] password, String where) {
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    keyAliases.add(alias);
                }
            }
            if (keyAliases.size() != 1) {
                throw new MtlsException(where + " must hold exactly one private key entry, it holds " + keyAliases.size());
            }
            String alias = keyAliases.get(0);
            if (!(store.getKey(alias, password) instanceof PrivateKey key)) {
                throw new MtlsException(where + ": entry '" + alias + "' is not a private key");
            }
            Certificate[] chain = store.getCertificateChain(alias);
            if (chain == null || chain.length == 0) {
                throw new MtlsException(where + ": entry '" + alias + "' has no certificate");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            return new KeyEntry(key, certificates);
        } catch (GeneralSecurityException e) {
            throw new MtlsException(where + ": cannot read the private key entry: " + e.getMessage());
        }
    }

    private static boolean hasClientAuth(X509Certificate leaf) {
        try {
            List<String> usages = leaf.getExtendedKeyUsage();
            return usages == null || usages.contains(CLIENT_AUTH);
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    /** The keystore's chain, completed with the workspace's CA certificates, links up to the CA's root. */
    private static boolean chainsTo(List<X509Certificate> keyStoreChain, List<X509Certificate> caCertificates) {
        List<X509Certificate> chain = new ArrayList<>(keyStoreChain);
        for (X509Certificate ca : caCertificates) {
            if (!chain.contains(ca)) {
                chain.add(ca);
            }
        }
        X509Certificate root = caCertificates.get(caCertificates.size() - 1);
        return ChainVerifier.verifies(chain) && chain.get(chain.size() - 1).equals(root);
    }

    private void checkValidity(X509Certificate leaf, String where) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        if (!notAfter.isAfter(now)) {
            throw new MtlsException(where + ": the certificate " + subject(leaf) + " expired on " + notAfter
                    + "; create new material with 'mtls-cli certs create'");
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            throw new MtlsException(where + ": the certificate " + subject(leaf) + " is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        if (!force && notAfter.isBefore(now.plus(renewBefore))) {
            throw new MtlsException(where + ": the certificate " + subject(leaf) + " expires on " + notAfter + ", within "
                    + renewBefore.toDays() + " days; renew it, or publish anyway with --force");
        }
    }

    private static void checkTrustStore(KeyStore trustStore, X509Certificate serverRoot, String where) {
        try {
            boolean found = false;
            for (String alias : Collections.list(trustStore.aliases())) {
                if (trustStore.isKeyEntry(alias)) {
                    throw new MtlsException(where + " holds a private key (entry '" + alias + "'); a truststore holds certificates only");
                }
                found |= serverRoot.equals(trustStore.getCertificate(alias));
            }
            if (!found) {
                throw new MtlsException(where + " does not trust the server CA " + subject(serverRoot)
                        + ", so the client would refuse the backend");
            }
        } catch (GeneralSecurityException e) {
            throw new MtlsException(where + ": cannot read the truststore entries: " + e.getMessage());
        }
    }

    private static String subject(X509Certificate certificate) {
        return "'" + certificate.getSubjectX500Principal().getName() + "'";
    }
}
