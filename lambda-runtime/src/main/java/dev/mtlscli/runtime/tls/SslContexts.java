package dev.mtlscli.runtime.tls;

import dev.mtlscli.runtime.MtlsRuntimeException;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;

/** Builds SSLContexts from a client KeyStore and a TrustStore with the JDK's own factories. */
public final class SslContexts {
    private SslContexts() {
    }

    /**
     * Loads a store file.
     *
     * @param file     the store
     * @param type     its KeyStore type (PKCS12, JKS)
     * @param password its password
     * @return the loaded store
     * @throws MtlsRuntimeException when the file is missing, the password is wrong (a password
     *         version that does not match the layer) or the file is not such a store
     */
    public static KeyStore load(Path file, String type, char[] password) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password);
            return store;
        } catch (NoSuchFileException e) {
            throw new MtlsRuntimeException("store " + file + " does not exist");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new MtlsRuntimeException("wrong password for store " + file + " (does the password version match the layer?)");
            }
            throw new MtlsRuntimeException("store " + file + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new MtlsRuntimeException("store " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A client SSLContext: this identity, and trust in this truststore's CAs only (not the JDK's
     * default CAs, so a public certificate cannot impersonate the backend).
     *
     * @param keyStore       the client identity, or null for a client without a certificate
     * @param keyPassword    the password of the identity's private key (the keystore's, as the cli writes it)
     * @param trustStore     the CAs that may issue the server's certificate
     * @param trustStoreName named in the error when the server is not trusted
     * @return the context
     * @throws MtlsRuntimeException when the key cannot be opened or the JDK cannot make the context
     */
    public static SSLContext create(KeyStore keyStore, char[] keyPassword, KeyStore trustStore, String trustStoreName) {
        return createClient(keyStore, keyPassword, trustStore, trustStoreName).sslContext();
    }

    /**
     * Like {@link #create}, keeping hold of what the key manager did, for handshake diagnostics.
     *
     * @param keyStore       the client identity, or null for a client without a certificate
     * @param keyPassword    the password of the identity's private key
     * @param trustStore     the CAs that may issue the server's certificate
     * @param trustStoreName named in the error when the server is not trusted
     * @return the context with what its key manager saw
     * @throws MtlsRuntimeException when the key cannot be opened or the JDK cannot make the context
     */
    public static ClientSslContext createClient(KeyStore keyStore, char[] keyPassword, KeyStore trustStore, String trustStoreName) {
        try {
            RecordingKeyManager keyManager = null;
            if (keyStore != null) {
                KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keyStore, keyPassword);
                for (KeyManager manager : keyManagers.getKeyManagers()) {
                    if (manager instanceof X509ExtendedKeyManager extended) {
                        keyManager = new RecordingKeyManager(extended);
                    }
                }
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore);
            TrustManager[] trust = Arrays.stream(trustManagers.getTrustManagers())
                    .map(manager -> manager instanceof X509ExtendedTrustManager extended
                            ? new DiagnosingTrustManager(extended, trustStoreName) : manager)
                    .toArray(TrustManager[]::new);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManager == null ? null : new KeyManager[] {keyManager}, trust, null);
            return new ClientSslContext(context, keyManager, trust);
        } catch (UnrecoverableKeyException e) {
            throw new MtlsRuntimeException("the client key cannot be opened with the keystore password", e);
        } catch (GeneralSecurityException e) {
            throw new MtlsRuntimeException("cannot build the SSLContext: " + e.getMessage(), e);
        }
    }
}
