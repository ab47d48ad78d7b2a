package dev.mtlscli.importing;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.runtime.layer.LayerManifests;
import dev.mtlscli.runtime.layer.ParameterRef;
import dev.mtlscli.runtime.secrets.SsmPasswords;
import dev.mtlscli.runtime.tls.TlsPolicy;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.SsmClient;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs import` on stores made the way the AWS sample makes them (openssl + keytool, JKS,
 * password "secret"), then `layer publish` to the fake AWS, then MtlsClients against nginx
 * configured as the sample's backend: the path of a user moving onto mtls-cli.
 */
class CertsImportTest {
    @TempDir
    static Path shared;

    private static SampleMaterial sample;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeSampleMaterial() {
        sample = SampleMaterial.create(shared.resolve("sample"), "localhost");
    }

    private Path passwordFile() throws IOException {
        return Files.writeString(temp.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
    }

    private Cli.Result importBoth(Path out, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(List.of("certs", "import", "--out", out.toString(),
                "--truststore", sample.file("client_truststore.jks").toString(), "--password-file", passwordFile().toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString(),
                "--ca-key", sample.file("rootCA-service-1.key").toString(),
                "--service", "service-2", "--keystore", sample.file("client_keystore_2.jks").toString()));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void theSamplesStoresBecomeAWorkspaceWithGeneratedPasswordsAndOneTruststorePerService() throws Exception {
        Path out = temp.resolve("ws");
        Cli.Result result = importBoth(out).assertExit(0, "import");
        Workspace ws = Workspace.open(out, "pkcs12");

        assertTrue(result.out().contains("service-1  host localhost"), result.out());
        assertTrue(result.out().contains("from entry 'lambda'"), result.out());
        assertTrue(result.out().contains("from the truststore, entry 'backend_service_1'"), result.out());
        // the sample signs its backend certificates without extensions; its CA and client have them
        assertTrue(result.out().lines().anyMatch(l -> l.startsWith("  backend ") && l.endsWith("no extensions (X.509 v1)")), result.out());
        assertTrue(result.out().lines().noneMatch(l -> l.startsWith("  backend ") && l.contains("EKU")), result.out());
        assertTrue(result.out().contains("key imported, encrypted: ca/service-1/ca.key"), result.out());
        assertTrue(result.out().contains("key not imported: rotate cannot renew locally"), result.out());
        assertTrue(result.err().contains("warning: ") && result.err().contains("trusts leaf certificates directly: backend_service_1"),
                result.err());

        for (int n = 1; n <= 2; n++) {
            String service = "service-" + n;
            X509Certificate root = Pem.certificate(sample.file("rootCA-service-" + n + ".crt"));
            KeyStore keyStore = ws.loadKeyStore(service);
            assertEquals(List.of(service), Collections.list(keyStore.aliases()), "one key entry, named after the service");
            assertEquals(Pem.certificate(sample.file("client_" + n + ".crt")), keyStore.getCertificate(service));
            assertEquals(root, keyStore.getCertificateChain(service)[1], "the chain carries the sample's root CA");
            assertEquals(Map.of(service + "-ca", root), entries(ws.loadTrustStore(service)),
                    "the service's truststore trusts its CA only, not the other service's, not the leaf");
            assertEquals(List.of(root), Pem.certificates(ws.file(Workspace.caCertificate(service))));
            assertEquals(List.of(root), Pem.certificates(ws.file(Workspace.clientCa(service))));
            assertEquals(Pem.certificate(sample.file("backend_service_" + n + ".crt")), Pem.certificate(ws.file(Workspace.serverCertificate(service))));
            assertEquals(List.of(Pem.certificate(sample.file("backend_service_" + n + ".crt")), root),
                    Pem.certificates(ws.file(Workspace.serverChain(service))));
            assertFalse(Files.exists(ws.file(Workspace.serverKey(service))), "the backend's key stays with the backend");
            for (String store : List.of(ws.keyStore(service), ws.trustStore(service))) {
                assertNotEquals(SampleMaterial.PASSWORD, ws.password(store));
                assertEquals(32, ws.password(store).length());
                Tool.Result old = Tool.keytool("-list", "-keystore", ws.file(store).toString(), "-storetype", "PKCS12",
                        "-storepass:env", "P").env("P", SampleMaterial.PASSWORD).run();
                assertNotEquals(0, old.exitCode(), "the sample's password no longer opens " + store);
            }
        }
        Tool.openssl("pkey", "-in", ws.file(Workspace.caKey("service-1")).toString(), "-passin", "env:P", "-noout")
                .env("P", ws.password(Workspace.caKey("service-1"))).runOk();
        assertNotEquals(0, Tool.openssl("pkey", "-in", ws.file(Workspace.caKey("service-1")).toString(), "-passin", "pass:", "-noout")
                .run().exitCode(), "the CA key is stored encrypted");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.file(Workspace.caKey("service-1")))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.file("passwords.json"))));
        assertFalse(Files.exists(ws.file(Workspace.caKey("service-2"))));
        assertTrue(Files.isRegularFile(ws.file("ca/service-2/imported-without-key")));
        assertFalse(Files.readString(ws.file("passwords.json")).contains("\"" + SampleMaterial.PASSWORD + "\""));
    }

    @Test
    void theReportAsJsonNamesWhatWasFoundAndWhereItCameFrom() throws Exception {
        Cli.Result result = importBoth(temp.resolve("ws"), "--output", "json").assertExit(0, "import");

        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.out());
        com.fasterxml.jackson.databind.JsonNode first = json.path("services").get(0);
        assertEquals("service-1", first.path("name").asText());
        assertEquals("lambda", first.path("alias").asText());
        assertTrue(first.path("caKeyImported").asBoolean());
        assertFalse(json.path("services").get(1).path("caKeyImported").asBoolean());
        assertEquals("the truststore, entry 'backend_service_1'", first.path("serverSource").asText());
        assertEquals(first.path("ca").path("subject").asText(), first.path("client").path("issuer").asText(), "which CA signed what");
        assertEquals(first.path("ca").path("subject").asText(), first.path("trusts").path("subject").asText());
        assertTrue(first.path("client").path("daysLeft").asInt() > 300, first.toString());
        assertTrue(json.path("warnings").get(0).asText().contains("trusts leaf certificates directly"), json.toString());
        assertTrue(json.path("files").toString().contains("ca/service-2/imported-without-key"), json.toString());
    }

    @Test
    void importedThenPublishedTheRuntimeGets200FromTheSamplesBackend() throws Exception {
        Tool.require("nginx");
        Path out = temp.resolve("ws");
        importBoth(out).assertExit(0, "import");
        Path opt = temp.resolve("opt");
        try (FakeAws aws = FakeAws.start();
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                     sampleBackend("service-1", 1, "TLSv1.2"), sampleBackend("service-2", 2, NginxBackends.TLS_1_2_AND_1_3)));
             SsmClient ssm = FakeAwsCli.ssm(aws)) {
            FakeAwsCli.run(aws, "layer", "publish", "--workspace", out.toString()).assertExit(0, "layer publish");
            for (String service : List.of("service-1", "service-2")) {
                LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-" + service, 1)).forEach((name, bytes) -> {
                    try {
                        Files.createDirectories(opt.resolve(name).getParent());
                        Files.write(opt.resolve(name), bytes);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }

            MtlsClients clients = MtlsClients.builder().layerRoot(opt).tlsPolicy(TlsPolicy.DEFAULT)
                    .passwords(new SsmPasswords(ssm)).services("service-1", "service-2").build();
            for (int n = 1; n <= 2; n++) {
                String service = "service-" + n;
                HttpResponse<String> response = clients.client(service).get(nginx.uri(service));
                assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
                assertEquals("{\"hello\": \"from backend service " + n + "\"}", response.body());
                assertEquals(n == 1 ? "TLSv1.2" : "TLSv1.3", response.sslSession().orElseThrow().getProtocol());
            }
        }
    }

    @Test
    void importedWithALayerDirTheRuntimeGets200FromTheSamplesBackendWithoutPublishing() throws Exception {
        Tool.require("nginx");
        Path out = temp.resolve("ws");
        Path layer = temp.resolve("layer");
        Cli.Result result = importBoth(out, "--layer-dir", layer.toString()).assertExit(0, "import --layer-dir");
        assertTrue(result.out().contains("Layer content in " + layer), result.out());
        Workspace ws = Workspace.open(out, "pkcs12");

        Path created = temp.resolve("created-layer");
        Cli.runOk("certs", "create", "--out", temp.resolve("created").toString(), "--layer-dir", created.toString());
        assertEquals(relativeFiles(created), relativeFiles(layer), "the layer directory holds what certs create writes");
        for (String service : List.of("service-1", "service-2")) {
            Path dir = layer.resolve("mtls").resolve(service);
            assertTrue(Arrays.equals(Files.readAllBytes(ws.file(ws.keyStore(service))), Files.readAllBytes(dir.resolve("keystore.p12"))));
            assertTrue(Arrays.equals(Files.readAllBytes(ws.file(ws.trustStore(service))), Files.readAllBytes(dir.resolve("truststore.p12"))));
            LayerManifest manifest = LayerManifests.read(dir.resolve(LayerManifest.FILE_NAME));
            assertEquals(service, manifest.service());
            assertEquals("localhost", manifest.host());
            assertEquals(new ParameterRef("/mtls/" + service + "/keystore-password", 1), manifest.keyStore().password());
        }

        try (FakeAws aws = FakeAws.start();
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                     sampleBackend("service-1", 1, null), sampleBackend("service-2", 2, "TLSv1.2")));
             SsmClient ssm = FakeAwsCli.ssm(aws)) {
            // what layer publish would put in SSM: each password at version 1, the one the manifests pin
            for (String service : List.of("service-1", "service-2")) {
                aws.ssm().put("/mtls/" + service + "/keystore-password", ws.password(ws.keyStore(service)), true);
                aws.ssm().put("/mtls/" + service + "/truststore-password", ws.password(ws.trustStore(service)), true);
            }
            MtlsClients clients = MtlsClients.builder().layerRoot(layer).tlsPolicy(TlsPolicy.DEFAULT)
                    .passwords(new SsmPasswords(ssm)).services("service-1", "service-2").build();
            for (int n = 1; n <= 2; n++) {
                String service = "service-" + n;
                HttpResponse<String> response = clients.client(service).get(nginx.uri(service));
                assertEquals(200, response.statusCode(), () -> response.body() + "\n" + nginx.errorLog());
                assertEquals("{\"hello\": \"from backend service " + n + "\"}", response.body());
            }
        }
    }

    @Test
    void layerBuildWritesTheSameLayerDirectoryFromTheImportedWorkspace() throws Exception {
        Path out = temp.resolve("ws");
        Path withImport = temp.resolve("layer-with-import");
        importBoth(out, "--layer-dir", withImport.toString()).assertExit(0, "import --layer-dir");
        Path built = temp.resolve("built");

        Cli.Result result = Cli.runOk("layer", "build", "--workspace", out.toString(), "--layer-dir", built.toString());

        assertTrue(result.out().contains("mtls/service-2/manifest.json"), result.out());
        assertEquals(relativeFiles(withImport), relativeFiles(built));
        for (Path file : relativeFiles(built)) {
            assertTrue(Arrays.equals(Files.readAllBytes(withImport.resolve(file)), Files.readAllBytes(built.resolve(file))), file.toString());
        }
        Cli.Result one = Cli.runOk("layer", "build", "--workspace", out.toString(), "--layer-dir", built.toString(),
                "--service", "service-1", "--force");
        assertFalse(one.out().contains("service-2"), one.out());
        assertFalse(Files.exists(built.resolve("mtls/service-2")), "--force replaced the layer directory it wrote");
    }

    private static List<Path> relativeFiles(Path root) throws IOException {
        try (var files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(root::relativize)
                    .filter(file -> !file.toString().equals(".mtls-cli-files")).sorted().toList();
        }
    }

    /** The sample's backend: its leaf certificate and key as made by the sample's script, its root CA for clients. */
    private static NginxBackends.Backend sampleBackend(String name, int n, String sslProtocols) {
        return new NginxBackends.Backend(name, sample.file("backend_service_" + n + ".crt"), sample.file("backend_service_" + n + ".key"),
                sample.file("rootCA-service-" + n + ".crt"), "{\"hello\": \"from backend service " + n + "\"}", sslProtocols, true);
    }

    @Test
    void anImportedServiceWithoutItsCaKeyIsPublishedButNotRenewedLocally() throws Exception {
        Path out = temp.resolve("ws");
        importBoth(out).assertExit(0, "import");
        try (FakeAws aws = FakeAws.start()) {
            FakeAwsCli.run(aws, "layer", "publish", "--workspace", out.toString()).assertExit(0, "layer publish");

            Cli.Result rotate = FakeAwsCli.run(aws, "rotate", "--service", "service-2", "--workspace", out.toString(), "--force");

            assertEquals(1, rotate.exitCode(), rotate.err());
            assertEquals(1, rotate.err().lines().count(), rotate.err());
            assertTrue(rotate.err().contains("imported without the key of its CA, so mtls-cli cannot renew its certificates locally"),
                    rotate.err());
            assertTrue(rotate.err().contains("--new-ca") && rotate.err().contains("--ca acm-pca"), rotate.err());
            assertEquals(1, aws.lambda().layerVersions("mtls-service-2").size(), "nothing published");
        }
    }

    @Test
    void withoutItsCaKeyAServiceGetsACaOfItsOwnByARollover() throws Exception {
        Path out = temp.resolve("ws");
        importBoth(out).assertExit(0, "import");
        X509Certificate sampleRoot = Pem.certificate(sample.file("rootCA-service-2.crt"));
        try (FakeAws aws = FakeAws.start()) {
            FakeAwsCli.run(aws, "layer", "publish", "--workspace", out.toString()).assertExit(0, "layer publish");

            FakeAwsCli.run(aws, "rotate", "--service", "service-2", "--workspace", out.toString(), "--new-ca")
                    .assertExit(3, "prepare the rollover");
            FakeAwsCli.run(aws, "rotate", "--service", "service-2", "--workspace", out.toString(), "--new-ca",
                    "--backend-trusts-new-ca").assertExit(3, "issue from the new CA");
            FakeAwsCli.run(aws, "rotate", "--service", "service-2", "--workspace", out.toString(), "--complete-ca-rollover")
                    .assertExit(0, "complete");
        }
        Workspace ws = Workspace.open(out, "pkcs12");
        X509Certificate ca = Pem.certificate(ws.file(Workspace.caCertificate("service-2")));
        assertNotEquals(sampleRoot, ca);
        assertTrue(Files.isRegularFile(ws.file(Workspace.caKey("service-2"))), "the new CA's key is the workspace's own");
        assertFalse(Files.exists(ws.file("ca/service-2/imported-without-key")));
        assertEquals(Map.of("service-2-ca", ca), entries(ws.loadTrustStore("service-2")));
        assertEquals(ca.getSubjectX500Principal(),
                ((X509Certificate) ws.loadKeyStore("service-2").getCertificate("service-2")).getIssuerX500Principal());
        assertTrue(Files.isRegularFile(ws.file(Workspace.serverKey("service-2"))), "a new backend key and certificate to deploy");
    }

    private static Map<String, Object> entries(KeyStore store) throws Exception {
        Map<String, Object> entries = new java.util.TreeMap<>();
        for (String alias : Collections.list(store.aliases())) {
            entries.put(alias, store.getCertificate(alias));
        }
        return entries;
    }
}
