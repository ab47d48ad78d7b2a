package dev.mtlscli.testing;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;

/** SSLContexts and HTTP clients built the way the Lambda runtime will build them: JDK only. */
public final class Tls {
    private Tls() {
    }

    /** @param keyStore null for a client without a certificate */
    public static SSLContext context(KeyStore keyStore, char[] keyPassword, KeyStore trustStore) {
        try {
            KeyManager[] keyManagers = null;
            if (keyStore != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keyStore, keyPassword);
                keyManagers = kmf.getKeyManagers();
            }
            return context(keyManagers, trustStore);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot build an SSLContext: " + e, e);
        }
    }

    /**
     * A context whose client presents its certificate whatever CAs the server asks for; a JDK
     * key manager would stay silent instead, and the test could not show that the server checks.
     */
    public static SSLContext contextAlwaysPresenting(KeyStore keyStore, char[] keyPassword, String alias, KeyStore trustStore) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, keyPassword);
            X509KeyManager delegate = (X509KeyManager) kmf.getKeyManagers()[0];
            return context(new KeyManager[] {new AlwaysPresenting(delegate, alias)}, trustStore);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot build an SSLContext: " + e, e);
        }
    }

    private static SSLContext context(KeyManager[] keyManagers, KeyStore trustStore) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, tmf.getTrustManagers(), null);
        return context;
    }

    /** A new HttpClient (hostname verification on, as by default) over HTTP/1.1. */
    public static HttpClient client(SSLContext context) {
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    public static HttpResponse<String> get(HttpClient client, String url) throws java.io.IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static final class AlwaysPresenting extends X509ExtendedKeyManager {
        private final X509KeyManager delegate;
        private final String alias;

        AlwaysPresenting(X509KeyManager delegate, String alias) {
            this.delegate = delegate;
            this.alias = alias;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {alias};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return offers(keyType) ? alias : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return offers(keyType) ? alias : null;
        }

        /** Ignores the issuers the server names, but not the key types the handshake can use. */
        private boolean offers(String[] keyTypes) {
            PrivateKey key = delegate.getPrivateKey(alias);
            return key != null && java.util.Arrays.asList(keyTypes).contains(key.getAlgorithm());
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
