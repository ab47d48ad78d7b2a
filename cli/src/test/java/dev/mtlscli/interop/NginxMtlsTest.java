package dev.mtlscli.interop;

import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tls;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.mtlscli.testing.Workspace.DEMO_SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The workspace works end to end: a real nginx configured like the demo backends
 * (ssl_verify_client on, ssl_client_certificate = client-ca.crt) and the JDK HttpClient with the
 * generated keystore and truststore talk mTLS, with hostname verification on; nginx refuses a
 * client without an accepted certificate and the client refuses a server it does not trust.
 *
 * Certificates come from a spec that adds "localhost" to each server's DNS names. One nginx
 * serves every (key algorithm, store type, service) backend, each on its own port.
 */
class NginxMtlsTest {

    private static final List<String> KEY_ALGORITHMS = List.of("ec-p256", "rsa-2048");
    private static final List<String> STORE_TYPES = List.of("pkcs12", "jks");

    @TempDir
    static Path temp;

    private static final Map<String, Workspace> WORKSPACES = new LinkedHashMap<>();
    private static NginxBackends nginx;

    @BeforeAll
    static void startBackends() {
        Tool.require("nginx"); // fail fast, before seconds of RSA key generation
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        List<NginxBackends.Backend> backends = new ArrayList<>();
        for (String keyAlgorithm : KEY_ALGORITHMS) {
            for (String storeType : STORE_TYPES) {
                String name = keyAlgorithm + "-" + storeType;
                Workspace ws = Workspace.create(temp.resolve("ws-" + name), keyAlgorithm, storeType, spec);
                WORKSPACES.put(name, ws);
                for (String service : DEMO_SERVICES) {
                    backends.add(NginxBackends.demoBackend(backend(name, service), ws, service));
                }
            }
        }
        nginx = NginxBackends.start(temp.resolve("nginx"), backends);
    }

    @AfterAll
    static void stopBackends() {
        if (nginx != null) {
            nginx.close();
        }
    }

    static Stream<Arguments> everyBackend() {
        List<Arguments> arguments = new ArrayList<>();
        for (String keyAlgorithm : KEY_ALGORITHMS) {
            for (String storeType : STORE_TYPES) {
                for (String service : DEMO_SERVICES) {
                    arguments.add(Arguments.of(keyAlgorithm, storeType, service));
                }
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyBackend")
    void clientWithTheGeneratedKeystoreAndTruststoreGetsTheBackendsAnswer(String keyAlgorithm, String storeType, String service)
            throws Exception {
        Workspace ws = workspace(keyAlgorithm, storeType);
        KeyStore keyStore = ws.loadKeyStore(service);
        SSLContext context = Tls.context(keyStore, ws.password(ws.keyStore(service)).toCharArray(),
                ws.loadTrustStore(service));

        HttpResponse<String> response = get(context, url(keyAlgorithm, storeType, service));

        String number = service.substring(service.length() - 1);
        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        assertEquals("{\"hello\": \"from backend service " + number + "\"}", response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        SSLSession session = response.sslSession().orElseThrow();
        assertEquals(Pem.certificate(ws.file(Workspace.serverCertificate(service))), session.getPeerCertificates()[0],
                "nginx must serve servers/" + service + "/server.crt");
        assertEquals(Pem.certificate(ws.file(Workspace.caCertificate(service))), session.getPeerCertificates()[1],
                "nginx must send the chain of server-chain.crt (leaf, then CA)");
        Certificate[] sent = session.getLocalCertificates();
        assertNotNull(sent, "the client must have sent its certificate");
        assertEquals(keyStore.getCertificate(service), sent[0]);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyBackend")
    void clientWithoutACertificateGets400(String keyAlgorithm, String storeType, String service) throws Exception {
        Workspace ws = workspace(keyAlgorithm, storeType);
        SSLContext context = Tls.context(null, null, ws.loadTrustStore(service));

        HttpResponse<String> response = get(context, url(keyAlgorithm, storeType, service));

        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("No required SSL certificate was sent"), response::body);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("workspaces")
    void clientCertificateSignedByAnotherServicesCaGets400(String keyAlgorithm, String storeType) throws Exception {
        Workspace ws = workspace(keyAlgorithm, storeType);
        // service-2's identity, presented to service-1's backend, whose client CA is service-1's
        SSLContext context = Tls.contextAlwaysPresenting(ws.loadKeyStore("service-2"),
                ws.password(ws.keyStore("service-2")).toCharArray(), "service-2", ws.loadTrustStore("service-1"));

        HttpResponse<String> response = get(context, url(keyAlgorithm, storeType, "service-1"));

        assertNotNull(response.sslSession().orElseThrow().getLocalCertificates(), "the client must have sent its certificate");
        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("The SSL certificate error"), response::body);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("workspaces")
    void serviceOnesClientRefusesAServerCertificateFromServiceTwosCa(String keyAlgorithm, String storeType) throws Exception {
        Workspace ws = workspace(keyAlgorithm, storeType);
        KeyStore serviceOnesTrust = ws.loadTrustStore("service-1");
        assertEquals(List.of("service-1-ca"), aliases(serviceOnesTrust), "service-1's clients trust service-1's CA only");
        SSLContext context = Tls.context(ws.loadKeyStore("service-1"),
                ws.password(ws.keyStore("service-1")).toCharArray(), serviceOnesTrust);

        // service-2's backend serves a certificate of service-2's CA: as if that CA's key had been
        // used to impersonate a backend towards service-1's clients
        IOException failure = assertThrows(IOException.class, () -> get(context, url(keyAlgorithm, storeType, "service-2")));

        assertHandshakeFailure(failure, "PKIX path building failed");
    }

    @Test
    void clientOfAnotherWorkspaceDoesNotTrustTheBackend() throws Exception {
        // both workspaces come from the same spec, so their CAs have the same names but other keys
        Workspace other = workspace("ec-p256", "jks");
        SSLContext context = Tls.context(other.loadKeyStore("service-1"),
                other.password(other.keyStore("service-1")).toCharArray(), other.loadTrustStore("service-1"));

        IOException failure = assertThrows(IOException.class, () -> get(context, url("ec-p256", "pkcs12", "service-1")));

        // The JDK finds a trust anchor by the CA's name, so it fails at the signature, not at path
        // building: same outcome (no connection), other message.
        assertHandshakeFailure(failure, "PKIX path validation failed");
        assertHandshakeFailure(failure, "signature check failed");
    }

    @Test
    void hostnameVerificationIsOn() throws Exception {
        // the server certificates name localhost and backend-service-N.com, but no IP address
        Workspace ws = workspace("ec-p256", "pkcs12");
        SSLContext context = Tls.context(ws.loadKeyStore("service-1"),
                ws.password(ws.keyStore("service-1")).toCharArray(), ws.loadTrustStore("service-1"));
        String byIp = "https://127.0.0.1:" + nginx.port(backend("ec-p256-pkcs12", "service-1")) + "/";

        IOException failure = assertThrows(IOException.class, () -> get(context, byIp));

        assertHandshakeFailure(failure, "No subject alternative names matching IP address 127.0.0.1 found");
    }

    static Stream<Arguments> workspaces() {
        List<Arguments> arguments = new ArrayList<>();
        for (String keyAlgorithm : KEY_ALGORITHMS) {
            for (String storeType : STORE_TYPES) {
                arguments.add(Arguments.of(keyAlgorithm, storeType));
            }
        }
        return arguments.stream();
    }

    private static Workspace workspace(String keyAlgorithm, String storeType) {
        return WORKSPACES.get(keyAlgorithm + "-" + storeType);
    }

    private static String backend(String workspace, String service) {
        return workspace + "/" + service;
    }

    private static String url(String keyAlgorithm, String storeType, String service) {
        return "https://localhost:" + nginx.port(backend(keyAlgorithm + "-" + storeType, service)) + "/";
    }

    private static HttpResponse<String> get(SSLContext context, String url) throws IOException, InterruptedException {
        HttpClient client = Tls.client(context);
        return Tls.get(client, url);
    }

    private static List<String> aliases(KeyStore store) throws KeyStoreException {
        return java.util.Collections.list(store.aliases());
    }

    /** The failure is (or is caused by) an SSLHandshakeException, and some message of its causes contains the text. */
    private static void assertHandshakeFailure(Throwable failure, String text) {
        boolean handshake = false;
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            handshake |= t instanceof SSLHandshakeException;
            messages.append(t).append('\n');
            if (String.valueOf(t.getMessage()).contains(text) && handshake) {
                return;
            }
        }
        fail("expected an SSLHandshakeException with '" + text + "' in its causes, got:\n" + messages);
    }
}
