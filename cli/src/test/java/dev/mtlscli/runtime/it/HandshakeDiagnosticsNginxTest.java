package dev.mtlscli.runtime.it;

import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Each failure the runtime explains, provoked for real against nginx with ssl_verify_client on.
 *
 * nginx does not fail the handshake when a client sends no certificate or one it rejects: it
 * completes it and answers HTTP 400 (ssl_verify_client on checks after the handshake). The JDK
 * client therefore sees no handshake failure in those cases, and the tests below pin down what
 * the library really gives the caller there.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeDiagnosticsNginxTest {
    private static final String SERVICE_1_CA = "CN=service-1 Root CA,O=mtls-cli test";
    private static final String EXPIRED = "service-1 expired";

    @TempDir
    static Path temp;

    /** The workspace whose backends nginx serves. */
    private static LayerWorkspace main;
    /** Made from the same spec: CAs of the same names, other keys. */
    private static LayerWorkspace twin;
    /** CAs of other names. */
    private static LayerWorkspace other;
    private static ExpiredServerCertificate expired;
    private static NginxBackends nginx;

    @BeforeAll
    static void start() {
        Tool.require("nginx");
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        main = LayerWorkspace.create(temp.resolve("main"), spec);
        twin = LayerWorkspace.create(temp.resolve("twin"), spec);
        other = LayerWorkspace.create(temp.resolve("other"), LayerWorkspace.writeOtherCaSpec(temp.resolve("other.json")));
        Workspace ws = main.workspace();
        expired = ExpiredServerCertificate.issue(ws, "service-1", temp.resolve("expired"));
        NginxBackends.Backend service1 = NginxBackends.demoBackend("service-1", ws, "service-1");
        nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                service1,
                NginxBackends.demoBackend("service-2", ws, "service-2"),
                new NginxBackends.Backend(EXPIRED, expired.chain(), expired.key(), service1.clientCa(), service1.json(),
                        "TLSv1.2 TLSv1.3")));
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
    }

    private static MtlsClient client(Path layerRoot, MapPasswords passwords, String service) {
        return MtlsClients.builder().layerRoot(layerRoot).tlsPolicy(TlsPolicy.DEFAULT)
                .passwords(passwords).services(service).build().client(service);
    }

    // --- (a) the server is not trusted

    @Test
    void truststoreWithoutTheServersCa() {
        // the layer of a workspace whose CAs have other names
        MtlsClient client = client(other.layer(), other.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri("service-1")));

        assertMentions(e, "the server's certificate is not trusted by truststore " + other.trustStoreFile("service-1"));
        assertMentions(e, "chain ends at issuer " + SERVICE_1_CA);
        assertMentions(e, "PKIX path building failed");
        assertHandshakeCause(e);
    }

    @Test
    void truststoreOfTheSameWorkspaceWithTheServersCaReplacedByTheOtherServicesCa(@TempDir Path dir) throws Exception {
        Path layerRoot = main.copyLayer(dir.resolve("layer"));
        Path trustFile = layerRoot.resolve("mtls/service-1/truststore.p12");
        String password = main.workspace().password(main.workspace().trustStore("service-1"));
        KeyStore trustStore = main.workspace().loadTrustStore("service-2");
        store(trustStore, trustFile, password);
        MtlsClient client = client(layerRoot, main.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri("service-1")));

        assertMentions(e, "not trusted by truststore " + trustFile);
        assertMentions(e, "chain ends at issuer " + SERVICE_1_CA);
    }

    /**
     * The layer of a workspace re-created from the same spec: its truststore holds a CA of the
     * same name but another key. The JDK finds that CA by name and fails at the signature
     * ("PKIX path validation failed: ... signature check failed"): still "not trusted".
     */
    @Test
    void truststoreWithACaOfTheSameNameButAnotherKey() {
        MtlsClient client = client(twin.layer(), twin.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri("service-1")));

        assertMentions(e, "signature check failed");
        assertMentions(e, "chain ends at issuer " + SERVICE_1_CA);
        assertMentions(e, "not trusted by truststore " + twin.trustStoreFile("service-1"));
    }

    // --- (b) no client certificate sent

    @Test
    void keystoreWithoutAKeySendsNoCertificateAndNginxAnswers400(@TempDir Path dir) throws Exception {
        Path layerRoot = main.copyLayer(dir.resolve("layer"));
        String password = main.workspace().password(main.workspace().keyStore("service-1"));
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        store(empty, layerRoot.resolve("mtls/service-1/keystore.p12"), password);
        MtlsClient client = client(layerRoot, main.passwords(), "service-1");

        HttpResponse<String> response = client.get(nginx.uri("service-1"));

        // no exception: the handshake succeeds and nginx reports the missing certificate in HTTP
        assertNull(response.sslSession().orElseThrow().getLocalCertificates(), "no certificate was sent");
        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("No required SSL certificate was sent"), response::body);
    }

    @Test
    void anotherServicesIdentityIsNotOfferedAndNginxAnswers400(@TempDir Path dir) throws Exception {
        // service-2's client calls service-1's backend with a truststore that trusts both CAs (as
        // a shared one does), but the JDK key manager offers only certificates issued by a CA the
        // server names (service-1's CA)
        MtlsClient client = client(trustingBothCas(dir, "service-2"), main.passwords(), "service-2");

        HttpResponse<String> response = client.get(nginx.uri("service-1"));

        assertNull(response.sslSession().orElseThrow().getLocalCertificates(), "no certificate was sent");
        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("No required SSL certificate was sent"), response::body);
    }

    // --- (c) the client certificate is rejected

    @Test
    void service1sClientRefusesService2sBackendBecauseItTrustsOnlyService1sCa() {
        MtlsClient client = client(main.layer(), main.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri("service-2")));

        assertMentions(e, "not trusted by truststore " + main.serviceDirectory("service-1").resolve("truststore.p12"));
        assertMentions(e, "chain ends at issuer CN=service-2 Root CA");
        assertHandshakeCause(e);
    }

    @Test
    void service1IdentityAgainstService2BackendIsNotEvenSent(@TempDir Path dir) throws Exception {
        MtlsClient client = client(trustingBothCas(dir, "service-1"), main.passwords(), "service-1");

        HttpResponse<String> response = client.get(nginx.uri("service-2"));

        assertNull(response.sslSession().orElseThrow().getLocalCertificates(),
                "the JDK key manager sends no certificate the server's CA list does not name");
        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("No required SSL certificate was sent"), response::body);
    }

    @Test
    void certificateOfACaWithTheRightNameButAnotherKeyIsSentAndRejectedWith400(@TempDir Path dir) throws Exception {
        // the twin's service-1 client certificate names the issuer nginx asks for, so the JDK
        // sends it; nginx checks its signature against the real CA and rejects it
        Path layerRoot = main.copyLayer(dir.resolve("layer"));
        Files.copy(twin.serviceDirectory("service-1").resolve("keystore.p12"), layerRoot.resolve("mtls/service-1/keystore.p12"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MapPasswords passwords = main.passwords().put(LayerWorkspace.keyStoreParameter("service-1"),
                twin.workspace().password(twin.workspace().keyStore("service-1")));
        MtlsClient client = client(layerRoot, passwords, "service-1");

        HttpResponse<String> response = client.get(nginx.uri("service-1"));

        assertNotNull(response.sslSession().orElseThrow().getLocalCertificates(), "the client must have sent its certificate");
        assertEquals(400, response.statusCode(), response::body);
        assertTrue(response.body().contains("The SSL certificate error"), response::body);
        assertTrue(nginx.errorLog().contains("client SSL certificate verify error"), nginx::errorLog);
    }

    // --- (d) expired server certificate

    @Test
    void expiredServerCertificate() {
        MtlsClient client = client(main.layer(), main.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.uri(EXPIRED)));

        assertMentions(e, "a certificate in the server's chain has expired");
        assertMentions(e, "validity check failed");
        assertMentions(e, expired.certificate().getSubjectX500Principal().getName());
        assertHandshakeCause(e);
    }

    // --- (e) host name mismatch

    @Test
    void hostNameMismatch() {
        MtlsClient client = client(main.layer(), main.passwords(), "service-1");

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(nginx.ipUri("service-1")));

        assertMentions(e, "the server's certificate does not name host 127.0.0.1");
        assertMentions(e, "No subject alternative names matching IP address 127.0.0.1 found");
        assertMentions(e, "mTLS call to service-1 (127.0.0.1) failed");
        assertHandshakeCause(e);
    }

    private static void assertMentions(MtlsRuntimeException e, String text) {
        assertTrue(e.getMessage().contains(text), () -> "'" + text + "' not in:\n" + e.getMessage());
    }

    private static void assertHandshakeCause(MtlsRuntimeException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SSLHandshakeException) {
                return;
            }
        }
        fail("no SSLHandshakeException among the causes of " + e);
    }

    /** A copy of the layer where the service's truststore trusts both services' CAs, as a shared truststore does. */
    private static Path trustingBothCas(Path dir, String service) throws Exception {
        Path layerRoot = main.copyLayer(dir.resolve("layer"));
        String other = service.equals("service-1") ? "service-2" : "service-1";
        KeyStore both = main.workspace().loadTrustStore(service);
        both.setCertificateEntry(other + "-ca", main.workspace().loadTrustStore(other).getCertificate(other + "-ca"));
        store(both, layerRoot.resolve("mtls/" + service + "/truststore.p12"), main.workspace().password(main.workspace().trustStore(service)));
        return layerRoot;
    }

    private static void store(KeyStore store, Path file, String password) {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
