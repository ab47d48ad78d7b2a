package dev.mtlscli.demo;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.mtlscli.MtlsException;
import dev.mtlscli.store.PemFiles;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The backends without nginx: one JDK HttpsServer per service on 127.0.0.1, with the server's
 * key and chain (as an in-memory PKCS12) and needClientAuth against the service's client CA.
 * The handshake itself fails for a client without a trusted certificate.
 */
public final class JdkDemoBackend implements DemoBackend {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    private final Map<String, HttpsServer> servers;
    private final ExecutorService executor;

    private JdkDemoBackend(Map<String, HttpsServer> servers, ExecutorService executor) {
        this.servers = servers;
        this.executor = executor;
    }

    public static JdkDemoBackend start(List<Spec> backends) {
        ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "mtls-demo-backend");
            thread.setDaemon(true);
            return thread;
        });
        Map<String, HttpsServer> servers = new LinkedHashMap<>();
        JdkDemoBackend started = new JdkDemoBackend(servers, executor);
        try {
            for (Spec backend : backends) {
                servers.put(backend.service(), server(backend, executor));
            }
            return started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    private static HttpsServer server(Spec backend, ExecutorService executor) {
        try {
            SSLContext context = sslContext(backend);
            HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = context.getDefaultSSLParameters();
                    parameters.setNeedClientAuth(true);
                    params.setSSLParameters(parameters);
                }
            });
            byte[] body = backend.json().getBytes(StandardCharsets.UTF_8);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.setExecutor(executor);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the JDK HTTPS server for " + backend.service() + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new MtlsException("cannot set up TLS for the " + backend.service() + " backend: " + e.getMessage());
        }
    }

    private static SSLContext sslContext(Spec backend) throws IOException, GeneralSecurityException {
        PemFiles.Contents key = pem(backend.serverKey());
        List<X509Certificate> chain = pem(backend.serverChain()).certificates();
        if (key.privateKeys().size() != 1 || chain.isEmpty()) {
            throw new MtlsException(backend.serverKey() + " and " + backend.serverChain() + " are not a key and its chain");
        }
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("server", key.privateKeys().get(0), IN_MEMORY, chain.toArray(Certificate[]::new));
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, IN_MEMORY);

        KeyStore clientCas = KeyStore.getInstance("PKCS12");
        clientCas.load(null, null);
        int index = 0;
        for (X509Certificate ca : pem(backend.clientCa()).certificates()) {
            clientCas.setCertificateEntry("client-ca-" + index++, ca);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(clientCas);

        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        return context;
    }

    private static PemFiles.Contents pem(Path file) throws IOException {
        return PemFiles.read(Files.readString(file, StandardCharsets.US_ASCII), file.toString(), null);
    }

    @Override
    public String description() {
        return "the JDK's HTTPS server (no nginx)";
    }

    @Override
    public int port(String service) {
        HttpsServer server = servers.get(service);
        if (server == null) {
            throw new IllegalArgumentException("no backend " + service);
        }
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        for (HttpsServer server : new ArrayList<>(servers.values())) {
            server.stop(0);
        }
        executor.shutdownNow();
    }
}
