package dev.mtlscli.importing;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.runtime.MtlsClients;
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
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs rekey` right after `certs import` of material made the way the AWS sample makes it:
 * every key the sample made (and that its layers still hold under "secret") is replaced, every
 * store gets a new password, and the runtime gets 200 from nginx running the new server key.
 * Keys are compared with what openssl and keytool read from the sample's own files.
 */
class CertsRekeyTest {
    @TempDir
    static Path shared;

    private static SampleMaterial sample;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeSampleMaterial() {
        sample = SampleMaterial.create(shared.resolve("sample"), "localhost");
    }

    /** The sample's stores into a workspace; service-2's CA key only when asked. */
    private Path importSample(boolean service2CaKey) throws IOException {
        Path out = temp.resolve("ws");
        Path password = Files.writeString(temp.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
        List<String> args = new ArrayList<>(List.of("certs", "import", "--out", out.toString(),
                "--truststore", sample.file("client_truststore.jks").toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString(),
                "--ca-key", sample.file("rootCA-service-1.key").toString(),
                "--service", "service-2", "--keystore", sample.file("client_keystore_2.jks").toString()));
        if (service2CaKey) {
            args.addAll(List.of("--ca-key", sample.file("rootCA-service-2.key").toString()));
        }
        Cli.Result imported = Cli.run(args.toArray(String[]::new)).assertExit(0, "import");
        assertTrue(imported.out().contains("mtls-cli certs rekey --workspace " + out + (service2CaKey ? "\n" : " --new-ca\n")),
                imported.out());
        return out;
    }

    @Test
    void fromTheSameCaEveryKeyAndPasswordIsNewAndTheRuntimeGets200() throws Exception {
        Path out = importSample(true);
        Workspace before = Workspace.open(out, "pkcs12");
        Cli.Result rekey = Cli.run("certs", "rekey", "--workspace", out.toString()).assertExit(0, "rekey");
        assertTrue(rekey.out().contains("stays valid at the backend until"), rekey.out());
        Workspace ws = Workspace.open(out, "pkcs12");

        for (int n = 1; n <= 2; n++) {
            String service = "service-" + n;
            Path root = sample.file("rootCA-service-" + n + ".crt");
            Path client = exportClientCertificate(ws, service);
            assertNotEquals(publicKey(sample.file("client_" + n + ".crt")), publicKey(client), service + ": a new client key");
            assertNotEquals(keytoolPublicKey(sample.file("client_keystore_" + n + ".jks"), SampleMaterial.PASSWORD), publicKey(client));
            Path server = ws.file(Workspace.serverCertificate(service));
            assertNotEquals(publicKey(sample.file("backend_service_" + n + ".crt")), publicKey(server), service + ": a new server key");
            assertEquals(publicKey(server), Tool.openssl("pkey", "-in", ws.file(Workspace.serverKey(service)).toString(), "-pubout")
                    .runOk().out(), "server.key belongs to server.crt");
            verifies(root, client);
            verifies(root, server);
            assertEquals(List.of(Pem.certificate(root)), Pem.certificates(ws.file(Workspace.clientCa(service))));
            assertEquals(Map.of(service + "-ca", Pem.certificate(root)), entries(ws.loadTrustStore(service)));
            oldPasswordsOpenNothing(before, ws, service);
        }
        assertTrue(ws.passwords().keySet().containsAll(before.passwords().keySet()));

        runtimeGets200(out, ws);
        // the ownership record follows the re-keyed files: --force may replace the workspace
        Cli.run("certs", "create", "--out", out.toString(), "--force").assertExit(0, "certs create --force after rekey");
    }

    @Test
    void withANewCaBothCasAreTrustedDuringTheOverlapAndTheRuntimeGets200() throws Exception {
        Path out = importSample(false);
        Workspace before = Workspace.open(out, "pkcs12");
        Cli.run("certs", "rekey", "--workspace", out.toString(), "--new-ca").assertExit(0, "rekey --new-ca");
        Workspace ws = Workspace.open(out, "pkcs12");

        for (int n = 1; n <= 2; n++) {
            String service = "service-" + n;
            X509Certificate oldRoot = Pem.certificate(sample.file("rootCA-service-" + n + ".crt"));
            Path newRoot = ws.file(Workspace.caCertificate(service));
            assertNotEquals(oldRoot, Pem.certificate(newRoot), service + ": a new CA");
            Path client = exportClientCertificate(ws, service);
            Path server = ws.file(Workspace.serverCertificate(service));
            assertNotEquals(publicKey(sample.file("client_" + n + ".crt")), publicKey(client));
            assertNotEquals(publicKey(sample.file("backend_service_" + n + ".crt")), publicKey(server));
            verifies(newRoot, client);
            verifies(newRoot, server);
            assertEquals(Map.of(service + "-ca", oldRoot, service + "-ca-next", Pem.certificate(newRoot)),
                    entries(ws.loadTrustStore(service)), "the truststore trusts the old and the new CA during the overlap");
            assertEquals(List.of(oldRoot, Pem.certificate(newRoot)), Pem.certificates(ws.file(Workspace.clientCa(service))));
            assertEquals(oldRoot, Pem.certificate(ws.file("ca/" + service + "/previous/ca.crt")));
            String caKey = ws.file(Workspace.caKey(service)).toString();
            Tool.openssl("pkey", "-in", caKey, "-passin", "env:P", "-noout").env("P", ws.password(Workspace.caKey(service))).runOk();
            assertNotEquals(0, Tool.openssl("pkey", "-in", caKey, "-passin", "pass:", "-noout").run().exitCode(),
                    "the new CA key is stored encrypted");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ws.file(Workspace.caKey(service)))));
            oldPasswordsOpenNothing(before, ws, service);
        }
        assertFalse(Files.exists(ws.file("ca/service-2/imported-without-key")), "service-2 now has a CA of its own");

        runtimeGets200(out, ws);
        Cli.run("certs", "create", "--out", out.toString(), "--force").assertExit(0, "certs create --force after rekey --new-ca");
    }

    /** Neither "secret" nor any password of the workspace before opens a store or the CA key now. */
    private static void oldPasswordsOpenNothing(Workspace before, Workspace ws, String service) {
        for (String store : List.of(ws.keyStore(service), ws.trustStore(service))) {
            assertNotEquals(before.password(store), ws.password(store), store + ": a new password");
            for (String old : List.of(SampleMaterial.PASSWORD, before.password(store))) {
                Tool.Result opened = Tool.keytool("-list", "-keystore", ws.file(store).toString(), "-storetype", "PKCS12",
                        "-storepass:env", "P").env("P", old).run();
                assertNotEquals(0, opened.exitCode(), "an old password opens " + store);
            }
            Tool.keytool("-list", "-keystore", ws.file(store).toString(), "-storetype", "PKCS12", "-storepass:env", "P")
                    .env("P", ws.password(store)).runOk();
        }
        String caKey = Workspace.caKey(service);
        if (before.passwords().containsKey(caKey)) {
            assertNotEquals(before.password(caKey), ws.password(caKey));
            assertNotEquals(0, Tool.openssl("pkey", "-in", ws.file(caKey).toString(), "-passin", "env:P", "-noout")
                    .env("P", before.password(caKey)).run().exitCode(), "the old password opens " + caKey);
        }
    }

    /** Published to the fake AWS, unzipped as Lambda would, the runtime against nginx running the new server key. */
    private void runtimeGets200(Path out, Workspace ws) throws Exception {
        Tool.require("nginx");
        Path opt = temp.resolve("opt");
        try (FakeAws aws = FakeAws.start();
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(
                     NginxBackends.sampleBackend("service-1", ws, "service-1", "TLSv1.2"),
                     NginxBackends.sampleBackend("service-2", ws, "service-2", NginxBackends.TLS_1_2_AND_1_3)));
             SsmClient ssm = FakeAwsCli.ssm(aws)) {
            FakeAwsCli.run(aws, "layer", "publish", "--workspace", out.toString()).assertExit(0, "layer publish");
            for (String service : List.of("service-1", "service-2")) {
                LayerZips.unzip(FakeAwsCli.layerContent(aws, "mtls-" + service, 1)).forEach((name, bytes) -> {
                    try {
                        Files.createDirectories(opt.resolve(name).getParent());
                        Files.write(opt.resolve(name), bytes);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
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
            }
        }
    }

    /** The client certificate as keytool exports it from the re-keyed keystore. */
    private Path exportClientCertificate(Workspace ws, String service) {
        Path pem = temp.resolve(service + "-client.pem");
        Tool.keytool("-exportcert", "-rfc", "-alias", service, "-keystore", ws.file(ws.keyStore(service)).toString(),
                "-storetype", "PKCS12", "-storepass:env", "P", "-file", pem.toString()).env("P", ws.password(ws.keyStore(service))).runOk();
        return pem;
    }

    /** The public key of the key entry of a sample keystore, as keytool exports its certificate. */
    private String keytoolPublicKey(Path keyStore, String password) {
        Path pem = temp.resolve(keyStore.getFileName() + ".pem");
        Tool.keytool("-exportcert", "-rfc", "-alias", "lambda", "-keystore", keyStore.toString(), "-storetype", "JKS",
                "-storepass:env", "P", "-file", pem.toString()).env("P", password).runOk();
        return publicKey(pem);
    }

    private static String publicKey(Path certificate) {
        return Tool.openssl("x509", "-in", certificate.toString(), "-pubkey", "-noout").runOk().out();
    }

    private static void verifies(Path root, Path certificate) {
        Tool.Result result = Tool.openssl("verify", "-CAfile", root.toString(), certificate.toString()).runOk();
        assertTrue(result.out().contains(": OK"), result.out());
    }

    private static Map<String, X509Certificate> entries(KeyStore store) throws Exception {
        Map<String, X509Certificate> entries = new HashMap<>();
        for (String alias : Collections.list(store.aliases())) {
            entries.put(alias, (X509Certificate) store.getCertificate(alias));
        }
        return entries;
    }
}
