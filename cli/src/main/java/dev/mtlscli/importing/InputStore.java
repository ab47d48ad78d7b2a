package dev.mtlscli.importing;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.KeyStoreFiles;
import dev.mtlscli.store.StoreType;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A keystore or truststore made elsewhere (keytool, openssl), opened with its own password; JKS or PKCS12 by content. */
final class InputStore {
    private final Path path;
    private final StoreType type;
    private final KeyStore store;
    private final char[] password;

    private InputStore(Path path, StoreType type, KeyStore store, char[] password) {
        this.path = path;
        this.type = type;
        this.store = store;
        this.password = password;
    }

    static InputStore open(Path path, char[] password) {
        byte[] bytes = BoundedReads.read(path, BoundedReads.MATERIAL, "store");
        StoreType type = StoreType.detect(bytes, path.toString());
        return new InputStore(path, type, KeyStoreFiles.load(bytes, type, password, path.toString()), password);
    }

    Path path() {
        return path;
    }

    StoreType type() {
        return type;
    }

    List<String> keyAliases() {
        try {
            List<String> aliases = new ArrayList<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    aliases.add(alias);
                }
            }
            Collections.sort(aliases);
            return aliases;
        } catch (GeneralSecurityException e) {
            throw new MtlsException("cannot read the entries of " + path + ": " + e.getMessage());
        }
    }

    /** The trusted-certificate entries, alias to certificate, sorted by alias. */
    Map<String, X509Certificate> trustedCertificates() {
        try {
            List<String> aliases = Collections.list(store.aliases());
            Collections.sort(aliases);
            Map<String, X509Certificate> certificates = new LinkedHashMap<>();
            for (String alias : aliases) {
                if (store.isCertificateEntry(alias) && store.getCertificate(alias) instanceof X509Certificate certificate) {
                    certificates.put(alias, certificate);
                }
            }
            return certificates;
        } catch (GeneralSecurityException e) {
            throw new MtlsException("cannot read the entries of " + path + ": " + e.getMessage());
        }
    }

    /** The key of an entry, which must open with the store's password (what JSSE's KeyManagerFactory expects too). */
    PrivateKey key(String alias) {
        try {
            if (store.getKey(alias, password) instanceof PrivateKey key) {
                return key;
            }
            throw new MtlsException("entry '" + alias + "' in " + path + " is not a private key");
        } catch (UnrecoverableKeyException e) {
            throw new MtlsException("the key of entry '" + alias + "' in " + path + " does not open with the store's password "
                    + "(a separate key password is not supported: make it the store's with keytool -keypasswd)");
        } catch (GeneralSecurityException e) {
            throw new MtlsException("cannot read the key of entry '" + alias + "' in " + path + ": " + e.getMessage());
        }
    }

    List<X509Certificate> chain(String alias) {
        try {
            Certificate[] chain = store.getCertificateChain(alias);
            List<X509Certificate> certificates = new ArrayList<>();
            if (chain != null) {
                for (Certificate certificate : chain) {
                    certificates.add((X509Certificate) certificate);
                }
            }
            return certificates;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new MtlsException("cannot read the certificate chain of entry '" + alias + "' in " + path);
        }
    }
}
