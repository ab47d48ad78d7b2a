package dev.mtlscli.runtime.it;

import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Workspace;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A strict mTLS backend in-process: a JDK SSLServerSocket on 127.0.0.1 with needClientAuth, which
 * (unlike nginx's ssl_verify_client on) fails the handshake itself when the client sends no
 * certificate or one it does not trust. It serves the workspace's server certificate and answers
 * one small JSON document over HTTP/1.1, one connection at a time.
 */
final class JdkMtlsServer implements AutoCloseable {
    private final ServerSocket socket;
    private final SSLSocketFactory tls;
    private final List<String> protocols;
    private final Thread acceptor;
    private final BlockingQueue<Certificate> clients = new LinkedBlockingQueue<>();

    private JdkMtlsServer(ServerSocket socket, SSLSocketFactory tls, List<String> protocols) {
        this.socket = socket;
        this.tls = tls;
        this.protocols = List.copyOf(protocols);
        this.acceptor = new Thread(this::serve, "jdk-mtls-server");
        this.acceptor.setDaemon(true);
        this.acceptor.start();
    }

    static JdkMtlsServer start(Workspace workspace, String service, List<String> protocols) {
        try {
            List<X509Certificate> chain = Pem.certificates(workspace.file(Workspace.serverChain(service)));
            KeyStore identity = KeyStore.getInstance("PKCS12");
            identity.load(null, null);
            char[] keyPassword = "in-memory".toCharArray();
            identity.setKeyEntry("server", readKey(workspace.file(Workspace.serverKey(service))), keyPassword,
                    chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, keyPassword);
            KeyStore clientCas = KeyStore.getInstance("PKCS12");
            clientCas.load(null, null);
            int i = 0;
            for (X509Certificate ca : Pem.certificates(workspace.file(Workspace.clientCa(service)))) {
                clientCas.setCertificateEntry("client-ca-" + i++, ca);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(clientCas);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            return new JdkMtlsServer(server, context.getSocketFactory(), protocols);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError("cannot start the JDK mTLS server: " + e, e);
        }
    }

    /** The client certificate of the next completed handshake, waiting for it up to 10 s; null if none came. */
    Certificate nextClient() throws InterruptedException {
        return clients.poll(10, TimeUnit.SECONDS);
    }

    URI uri() {
        return URI.create("https://localhost:" + socket.getLocalPort() + "/");
    }

    /**
     * TLS is layered over the accepted socket without autoClose: when the handshake fails, the
     * JDK sends its alert and closes the TLS layer, and the server then half-closes and reads
     * what the client still sends until it closes. Closing at once with unread client data
     * would reset the connection, and the client would see "Broken pipe" or "Connection reset"
     * instead of the alert, depending on timing.
     */
    private void serve() {
        while (!socket.isClosed()) {
            try (Socket plain = socket.accept()) {
                SSLSocket connection = (SSLSocket) tls.createSocket(plain, null, plain.getPort(), false);
                connection.setUseClientMode(false);
                connection.setNeedClientAuth(true);
                connection.setEnabledProtocols(protocols.toArray(String[]::new));
                try {
                    connection.startHandshake();
                    clients.add(connection.getSession().getPeerCertificates()[0]);
                    BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // the request head; the GET has no body
                    }
                    byte[] body = "{\"hello\": \"from the strict backend\"}".getBytes(StandardCharsets.US_ASCII);
                    OutputStream out = connection.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                    connection.close();
                } catch (IOException e) {
                    // the alert is sent: let the client read it, then finish
                    drain(plain);
                }
            } catch (IOException e) {
                // accept failed: the server socket was closed
            }
        }
    }

    private static void drain(Socket plain) {
        try {
            plain.shutdownOutput();
            plain.setSoTimeout(20_000);
            InputStream in = plain.getInputStream();
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // discard until the client closes
            }
        } catch (IOException ignored) {
            // the client is gone either way
        }
    }

    private static PrivateKey readKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new AssertionError(pem + " is not an unencrypted PKCS#8 key");
        }
        String base64 = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END PRIVATE KEY-----"));
        byte[] der = Base64.getMimeDecoder().decode(base64);
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new AssertionError(pem + " holds neither an EC nor an RSA key");
    }

    @Override
    public void close() {
        try {
            socket.close();
            acceptor.join(10_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
