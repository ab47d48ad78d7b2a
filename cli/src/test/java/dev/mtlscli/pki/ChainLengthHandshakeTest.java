package dev.mtlscli.pki;

import dev.mtlscli.runtime.tls.SslContexts;
import dev.mtlscli.runtime.tls.TlsPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The longest chain mtls-cli accepts is one the runtime's SSLContext takes from a backend that
 * sends it whole, root included: JSSE refuses a Certificate message of more than
 * jdk.tls.maxCertificateChainLength (default 10) certificates during the handshake, so a longer
 * chain that an import let through would fail only in Lambda. Against a JDK TLS server on loopback.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChainLengthHandshakeTest {

    /** Serves the ladder's whole chain to one connection; the runtime's client context, trusting its root, connects. */
    private static void handshake(CaLadder ladder) throws Exception {
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        char[] keyPassword = "in-memory".toCharArray();
        identity.setKeyEntry("server", ladder.leafKey(), keyPassword, ladder.chain().toArray(Certificate[]::new));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(identity, keyPassword);
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("root", ladder.root());
        SSLContext client = SslContexts.create(null, null, trust, "the test's truststore");

        try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listening.accept()) {
                    accepted.startHandshake();
                } catch (Exception refusedByTheClient) {
                    // the client's alert ends it
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    listening.getLocalPort())) {
                socket.setSSLParameters(TlsPolicy.DEFAULT.parametersFor(client));
                socket.startHandshake();
                assertEquals(ladder.chain().size(), socket.getSession().getPeerCertificates().length);
            } finally {
                served.join();
            }
        }
    }

    @Test
    void aBackendChainOfTheLongestLengthImportsAcceptIsTakenByTheRuntime() throws Exception {
        handshake(CaLadder.of(ChainBuilder.MAX_LENGTH));
    }

    @Test
    void oneCertificateMoreIsRefusedByJsseAtTheHandshake() throws Exception {
        SSLException refused = assertThrows(SSLException.class, () -> handshake(CaLadder.of(ChainBuilder.MAX_LENGTH + 1)));

        assertTrue(String.valueOf(refused.getMessage()).contains("exceeds the maximum allowed length"), refused.toString());
    }
}
