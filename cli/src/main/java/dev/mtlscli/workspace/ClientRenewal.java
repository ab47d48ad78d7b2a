package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.pki.CertificateIssuer;
import dev.mtlscli.pki.CertificateProfile;
import dev.mtlscli.pki.KeyAlgorithm;
import dev.mtlscli.pki.LeafRequest;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.PasswordFile;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.store.StoreType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Renews one service's client identity in an existing workspace: a new key pair of the same
 * algorithm, a new certificate with the same subject and validity length from the given issuer,
 * and a new keystore password. The keystore (same type, same alias) and passwords.json are each
 * replaced atomically, keystore first.
 *
 * <p>A renewal cut off between the two writes leaves a keystore whose password was never
 * saved. So the certificate being replaced is first written beside the keystore
 * ({@link WorkspaceLayout#clientRenewalPrevious}, public) and removed at the end: a re-run that
 * cannot open the keystore renews from it, and simply renews again.
 */
public final class ClientRenewal {
    private final SecureRandom random;
    private final Runnable betweenWrites;

    public ClientRenewal(SecureRandom random) {
        this(random, () -> {
        });
    }

    /** @param betweenWrites run after the keystore is written, before passwords.json: tests cut a renewal off there */
    ClientRenewal(SecureRandom random, Runnable betweenWrites) {
        this.random = random;
        this.betweenWrites = betweenWrites;
    }

    /** What a renewal replaced: the old and the new client certificate (never the password). */
    public record RenewedClient(String service, X509Certificate previous, X509Certificate current) {
    }

    /** The key entry of a service's client keystore, opened with its password from passwords.json. */
    record ClientEntry(String alias, List<X509Certificate> chain) {
        X509Certificate leaf() {
            return chain.get(0);
        }
    }

    public RenewedClient renew(ExistingWorkspace workspace, String service, CertificateIssuer issuer) {
        workspace.select(List.of(service));
        StoreType type = workspace.storeType();
        String keyStore = WorkspaceLayout.clientKeyStore(service, type);
        Path marker = workspace.path(WorkspaceLayout.clientRenewalPrevious(service));

        X509Certificate previous;
        String alias;
        try {
            ClientEntry entry = current(workspace, service);
            previous = entry.leaf();
            alias = entry.alias();
            PemFiles.writeCertificates(marker, List.of(previous));
        } catch (MtlsException e) {
            if (!Files.isRegularFile(marker)) {
                throw e;
            }
            // cut off after the keystore was written: its password was lost, renew from the old certificate
            previous = workspace.certificates(WorkspaceLayout.clientRenewalPrevious(service)).get(0);
            alias = service;
        }

        KeyPair keys = KeyAlgorithm.of(previous.getPublicKey()).generate(random);
        List<X509Certificate> chain = issuer.issue(new LeafRequest(CertificateFacts.subject(previous), CertificateProfile.CLIENT,
                keys, CertificateFacts.validityDays(previous), List.of(), List.of()));
        X509Certificate issued = chain.get(0);
        if (!Arrays.equals(issued.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new MtlsException(service + ": the issuer returned a certificate for another key than the one requested");
        }

        synchronized (workspace) {
            PasswordFile passwords = WorkspacePasswords.withNewPassword(workspace, keyStore, random);
            KeyStoreFiles.writeKeyStore(workspace.path(keyStore), type, alias, keys.getPrivate(), chain, passwords.get(keyStore));
            betweenWrites.run();
            workspace.writePasswords(passwords);
        }
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + marker + ": " + e.getMessage(), e);
        }
        OwnedFiles.wrote(workspace.directory(), List.of(keyStore, WorkspaceLayout.passwords(),
                WorkspaceLayout.clientRenewalPrevious(service)));
        return new RenewedClient(service, previous, issued);
    }

    /** The service's client key entry; fails if the keystore does not open with its password or holds no single key. */
    static ClientEntry current(ExistingWorkspace workspace, String service) {
        StoreType type = workspace.storeType();
        String keyStore = WorkspaceLayout.clientKeyStore(service, type);
        char[] password = workspace.passwords().get(keyStore);
        KeyStore store = KeyStoreFiles.load(workspace.read(keyStore), type, password, workspace.path(keyStore).toString());
        try {
            List<String> aliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    aliases.add(alias);
                }
            }
            if (aliases.size() != 1) {
                throw new MtlsException(workspace.path(keyStore) + " must hold exactly one private key entry, it holds " + aliases.size());
            }
            Certificate[] chain = store.getCertificateChain(aliases.get(0));
            if (chain == null || chain.length == 0) {
                throw new MtlsException(workspace.path(keyStore) + ": entry '" + aliases.get(0) + "' has no certificate");
            }
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : chain) {
                certificates.add((X509Certificate) certificate);
            }
            return new ClientEntry(aliases.get(0), certificates);
        } catch (GeneralSecurityException e) {
            throw new MtlsException(workspace.path(keyStore) + ": cannot read the key entry: " + e.getMessage());
        }
    }

    /** The client key entry, or empty when the keystore does not open with the password in passwords.json. */
    static Optional<ClientEntry> tryCurrent(ExistingWorkspace workspace, String service) {
        try {
            return Optional.of(current(workspace, service));
        } catch (MtlsException e) {
            return Optional.empty();
        }
    }
}
