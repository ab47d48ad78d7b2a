package dev.mtlscli.runtime.it;

import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.layer.LayerLayout;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.secrets.EnvironmentPasswords;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime library end to end: `certs create --layer-dir` writes the layer, MtlsClients reads
 * it (manifest, stores, passwords from a provider standing in for SSM) and the JDK HttpClient it
 * builds talks mTLS to a real nginx (ssl_verify_client on) on 127.0.0.1, host name verification on.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MtlsClientsNginxTest {
    private static final String TLS12_ONLY = "service-1 TLSv1.2 only";

    @TempDir
    static Path temp;

    private static LayerWorkspace layer;
    private static NginxBackends nginx;

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        layer = LayerWorkspace.create(temp.resolve("main"), spec);
        Workspace ws = layer.workspace();
        nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                NginxBackends.demoBackend("service-1", ws, "service-1"),
                NginxBackends.demoBackend("service-2", ws, "service-2"),
                NginxBackends.demoBackend(TLS12_ONLY, ws, "service-1", "TLSv1.2")));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static MtlsClients.Builder builder() {
        return MtlsClients.builder().layerRoot(layer.layer()).tlsPolicy(TlsPolicy.DEFAULT);
    }

    private static MtlsClients bothServices() {
        return builder().passwords(layer.passwords()).services("service-1", "service-2").build();
    }

    @Test
    void bothServicesGetTheirBackendsAnswerOverTls13() throws Exception {
        MtlsClients clients = bothServices();
        Workspace ws = layer.workspace();

        for (String service : LayerWorkspace.services()) {
            HttpResponse<String> response = clients.client(service).get(nginx.uri(service));

            String number = service.substring(service.length() - 1);
            assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
            assertEquals("{\"hello\": \"from backend service " + number + "\"}", response.body());
            SSLSession session = response.sslSession().orElseThrow();
            assertEquals("TLSv1.3", session.getProtocol());
            assertEquals(Pem.certificate(ws.file(Workspace.serverCertificate(service))), session.getPeerCertificates()[0]);
        }
    }

    @Test
    void twoServicesInOneMtlsClientsEachUseTheirOwnIdentity() throws Exception {
        MtlsClients clients = bothServices();
        Workspace ws = layer.workspace();

        Certificate sentToOne = localCertificate(clients.client("service-1").get(nginx.uri("service-1")));
        Certificate sentToTwo = localCertificate(clients.client("service-2").get(nginx.uri("service-2")));

        assertEquals(ws.loadKeyStore("service-1").getCertificate("service-1"), sentToOne);
        assertEquals(ws.loadKeyStore("service-2").getCertificate("service-2"), sentToTwo);
        assertNotEquals(sentToOne, sentToTwo);
        assertEquals("CN=service-1 Lambda client,O=mtls-cli test", ((X509Certificate) sentToOne).getSubjectX500Principal().getName());
        assertEquals("CN=service-2 Lambda client,O=mtls-cli test", ((X509Certificate) sentToTwo).getSubjectX500Principal().getName());
        assertEquals("service-1", clients.client("service-1").manifest().service());
        assertEquals("backend-service-2.com", clients.client("service-2").manifest().host());
    }

    @Test
    void allPasswordsAreFetchedInOneCall() {
        MapPasswords passwords = layer.passwords();

        builder().passwords(passwords).services("service-1", "service-2").build();

        assertEquals(1, passwords.calls.size(), "calls: " + passwords.calls);
        assertEquals(Set.of(
                        ParameterRef.parse("/mtls/service-1/keystore-password:1"),
                        ParameterRef.parse("/mtls/service-1/truststore-password:1"),
                        ParameterRef.parse("/mtls/service-2/keystore-password:1"),
                        ParameterRef.parse("/mtls/service-2/truststore-password:1")),
                Set.copyOf(passwords.calls.get(0)));
    }

    @Test
    void environmentPasswordsWithAnExplicitMapping() throws Exception {
        MapPasswords known = layer.passwords();
        Map<ParameterRef, String> variables = new LinkedHashMap<>();
        Map<String, String> environment = new LinkedHashMap<>();
        for (String service : LayerWorkspace.services()) {
            String prefix = service.toUpperCase().replace('-', '_');
            variables.put(LayerWorkspace.keyStoreParameter(service), prefix + "_KEYSTORE_PASSWORD");
            variables.put(LayerWorkspace.trustStoreParameter(service), prefix + "_TRUSTSTORE_PASSWORD");
            environment.put(prefix + "_KEYSTORE_PASSWORD", known.get(LayerWorkspace.keyStoreParameter(service)));
            environment.put(prefix + "_TRUSTSTORE_PASSWORD", known.get(LayerWorkspace.trustStoreParameter(service)));
        }
        MtlsClients clients = builder().passwords(new EnvironmentPasswords(variables, environment))
                .services("service-1", "service-2").build();

        for (String service : LayerWorkspace.services()) {
            HttpResponse<String> response = clients.client(service).get(nginx.uri(service));
            assertEquals(200, response.statusCode(), response::body);
        }
    }

    @Test
    void layerRootFromMtlsLayerRoot() throws Exception {
        Path root = LayerLayout.root(Map.of(LayerLayout.ROOT_ENV, layer.layer().toString()));
        MtlsClient client = MtlsClients.builder().layerRoot(root).tlsPolicy(TlsPolicy.DEFAULT)
                .passwords(layer.passwords()).services("service-2").build().client("service-2");

        assertEquals(200, client.get(nginx.uri("service-2")).statusCode());
    }

    @Test
    void aServiceNotSetUpIsNamed() {
        MtlsClients clients = builder().passwords(layer.passwords()).services("service-1").build();

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> clients.client("service-2"));

        assertTrue(e.getMessage().contains("service service-2 was not set up"), e.getMessage());
        assertTrue(e.getMessage().contains("service-1"), e.getMessage());
    }

    @Test
    void wrongKeystorePasswordIsExplained() {
        MapPasswords wrong = layer.passwords().put(LayerWorkspace.keyStoreParameter("service-1"), "not-the-password");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> builder().passwords(wrong).services("service-1").build());

        assertTrue(e.getMessage().contains("wrong password for store " + layer.serviceDirectory("service-1").resolve("keystore.p12")),
                e.getMessage());
        assertTrue(!e.getMessage().contains("not-the-password"), "the message holds the password: " + e.getMessage());
    }

    @Test
    void missingLayerIsExplained() {
        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class,
                () -> builder().passwords(layer.passwords()).services("service-3").build());

        assertTrue(e.getMessage().contains("no layer manifest at " + LayerLayout.manifest(layer.layer(), "service-3")), e.getMessage());
    }

    // --- TLS policy against a backend with ssl_protocols TLSv1.2

    @Test
    void theDefaultPolicyNegotiatesTls12WithAnEcdheAeadSuiteWithATls12OnlyServer() throws Exception {
        MtlsClient client = builder().passwords(layer.passwords()).services("service-1").build().client("service-1");

        HttpResponse<String> response = client.get(nginx.uri(TLS12_ONLY));

        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        assertEquals("TLSv1.2", response.sslSession().orElseThrow().getProtocol());
        String suite = response.sslSession().orElseThrow().getCipherSuite();
        assertTrue(suite.startsWith("TLS_ECDHE_") && (suite.contains("_GCM_") || suite.contains("CHACHA20")), suite);
    }

    @Test
    void debugLoggingNamesTheNegotiatedVersionAndSuite() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        MtlsClient client = builder().debug(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8))
                .passwords(layer.passwords()).services("service-1").build().client("service-1");

        client.get(nginx.uri(TLS12_ONLY));
        client.get(nginx.uri("service-1"));

        List<String> lines = log.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("mtls-runtime: service-1 -> localhost:\\d+ negotiated TLSv1\\.2 TLS_ECDHE_\\S+, HTTP 200"), lines.get(0));
        assertTrue(lines.get(1).matches("mtls-runtime: service-1 -> localhost:\\d+ negotiated TLSv1\\.3 TLS_AES_\\S+, HTTP 200"), lines.get(1));
    }

    @Test
    void theStrictTls13PolicyAndATls12OnlyServerShareNoProtocol() {
        MtlsClient client = builder().tlsPolicy(TlsPolicy.fromEnvironment(Map.of(TlsPolicy.PROTOCOLS_ENV, "TLSv1.3")))
                .passwords(layer.passwords()).services("service-1").build().client("service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri(TLS12_ONLY)));

        assertTrue(e.getMessage().contains("the server and the TLS policy share no protocol version"), e.getMessage());
        assertTrue(e.getMessage().contains("mTLS call to service-1 (localhost) failed"), e.getMessage());
        assertInstanceOf(SSLHandshakeException.class, e.getCause(), () -> String.valueOf(e.getCause()));
    }

    @Test
    void policyWithTls12NegotiatesTls12WithATls12OnlyServer() throws Exception {
        MtlsClient client = builder().tlsPolicy(new TlsPolicy(List.of("TLSv1.3", "TLSv1.2"), List.of()))
                .passwords(layer.passwords()).services("service-1").build().client("service-1");

        HttpResponse<String> response = client.get(nginx.uri(TLS12_ONLY));

        assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
        assertEquals("{\"hello\": \"from backend service 1\"}", response.body());
        assertEquals("TLSv1.2", response.sslSession().orElseThrow().getProtocol());
        assertNotNull(response.sslSession().orElseThrow().getLocalCertificates(), "the client must have sent its certificate");
    }

    @Test
    void policyWithTls12StillPrefersTls13() throws Exception {
        MtlsClient client = builder().tlsPolicy(TlsPolicy.fromEnvironment(Map.of(TlsPolicy.PROTOCOLS_ENV, "TLSv1.3,TLSv1.2")))
                .passwords(layer.passwords()).services("service-1").build().client("service-1");

        HttpResponse<String> response = client.get(nginx.uri("service-1"));

        assertEquals(200, response.statusCode(), response::body);
        assertEquals("TLSv1.3", response.sslSession().orElseThrow().getProtocol());
    }

    @Test
    void cipherSuiteFromThePolicyIsNegotiated() throws Exception {
        MtlsClient client = builder().tlsPolicy(new TlsPolicy(List.of("TLSv1.3"), List.of("TLS_CHACHA20_POLY1305_SHA256")))
                .passwords(layer.passwords()).services("service-1").build().client("service-1");

        HttpResponse<String> response = client.get(nginx.uri("service-1"));

        assertEquals(200, response.statusCode(), response::body);
        assertEquals("TLS_CHACHA20_POLY1305_SHA256", response.sslSession().orElseThrow().getCipherSuite());
    }

    private static Certificate localCertificate(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        Certificate[] local = response.sslSession().orElseThrow().getLocalCertificates();
        assertNotNull(local, "the client sent no certificate");
        return local[0];
    }
}
