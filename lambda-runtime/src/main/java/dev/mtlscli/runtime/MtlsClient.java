package dev.mtlscli.runtime;

import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.tls.ClientSslContext;
import dev.mtlscli.runtime.tls.HandshakeDiagnostics;
import dev.mtlscli.runtime.tls.TlsPolicy;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The client side of one service: its SSLContext (this service's identity and truststore, the
 * TLS policy) and an HttpClient built on it. Handshake failures come back explained.
 *
 * <p>Get one from {@link MtlsClients}; it is safe to share between threads and invocations, and
 * should be, since it keeps the connections to the backend open between calls. Use {@link #get}
 * or {@link #send} rather than {@link #httpClient()} directly: only they explain handshake
 * failures, and after a SnapStart restore they use the renewed client.
 */
public final class MtlsClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final LayerManifest manifest;
    private final TlsPolicy policy;
    private final long maxBodyBytes;
    private final String trustStoreName;
    private final PrintStream debug;
    // replaced together after a SnapStart restore (see SnapStartHooks): a copy of the snapshot
    // must not share the SSLContext's random state, sessions or the HttpClient's connections
    private volatile Tls tls;

    private record Tls(ClientSslContext context, HttpClient httpClient) {
    }

    MtlsClient(LayerManifest manifest, ClientSslContext tls, TlsPolicy policy, String trustStoreName, PrintStream debug,
               long maxBodyBytes) {
        this.manifest = manifest;
        this.policy = policy;
        this.maxBodyBytes = maxBodyBytes;
        this.debug = debug;
        this.trustStoreName = trustStoreName;
        this.tls = tls(tls);
    }

    private Tls tls(ClientSslContext context) {
        SSLContext sslContext = context.sslContext();
        HttpClient httpClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(CONNECT_TIMEOUT)
                .sslContext(sslContext)
                .sslParameters(policy.parametersFor(sslContext))
                .build();
        return new Tls(context, httpClient);
    }

    /**
     * The manifest this client was built from.
     *
     * @return the service, its backend host, the store files and the pinned password versions,
     *         and the certificate's expiry (no secret)
     */
    public LayerManifest manifest() {
        return manifest;
    }

    /**
     * The SSLContext with this service's identity and truststore, for a library that needs one
     * (an SDK's or a framework's HTTP client). It is replaced after a SnapStart restore, so ask
     * for it again rather than keeping it.
     *
     * @return the current SSLContext
     */
    public SSLContext sslContext() {
        return tls.context().sslContext();
    }

    /**
     * The HttpClient on {@link #sslContext()} with the TLS policy's parameters, HTTP/2 preferred
     * and a 5 s connect timeout. Calls made on it directly get the JDK's handshake errors, not
     * the explained ones of {@link #send}; like the SSLContext, it is replaced after a SnapStart
     * restore.
     *
     * @return the current HttpClient
     */
    public HttpClient httpClient() {
        return tls.httpClient();
    }

    /** A new SSLContext (new SecureRandom, empty session cache) and HttpClient (no pooled connection). */
    void renew() {
        tls = tls(tls.context().renewed());
    }

    /**
     * Opens a TLS connection to the backend with this service's identity, completes the
     * handshake and closes it: the key manager, the certificate path checks and the crypto
     * providers are then loaded and compiled, and nothing stays open.
     */
    void prime(URI backend) throws IOException {
        SSLContext sslContext = sslContext();
        try (SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket()) {
            socket.connect(new InetSocketAddress(backend.getHost(), port(backend)), (int) CONNECT_TIMEOUT.toMillis());
            SSLParameters parameters = policy.parametersFor(sslContext);
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.startHandshake();
        }
    }

    /**
     * Sends a request; a TLS handshake failure is rethrown as an {@link MtlsRuntimeException}
     * whose message says which side is wrong (see {@link HandshakeDiagnostics}).
     *
     * @param <T>     the type of the response body
     * @param request the request, to this service's backend
     * @param handler how the response body is read
     * @return the response, whatever its HTTP status
     * @throws MtlsRuntimeException when the TLS handshake fails, with the cause explained
     * @throws IOException          when the call fails otherwise (connection refused, timeout)
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        Tls current = tls;
        try {
            HttpResponse<T> response = current.httpClient().send(request, handler);
            if (debug != null) {
                // which version a backend agreed to is what an operator needs to see when one
                // backend still offers TLS 1.2 only; never anything secret
                debug.println("mtls-runtime: " + manifest.service() + " -> " + request.uri().getHost() + ":" + port(request.uri())
                        + " negotiated " + response.sslSession().map(s -> s.getProtocol() + " " + s.getCipherSuite()).orElse("no TLS")
                        + ", HTTP " + response.statusCode());
            }
            return response;
        } catch (IOException e) {
            if (HandshakeDiagnostics.isHandshakeFailure(e)) {
                URI uri = request.uri();
                throw new MtlsRuntimeException(HandshakeDiagnostics.explain(e, manifest.service(), uri.getHost(),
                        trustStoreName, current.context().declinedIssuers()), e);
            }
            throw e;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * GET the URI and read the body as text, at most {@link MtlsClients.Builder#maxBodyBytes} bytes
     * of it (default {@link MtlsClients#DEFAULT_MAX_BODY_BYTES}): the whole body is held in
     * memory, and a backend that streams without end must not exhaust the function's. For a
     * larger body, call {@link #send} with a streaming handler such as
     * {@code BodyHandlers.ofInputStream()}. Handshake failures are explained as in {@link #send}.
     *
     * @param uri https://host[:port]/path of this service's backend
     * @return the response with its body as a string, whatever its HTTP status
     * @throws MtlsRuntimeException       when the TLS handshake fails, with the cause explained
     * @throws ResponseTooLargeException when the body is announced or sent longer than the limit;
     *                                    the transfer is stopped there
     * @throws IOException                when the call fails otherwise (connection refused, timeout)
     * @throws InterruptedException       when the thread is interrupted while waiting
     */
    public HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        String where = withoutQuery(uri);
        try {
            return send(HttpRequest.newBuilder(uri).GET().build(), LimitedBody.handler(HttpResponse.BodyHandlers.ofString(),
                    maxBodyBytes, () -> new ResponseTooLargeException(where, maxBodyBytes)));
        } catch (IOException e) {
            // HttpClient.send wraps what the body handler failed with in an IOException of its own
            if (e.getCause() instanceof ResponseTooLargeException tooLarge) {
                throw tooLarge;
            }
            throw e;
        }
    }

    /** The URI for an error message: a query or user info may carry a token. */
    private static String withoutQuery(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
