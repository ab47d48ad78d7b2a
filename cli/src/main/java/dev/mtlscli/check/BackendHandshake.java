package dev.mtlscli.check;

import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.tls.HandshakeDiagnostics;
import dev.mtlscli.runtime.tls.TlsPolicy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One call through the runtime's SSLContext to a backend listening on loopback, as the function
 * would call the real one: the server name sent and checked is the manifest's host (the backend's
 * real name, which need not resolve here), the TLS policy is the runtime's default, and the
 * request is a GET of "/", since nginx refuses a client certificate it does not trust with an
 * HTTP 400 after the handshake, not with a TLS alert.
 */
final class BackendHandshake {
    private static final int TIMEOUT_MILLIS = 10_000;

    private BackendHandshake() {
    }

    record Answer(String protocol, String cipherSuite, int status, String failure) {
    }

    static Answer call(MtlsClient client, int port, String trustStore) {
        String host = client.manifest().host();
        SSLContext context = client.sslContext();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
                SSLParameters parameters = TlsPolicy.DEFAULT.parametersFor(context);
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                String protocol;
                String suite;
                try {
                    socket.startHandshake();
                    SSLSession session = socket.getSession();
                    protocol = session.getProtocol();
                    suite = session.getCipherSuite();
                } catch (IOException e) {
                    return new Answer(null, null, 0, HandshakeDiagnostics.explain(e, client.manifest().service(), host, trustStore));
                }
                OutputStream out = socket.getOutputStream();
                out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                return new Answer(protocol, suite, status(statusLine), null);
            }
        } catch (IOException e) {
            String why = HandshakeDiagnostics.isHandshakeFailure(e)
                    ? HandshakeDiagnostics.explain(e, client.manifest().service(), host, trustStore)
                    : "the call to 127.0.0.1:" + port + " failed: " + e.getMessage();
            return new Answer(null, null, 0, why);
        }
    }

    private static int status(String statusLine) {
        if (statusLine == null) {
            return 0;
        }
        String[] parts = statusLine.split(" ");
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
