package dev.mtlscli.runtime.it;

import dev.mtlscli.runtime.MtlsClient;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.SnapStartHooks;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SnapStart hooks, called directly (this JVM has no CRaC): registered only when SnapStart
 * or priming is on; priming opens one mTLS connection per service with its identity and closes
 * it; after restore every service has a new SSLContext and HttpClient and still gets 200.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SnapStartHooksTest {
    @TempDir
    static Path temp;

    private static LayerWorkspace layer;
    private static JdkMtlsServer backend;

    @BeforeAll
    static void start() {
        layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        backend = JdkMtlsServer.start(layer.workspace(), "service-1", List.of("TLSv1.3", "TLSv1.2"));
    }

    @AfterAll
    static void stop() {
        if (backend != null) {
            backend.close();
        }
    }

    private static MtlsClients clients(Map<String, String> environment) {
        return MtlsClients.builder().layerRoot(layer.layer()).tlsPolicy(TlsPolicy.DEFAULT).passwords(layer.passwords())
                .environment(environment).services("service-1").build();
    }

    @Test
    void withoutSnapStartNothingIsRegistered() {
        assertTrue(clients(Map.of()).snapStart().isEmpty());
        assertTrue(clients(Map.of(SnapStartHooks.INITIALIZATION_TYPE_ENV, "on-demand")).snapStart().isEmpty());
    }

    @Test
    void inASnapStartFunctionTheHooksAreRegisteredWithoutPriming() {
        SnapStartHooks hooks = clients(Map.of(SnapStartHooks.INITIALIZATION_TYPE_ENV, "snap-start")).snapStart().orElseThrow();

        assertEquals(Map.of(), hooks.primingTargets(), "priming is opt-in");
    }

    @Test
    void primingOpensOneConnectionWithTheServicesIdentityBeforeTheSnapshot() throws Exception {
        MtlsClients clients = clients(Map.of(SnapStartHooks.PRIMING_ENV, "true",
                SnapStartHooks.PRIMING_URL_ENV_PREFIX + "SERVICE_1", backend.uri().toString()));
        SnapStartHooks hooks = clients.snapStart().orElseThrow();
        assertEquals(Map.of("service-1", backend.uri()), hooks.primingTargets());

        hooks.beforeCheckpoint(null);

        assertEquals(layer.workspace().loadKeyStore("service-1").getCertificate("service-1"), backend.nextClient(),
                "the backend saw a handshake with service-1's certificate");
    }

    @Test
    void primingWithoutAnExplicitUrlUsesTheManifestsHost() {
        SnapStartHooks hooks = clients(Map.of(SnapStartHooks.PRIMING_ENV, "true")).snapStart().orElseThrow();

        assertEquals(Map.of("service-1", URI.create("https://backend-service-1.com/")), hooks.primingTargets());
    }

    @Test
    void aPrimingFailureIsLoggedAndDoesNotStopTheSnapshot() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = free.getLocalPort();
        }
        URI nowhere = URI.create("https://localhost:" + closed + "/");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            SnapStartHooks hooks = clients(Map.of(SnapStartHooks.PRIMING_ENV, "true",
                    SnapStartHooks.PRIMING_URL_ENV_PREFIX + "SERVICE_1", nowhere.toString())).snapStart().orElseThrow();

            hooks.beforeCheckpoint(null);
        } finally {
            System.setErr(previous);
        }
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("priming service-1 with " + nowhere + " failed"), log::toString);
    }

    @Test
    void afterRestoreEachServiceHasANewSslContextAndHttpClientThatStillWork() throws Exception {
        MtlsClients clients = clients(Map.of(SnapStartHooks.INITIALIZATION_TYPE_ENV, "snap-start"));
        MtlsClient client = clients.client("service-1");
        assertEquals(200, client.get(backend.uri()).statusCode());
        SSLContext before = client.sslContext();
        HttpClient httpBefore = client.httpClient();

        clients.snapStart().orElseThrow().afterRestore(null);

        assertNotSame(before, client.sslContext(), "a new SSLContext: new SecureRandom, no sessions from the snapshot");
        assertNotSame(httpBefore, client.httpClient(), "a new HttpClient: no connection from the snapshot");
        HttpResponse<String> response = client.get(backend.uri());
        assertEquals(200, response.statusCode());
        assertEquals(layer.workspace().loadKeyStore("service-1").getCertificate("service-1"),
                response.sslSession().orElseThrow().getLocalCertificates()[0], "the same identity after restore");
    }
}
