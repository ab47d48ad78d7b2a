package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.layer.LayerMaterial;
import dev.mtlscli.layer.MaterialCheck;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each service's clients trust only that service's CA, so a leaked CA key of one service cannot
 * impersonate another service's backend; a spec can still ask for the one shared truststore that
 * workspaces had before, and such workspaces keep working.
 */
class TrustStorePerServiceTest {
    @TempDir
    Path temp;

    @Test
    void byDefaultEachServicesLayerCarriesATruststoreOfItsOwnCaOnly() throws Exception {
        Path layer = temp.resolve("layer");
        Cli.runOk("certs", "create", "--out", temp.resolve("ws").toString(), "--layer-dir", layer.toString());
        Workspace ws = Workspace.open(temp.resolve("ws"), "pkcs12");

        assertFalse(Files.exists(ws.file(ws.sharedTrustStore())), "no shared truststore");
        for (String service : Workspace.DEMO_SERVICES) {
            Path layerTrustStore = layer.resolve("mtls/" + service + "/truststore.p12");
            assertArrayEquals(Files.readAllBytes(ws.file(ws.trustStore(service))), Files.readAllBytes(layerTrustStore));
            KeyStore trust = load(Files.readAllBytes(layerTrustStore), ws.password(ws.trustStore(service)));
            assertEquals(Map.of(service + "-ca", Pem.certificate(ws.file(Workspace.caCertificate(service)))), entries(trust));

            LayerMaterial material = check(ws.root(), service);
            assertArrayEquals(Files.readAllBytes(ws.file(ws.trustStore(service))), material.trustStore());
            assertEquals(ws.password(ws.trustStore(service)), new String(material.trustStorePassword()));
        }
        assertFalse(ws.password(ws.trustStore("service-1")).equals(ws.password(ws.trustStore("service-2"))),
                "each truststore has its own password");
    }

    @Test
    void aSpecAskingForASharedTruststoreGetsOneThatTrustsEveryServicesCa() throws Exception {
        Path spec = sharedTrustStoreSpec();
        Path layer = temp.resolve("layer");
        Cli.runOk("certs", "create", "--spec", spec.toString(), "--out", temp.resolve("ws").toString(),
                "--layer-dir", layer.toString());
        Workspace ws = Workspace.open(temp.resolve("ws"), "pkcs12");

        KeyStore shared = ws.load(ws.sharedTrustStore());
        assertEquals(Map.of("service-1-ca", Pem.certificate(ws.file(Workspace.caCertificate("service-1"))),
                "service-2-ca", Pem.certificate(ws.file(Workspace.caCertificate("service-2")))), entries(shared));
        for (String service : Workspace.DEMO_SERVICES) {
            assertFalse(Files.exists(ws.file(ws.trustStore(service))), service + ": no truststore of its own");
            assertArrayEquals(Files.readAllBytes(ws.file(ws.sharedTrustStore())),
                    Files.readAllBytes(layer.resolve("mtls/" + service + "/truststore.p12")));
            assertTrue(ExistingWorkspace.open(ws.root()).sharesTrustStore(service));
            assertArrayEquals(Files.readAllBytes(ws.file(ws.sharedTrustStore())), check(ws.root(), service).trustStore());
        }
        assertEquals(List.of("ca/service-1/ca.key", "ca/service-2/ca.key", "clients/service-1/keystore.p12",
                "clients/service-2/keystore.p12", "clients/truststore.p12"), List.copyOf(new TreeMap<>(ws.passwords()).keySet()));
    }

    /** A workspace written before truststores were per service has the shared layout; renewal and rollover work on it. */
    @Test
    void aWorkspaceWithTheSharedLayoutIsRenewedAndRolledOverInPlace() throws Exception {
        Path spec = sharedTrustStoreSpec();
        Cli.runOk("certs", "create", "--spec", spec.toString(), "--out", temp.resolve("ws").toString());
        Path root = temp.resolve("ws");

        CaRollover rollover = new CaRollover(new SecureRandom());
        CaRollover.Step prepared = rollover.prepare(ExistingWorkspace.open(root), "service-1");
        KeyStore duringRollover = Workspace.open(root, "pkcs12").load("clients/truststore.p12");
        assertEquals(Map.of("service-1-ca", prepared.oldCa(), "service-1-ca-next", prepared.newCa(),
                        "service-2-ca", Pem.certificate(root.resolve(Workspace.caCertificate("service-2")))),
                entries(duringRollover));
        rollover.issueFromNext(ExistingWorkspace.open(root), "service-1");
        rollover.complete(ExistingWorkspace.open(root), "service-1");

        assertEquals(Map.of("service-1-ca", prepared.newCa(),
                        "service-2-ca", Pem.certificate(root.resolve(Workspace.caCertificate("service-2")))),
                entries(Workspace.open(root, "pkcs12").load("clients/truststore.p12")));
        for (String service : Workspace.DEMO_SERVICES) {
            check(root, service);
        }
    }

    @Test
    void aWorkspaceMissingAServicesTruststoreIsRefusedWithItsName() throws Exception {
        Cli.runOk("certs", "create", "--out", temp.resolve("ws").toString());
        Files.delete(temp.resolve("ws/clients/service-2/truststore.p12"));

        MtlsException e = assertThrows(MtlsException.class, () -> ExistingWorkspace.open(temp.resolve("ws")));

        assertTrue(e.getMessage().contains("no truststore for service 'service-2' (clients/service-2/truststore.p12)"), e.getMessage());
    }

    private Path sharedTrustStoreSpec() throws java.io.IOException {
        return Files.writeString(temp.resolve("shared.json"), """
                {"version": 1, "sharedTrustStore": true, "services": [
                  {"name": "service-1", "host": "backend-service-1.com"},
                  {"name": "service-2", "host": "backend-service-2.com"}]}
                """);
    }

    private static LayerMaterial check(Path root, String service) {
        return new MaterialCheck(Instant.now(), Duration.ZERO, false).check(ExistingWorkspace.open(root), service);
    }

    private static KeyStore load(byte[] bytes, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(bytes), password.toCharArray());
        return store;
    }

    private static Map<String, Object> entries(KeyStore store) throws Exception {
        Map<String, Object> entries = new TreeMap<>();
        for (String alias : Collections.list(store.aliases())) {
            entries.put(alias, store.getCertificate(alias));
        }
        return entries;
    }
}
