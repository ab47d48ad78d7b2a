package dev.mtlscli.runtime.it;

import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.MtlsRuntimeException;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client-certificate diagnostics against a backend that fails the handshake itself (a JDK
 * server with needClientAuth), which nginx with ssl_verify_client on never does. With TLS 1.3
 * the client has finished its side of the handshake when the server's alert comes, so the
 * failure surfaces while reading the response.
 *
 * The JDK server answers an empty client certificate chain with the alert bad_certificate
 * (JDK 17), the same alert as for a certificate it does not trust; OpenSSL-based servers send
 * certificate_required instead. The client knows which case it is in (it chose no certificate),
 * so the message should say so whatever alert the server picks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StrictServerDiagnosticsTest {
    @TempDir
    static Path temp;

    private static LayerWorkspace main;
    private static LayerWorkspace twin;
    private static JdkMtlsServer tls13;
    private static JdkMtlsServer tls12;

    @BeforeAll
    static void start() {
        Path spec = Workspace.writeLocalhostSpec(temp.resolve("mtls.json"));
        main = LayerWorkspace.create(temp.resolve("main"), spec);
        twin = LayerWorkspace.create(temp.resolve("twin"), spec);
        tls13 = JdkMtlsServer.start(main.workspace(), "service-1", List.of("TLSv1.3"));
        tls12 = JdkMtlsServer.start(main.workspace(), "service-1", List.of("TLSv1.2"));
    }

    @AfterAll
    static void stop() {
        if (tls13 != null) {
            tls13.close();
        }
        if (tls12 != null) {
            tls12.close();
        }
    }

    private static MtlsClient client(Path layerRoot, MapPasswords passwords) {
        return MtlsClients.builder().layerRoot(layerRoot).tlsPolicy(new TlsPolicy(List.of("TLSv1.3", "TLSv1.2"), List.of()))
                .passwords(passwords).services("service-1").build().client("service-1");
    }

    @Test
    void theRightIdentityGets200() throws Exception {
        for (JdkMtlsServer server : List.of(tls13, tls12)) {
            HttpResponse<String> response = client(main.layer(), main.passwords()).get(server.uri());
            assertEquals(200, response.statusCode());
        }
    }

    @Test
    void noClientCertificateOverTls13() throws Exception {
        MtlsClient client = client(keystoreWithoutKey(Files.createTempDirectory(temp, "nokey")), main.passwords());

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(tls13.uri()));

        assertMentions(e, "the server asked for a client certificate and we sent none");
    }

    @Test
    void noClientCertificateOverTls12() throws Exception {
        MtlsClient client = client(keystoreWithoutKey(Files.createTempDirectory(temp, "nokey")), main.passwords());

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(tls12.uri()));

        assertMentions(e, "the server asked for a client certificate and we sent none");
    }

    @Test
    void rejectedClientCertificateOverTls13() throws Exception {
        MtlsClient client = client(twinKeystore(Files.createTempDirectory(temp, "twin")), twinKeystorePasswords());

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(tls13.uri()));

        assertMentions(e, "the server rejected our client certificate");
        assertMentions(e, "Received fatal alert: certificate_unknown");
    }

    @Test
    void rejectedClientCertificateOverTls12() throws Exception {
        MtlsClient client = client(twinKeystore(Files.createTempDirectory(temp, "twin")), twinKeystorePasswords());

        MtlsRuntimeException e = assertThrows(MtlsRuntimeException.class, () -> client.get(tls12.uri()));

        assertMentions(e, "the server rejected our client certificate");
        assertMentions(e, "Received fatal alert: certificate_unknown");
    }

    private static Path keystoreWithoutKey(Path dir) throws Exception {
        Path layerRoot = main.copyLayer(dir);
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        try (OutputStream out = Files.newOutputStream(layerRoot.resolve("mtls/service-1/keystore.p12"))) {
            empty.store(out, main.workspace().password(main.workspace().keyStore("service-1")).toCharArray());
        }
        return layerRoot;
    }

    private static Path twinKeystore(Path dir) throws IOException {
        Path layerRoot = main.copyLayer(dir);
        Files.copy(twin.serviceDirectory("service-1").resolve("keystore.p12"), layerRoot.resolve("mtls/service-1/keystore.p12"),
                StandardCopyOption.REPLACE_EXISTING);
        return layerRoot;
    }

    private static MapPasswords twinKeystorePasswords() {
        return main.passwords().put(LayerWorkspace.keyStoreParameter("service-1"),
                twin.workspace().password(twin.workspace().keyStore("service-1")));
    }

    private static void assertMentions(MtlsRuntimeException e, String text) {
        StringBuilder causes = new StringBuilder();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            causes.append("\n  caused by ").append(t);
        }
        assertTrue(e.getMessage().contains(text), () -> "'" + text + "' not in:\n" + e.getMessage() + causes);
    }
}
