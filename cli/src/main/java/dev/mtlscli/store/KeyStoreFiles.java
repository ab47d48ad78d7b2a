package dev.mtlscli.store;

import dev.mtlscli.MtlsException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;

/** PKCS12 and JKS stores through the JDK's own KeyStore, the same code that will read them in Lambda. */
public final class KeyStoreFiles {

    private KeyStoreFiles() {
    }

    /** A KeyStore with one private key entry; the key password equals the store password, as JSSE expects. */
    public static void writeKeyStore(Path target, StoreType type, String alias, PrivateKey key,
                                     List<X509Certificate> chain, char[] password) {
        KeyStore store = empty(type);
        try {
            store.setKeyEntry(alias, key, password, chain.toArray(Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add the key entry " + alias, e);
        }
        SecureFiles.writePrivate(target, out -> store(store, out, password));
    }

    /** A TrustStore of trusted certificate entries, one per alias. */
    public static void writeTrustStore(Path target, StoreType type, Map<String, X509Certificate> anchors,
                                       char[] password) {
        KeyStore store = empty(type);
        try {
            for (Map.Entry<String, X509Certificate> anchor : anchors.entrySet()) {
                store.setCertificateEntry(anchor.getKey(), anchor.getValue());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add a trusted certificate", e);
        }
        SecureFiles.writePublic(target, out -> store(store, out, password));
    }

    /** The bytes of a KeyStore with one private key entry, for material that never touches a disk (the rotator's). */
    public static byte[] keyStoreBytes(StoreType type, String alias, PrivateKey key, List<X509Certificate> chain, char[] password) {
        KeyStore store = empty(type);
        try {
            store.setKeyEntry(alias, key, password, chain.toArray(Certificate[]::new));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add the key entry " + alias, e);
        }
        return bytes(store, password);
    }

    /** The bytes of a TrustStore of trusted certificate entries, one per alias. */
    public static byte[] trustStoreBytes(StoreType type, Map<String, X509Certificate> anchors, char[] password) {
        KeyStore store = empty(type);
        try {
            for (Map.Entry<String, X509Certificate> anchor : anchors.entrySet()) {
                store.setCertificateEntry(anchor.getKey(), anchor.getValue());
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot add a trusted certificate", e);
        }
        return bytes(store, password);
    }

    private static byte[] bytes(KeyStore store, char[] password) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            store(store, out, password);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * Opens a store from its bytes, telling a wrong password apart from a damaged file.
     * The JDK reports both as IOException; the cause tells them apart.
     */
    public static KeyStore load(byte[] bytes, StoreType type, char[] password, String source) {
        if (type == StoreType.PKCS12) {
            Asn1Depth.check(bytes, source);
            Pkcs12Work.check(bytes, source);
        } else {
            JksDepth.check(bytes, source);
        }
        KeyStore store;
        try {
            store = KeyStore.getInstance(type.jcaType());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        try {
            store.load(new ByteArrayInputStream(bytes), password);
            return store;
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password was incorrect")) {
                // both formats check the password through an integrity check, which damage fails too
                throw new MtlsException("wrong password for " + type + " store " + source + ", or the file is corrupted");
            }
            throw new MtlsException(source + " is not a valid " + type + " store (truncated or corrupted)");
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new MtlsException(source + " is not a valid " + type + " store (truncated or corrupted)");
        }
    }

    private static KeyStore empty(StoreType type) {
        try {
            KeyStore store = KeyStore.getInstance(type.jcaType());
            store.load(null, null);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("the JDK has no " + type + " KeyStore", e);
        }
    }

    private static void store(KeyStore store, OutputStream out, char[] password) throws IOException {
        try {
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the " + store.getType() + " store: " + e.getMessage(), e);
        }
    }
}
