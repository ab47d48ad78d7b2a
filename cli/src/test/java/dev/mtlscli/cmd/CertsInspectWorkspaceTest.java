package dev.mtlscli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Openssl;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.CaRollover;
import dev.mtlscli.workspace.ExistingWorkspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs inspect WORKSPACE`: every certificate, key and store that `certs create` wrote, each store
 * opened with its password from the workspace's passwords.json; one section (text) or one list
 * item (json) per file; exit 3 when any file needs attention; one line for a directory that is
 * not a workspace, a missing or damaged passwords.json, a password option, and a link out of it.
 */
class CertsInspectWorkspaceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    private static Workspace pkcs12;
    private static Workspace jks;

    @BeforeAll
    static void createWorkspaces() {
        pkcs12 = Workspace.create(temp.resolve("pkcs12"), "ec-p256", "pkcs12", null);
        jks = Workspace.create(temp.resolve("jks"), "ec-p256", "jks", null);
    }

    /** What `certs create` writes for the demo services, in the order inspect reports it (by path). */
    private static List<String> filesOf(Workspace ws) {
        List<String> files = new ArrayList<>();
        for (String service : Workspace.DEMO_SERVICES) {
            files.addAll(List.of(Workspace.caCertificate(service), Workspace.caKey(service), ws.keyStore(service),
                    ws.trustStore(service), Workspace.serverCertificate(service), Workspace.serverChain(service),
                    Workspace.serverKey(service), Workspace.clientCa(service)));
        }
        return files.stream().sorted().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void everyFileOfTheWorkspaceIsInspectedWithItsPasswordFromPasswordsJson(String storeType) throws Exception {
        Workspace ws = storeType.equals("jks") ? jks : pkcs12;

        JsonNode json = json(Cli.run("certs", "inspect", ws.root().toString(), "--output", "json").assertExit(0, "inspect the workspace"));

        assertEquals(ws.root().toString(), json.path("workspace").asText());
        assertEquals(storeType, json.path("storeType").asText());
        assertEquals(Workspace.DEMO_SERVICES, texts(json.path("services")));
        assertEquals(30, json.path("warnDays").asInt());
        assertFalse(json.path("needsAttention").asBoolean(), json.toPrettyString());
        Map<String, JsonNode> files = byPath(json);
        assertEquals(filesOf(ws), new ArrayList<>(files.keySet()), "every file, in path order");
        for (String service : Workspace.DEMO_SERVICES) {
            JsonNode keyStore = files.get(ws.keyStore(service));
            assertEquals(storeType, keyStore.path("format").asText());
            JsonNode keyEntry = only(keyStore);
            Certificate client = ws.loadKeyStore(service).getCertificate(service);
            assertAll(keyStore.toPrettyString(),
                    () -> assertEquals(service, keyEntry.path("alias").asText()),
                    () -> assertEquals("key-entry", keyEntry.path("kind").asText()),
                    () -> assertTrue(keyEntry.path("keyMatches").asBoolean()),
                    () -> assertTrue(keyEntry.path("chainVerifies").asBoolean()),
                    () -> assertEquals(2, keyEntry.path("certificates").size(), "client certificate and its CA"),
                    () -> assertEquals(fingerprint(client), keyEntry.path("certificates").get(0).path("sha256").asText()));

            JsonNode anchor = only(files.get(ws.trustStore(service)));
            assertAll(anchor.toPrettyString(),
                    () -> assertEquals(service + "-ca", anchor.path("alias").asText()),
                    () -> assertEquals("trusted-certificate", anchor.path("kind").asText()),
                    () -> assertEquals(Openssl.sha256Fingerprint(ws.file(Workspace.caCertificate(service))),
                            anchor.path("certificates").get(0).path("sha256").asText()));

            // the CA key is encrypted with its passwords.json password; both keys are checked against their certificates
            for (String key : List.of(Workspace.caKey(service), Workspace.serverKey(service))) {
                JsonNode keyReport = only(files.get(key));
                assertEquals("private-key", keyReport.path("kind").asText(), key);
                assertTrue(keyReport.path("keyMatches").asBoolean(), key + ": " + keyReport.toPrettyString());
            }
            assertEquals(Openssl.sha256Fingerprint(ws.file(Workspace.serverCertificate(service))),
                    only(files.get(Workspace.serverCertificate(service))).path("certificates").get(0).path("sha256").asText());
            assertEquals(2, only(files.get(Workspace.serverChain(service))).path("certificates").size());
            assertTrue(only(files.get(Workspace.clientCa(service))).path("certificates").get(0).path("ca").asBoolean());
        }
        files.forEach((path, file) -> assertFalse(file.path("needsAttention").asBoolean(), path));
    }

    @Test
    void textHasOneSectionPerFileNamedByItsPathInTheWorkspace() {
        Cli.Result result = Cli.run("certs", "inspect", pkcs12.root().toString()).assertExit(0, "inspect the workspace as text");

        List<String> lines = result.out().lines().toList();
        for (String file : filesOf(pkcs12)) {
            String format = file.endsWith(".p12") ? "pkcs12" : "pem";
            assertTrue(lines.contains(file + " (" + format + ")"), file + " has its section:\n" + result.out());
        }
        String out = result.out();
        assertAll(out,
                () -> assertTrue(out.startsWith("workspace " + pkcs12.root() + " (pkcs12; services service-1, service-2)")),
                () -> assertTrue(out.contains("key-entry 'service-1': chain verifies, private key matches")),
                () -> assertTrue(out.contains("key-entry 'service-2': chain verifies, private key matches")),
                () -> assertTrue(out.contains("trusted-certificate 'service-2-ca': chain verifies")),
                () -> assertTrue(out.contains("private-key: matches its certificate " + Workspace.caCertificate("service-1"))),
                () -> assertTrue(out.contains("private-key: matches its certificate " + Workspace.serverCertificate("service-2"))),
                () -> assertTrue(lines.get(lines.size() - 1).contains("16 files, none needs attention"), out));
        assertEquals("", result.err());
    }

    @Test
    void aClientCertificateThatExpiresWithinWarnDaysNeedsAttention() throws IOException {
        Path spec = Files.writeString(temp.resolve("short-client.json"), """
                {"version": 1, "services": [{"name": "svc", "host": "svc.example.com", "client": {"validityDays": 10}}]}
                """);
        Workspace ws = Workspace.create(temp.resolve("short-client"), "ec-p256", "pkcs12", spec);

        Cli.Result result = Cli.run("certs", "inspect", ws.root().toString(), "--output", "json")
                .assertExit(ExitCodes.ATTENTION, "a client certificate with 9 days left, --warn-days 30");

        JsonNode json = json(result);
        assertTrue(json.path("needsAttention").asBoolean());
        Map<String, JsonNode> files = byPath(json);
        files.forEach((path, file) -> assertEquals(path.equals(ws.keyStore("svc")), file.path("needsAttention").asBoolean(),
                path + " needs attention only where the client certificate is"));
        assertEquals(9, only(files.get(ws.keyStore("svc"))).path("certificates").get(0).path("daysLeft").asLong());
        assertEquals("", result.err(), "needing attention is not an error");

        Cli.Result text = Cli.run("certs", "inspect", ws.root().toString()).assertExit(ExitCodes.ATTENTION, "as text");
        List<String> lines = text.out().lines().toList();
        assertEquals("1 of 8 files needs attention (--warn-days 30): " + ws.keyStore("svc"), lines.get(lines.size() - 1));

        Cli.run("certs", "inspect", ws.root().toString(), "--warn-days", "9").assertExit(0, "9 days left is not within 9 days");
    }

    @Test
    void aServerKeyThatIsNotItsCertificatesNeedsAttention() throws IOException {
        Workspace ws = Workspace.create(temp.resolve("swapped-key"), "ec-p256", "pkcs12", null);
        Files.copy(ws.file(Workspace.serverKey("service-2")), ws.file(Workspace.serverKey("service-1")),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Cli.Result result = Cli.run("certs", "inspect", ws.root().toString()).assertExit(ExitCodes.ATTENTION, "a swapped server key");

        String section = section(result.out(), Workspace.serverKey("service-1") + " (pem)");
        assertTrue(section.contains("private-key: DOES NOT MATCH its certificate " + Workspace.serverCertificate("service-1")), section);
        assertTrue(section(result.out(), Workspace.serverKey("service-2") + " (pem)")
                .contains("private-key: matches its certificate " + Workspace.serverCertificate("service-2")));
    }

    @Test
    void aWorkspaceThroughACaRolloverShowsTheNextAndThePreviousCaWithBothTrusted() throws Exception {
        Workspace ws = Workspace.create(temp.resolve("rollover"), "ec-p256", "pkcs12", null);
        CaRollover rollover = new CaRollover(new SecureRandom());

        rollover.prepare(ExistingWorkspace.open(ws.root()), "service-1");
        Map<String, JsonNode> prepared = byPath(json(Cli.run("certs", "inspect", ws.root().toString(), "--output", "json")
                .assertExit(0, "inspect once the rollover is prepared")));
        assertEquals(sortedWith(filesOf(ws), "ca/service-1/next/ca.crt", "ca/service-1/next/ca.key"), new ArrayList<>(prepared.keySet()));
        assertEquals("ca/service-1/next/ca.crt", prepared.get("ca/service-1/next/ca.key").path("keyOf").asText());
        assertTrue(only(prepared.get("ca/service-1/next/ca.key")).path("keyMatches").asBoolean(), "the next CA's key opens with its password");
        List<String> anchors = new ArrayList<>();
        prepared.get(ws.trustStore("service-1")).path("entries").forEach(entry -> anchors.add(entry.path("alias").asText()));
        assertEquals(List.of(CaRollover.caAlias("service-1"), CaRollover.nextCaAlias("service-1")), anchors);
        // the backend's bundle of both roots is two anchors, not a chain that fails to verify
        JsonNode bundle = prepared.get(Workspace.clientCa("service-1")).path("entries");
        assertEquals(2, bundle.size(), bundle.toPrettyString());
        bundle.forEach(anchor -> assertTrue(anchor.path("chainVerifies").asBoolean() && anchor.path("chainComplete").asBoolean()));

        rollover.issueFromNext(ExistingWorkspace.open(ws.root()), "service-1");
        Map<String, JsonNode> issued = byPath(json(Cli.run("certs", "inspect", ws.root().toString(), "--output", "json")
                .assertExit(0, "inspect once the next CA issued the service's certificates")));
        assertEquals(sortedWith(filesOf(ws), "ca/service-1/previous/ca.crt"), new ArrayList<>(issued.keySet()));
        JsonNode client = only(issued.get(ws.keyStore("service-1")));
        assertTrue(client.path("keyMatches").asBoolean() && client.path("chainVerifies").asBoolean(), client.toPrettyString());
        assertEquals(Openssl.sha256Fingerprint(ws.file(Workspace.caCertificate("service-1"))),
                client.path("certificates").get(1).path("sha256").asText(), "the client certificate is the new CA's");
        assertTrue(only(issued.get(Workspace.caKey("service-1"))).path("keyMatches").asBoolean(), "ca.key is the new CA's");
        assertEquals(2, issued.get(ws.trustStore("service-1")).path("entries").size(), "the previous CA is still trusted");
    }

    private static List<String> sortedWith(List<String> files, String... more) {
        List<String> all = new ArrayList<>(files);
        all.addAll(List.of(more));
        return all.stream().sorted().toList();
    }

    @Test
    void anImportedWorkspaceIsInspectedWithoutTheKeysItDoesNotHold() throws IOException {
        SampleMaterial sample = SampleMaterial.create(temp.resolve("sample"), "localhost");
        Path password = Files.writeString(temp.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
        Path out = temp.resolve("imported");
        Cli.runOk("certs", "import", "--out", out.toString(),
                "--truststore", sample.file("client_truststore.jks").toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString(),
                "--ca-key", sample.file("rootCA-service-1.key").toString(),
                "--service", "service-2", "--keystore", sample.file("client_keystore_2.jks").toString());
        Workspace ws = Workspace.open(out, "pkcs12");

        Cli.Result result = Cli.run("certs", "inspect", out.toString(), "--output", "json").assertExit(0, "inspect the imported workspace");

        Map<String, JsonNode> files = byPath(json(result));
        List<String> expected = filesOf(ws).stream()
                .filter(file -> !file.endsWith("server.key") && !file.equals(Workspace.caKey("service-2"))).toList();
        assertEquals(expected, new ArrayList<>(files.keySet()), "no server keys, and service-2's CA key was not imported");
        assertTrue(only(files.get(Workspace.caKey("service-1"))).path("keyMatches").asBoolean());
        for (String service : Workspace.DEMO_SERVICES) {
            JsonNode client = only(files.get(ws.keyStore(service)));
            assertTrue(client.path("keyMatches").asBoolean() && client.path("chainVerifies").asBoolean(), client.toPrettyString());
            assertEquals(Openssl.sha256Fingerprint(sample.file("client_" + service.substring(service.length() - 1) + ".crt")),
                    client.path("certificates").get(0).path("sha256").asText());
        }
    }

    // ---- refused

    @Test
    void aPasswordOptionWithAWorkspaceIsAUsageError() throws IOException {
        Path password = Files.writeString(temp.resolve("store.pw"), pkcs12.password(pkcs12.keyStore("service-1")) + "\n");

        String line = assertOneLineFailure(BadInputCli.run("certs", "inspect", pkcs12.root().toString(), "--password-file", password.toString()),
                ExitCodes.USAGE, "passwords.json");
        assertTrue(line.contains("--password-file"), line);
        assertFalse(line.contains(pkcs12.password(pkcs12.keyStore("service-1"))), line);
    }

    @Test
    void aDirectoryThatIsNotAWorkspaceIsRefusedSayingWhatInspectTakes() throws IOException {
        Path directory = Files.createDirectories(temp.resolve("plain"));
        Files.writeString(directory.resolve("notes.txt"), "not a workspace\n");

        String line = assertOneLineFailure(BadInputCli.run("certs", "inspect", directory.toString()), ExitCodes.FAILED,
                "is a directory but not an mtls-cli workspace");
        assertTrue(line.contains(directory.toString()) && line.contains("PEM, PKCS12 or JKS file"), line);
    }

    @Test
    void aWorkspaceWithoutItsPasswordsFileIsRefusedNamingIt() throws IOException {
        Workspace ws = Workspace.create(temp.resolve("no-passwords"), "ec-p256", "pkcs12", null);
        Files.delete(ws.file("passwords.json"));

        String line = assertOneLineFailure(BadInputCli.run("certs", "inspect", ws.root().toString()), ExitCodes.FAILED,
                "passwords.json");
        assertTrue(line.contains(ws.root().toString()), line);
    }

    @Test
    void aDamagedPasswordsFileIsRefusedNamingItAndNoSecret() throws IOException {
        Workspace ws = Workspace.create(temp.resolve("damaged-passwords"), "ec-p256", "pkcs12", null);
        String secret = ws.password(ws.keyStore("service-1"));
        Path passwords = ws.file("passwords.json");
        String whole = Files.readString(passwords);
        Files.writeString(passwords, whole.substring(0, whole.indexOf(secret) + secret.length() / 2));

        String line = assertOneLineFailure(BadInputCli.run("certs", "inspect", ws.root().toString()), ExitCodes.FAILED,
                passwords.toString());
        assertFalse(line.contains(secret.substring(0, secret.length() / 2)), "no part of a password in: " + line);
    }

    @Test
    void aStoreThatLinksOutOfTheWorkspaceIsNotFollowed() throws IOException {
        Workspace ws = Workspace.create(temp.resolve("linked"), "ec-p256", "pkcs12", null);
        Path keyStore = ws.file(ws.keyStore("service-1"));
        Path outside = Files.move(keyStore, temp.resolve("outside-keystore.p12"));
        Files.createSymbolicLink(keyStore, outside);

        BadInputCli.Result result = BadInputCli.run("certs", "inspect", ws.root().toString());

        String line = assertOneLineFailure(result, ExitCodes.FAILED, "symbolic link");
        assertTrue(line.contains(ws.keyStore("service-1")), line);
        assertEquals("", result.out(), "nothing is reported of a workspace that cannot be read whole");
    }

    @Test
    void aDirectoryOfTheWorkspaceThatLinksOutOfItIsNotFollowed() throws IOException {
        Workspace ws = Workspace.create(temp.resolve("linked-dir"), "ec-p256", "pkcs12", null);
        Path servers = ws.file("servers/service-2");
        Path outside = Files.move(servers, temp.resolve("outside-servers"));
        Files.createSymbolicLink(servers, outside);

        String line = assertOneLineFailure(BadInputCli.run("certs", "inspect", ws.root().toString()), ExitCodes.FAILED,
                "symbolic link");
        assertTrue(line.contains("servers/service-2/"), line);
    }

    // ---- helpers

    private static JsonNode json(Cli.Result result) throws IOException {
        return JSON.readTree(result.out());
    }

    private static Map<String, JsonNode> byPath(JsonNode json) {
        Map<String, JsonNode> files = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (JsonNode file : json.path("files")) {
            files.put(file.path("path").asText(), file);
            order.add(file.path("path").asText());
        }
        assertEquals(order.stream().sorted().toList(), order, "files are listed by path");
        return files;
    }

    private static JsonNode only(JsonNode file) {
        assertEquals(1, file.path("entries").size(), file.toPrettyString());
        return file.path("entries").get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** A file's section of the text: its heading and the lines up to the next file's heading. */
    private static String section(String out, String heading) {
        List<String> lines = out.lines().toList();
        int start = lines.indexOf(heading);
        assertTrue(start >= 0, "no section " + heading + " in:\n" + out);
        StringBuilder section = new StringBuilder(heading);
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.matches("\\S+ \\((pem|pkcs12|jks|der)\\)")) {
                break;
            }
            section.append('\n').append(line);
        }
        return section.toString();
    }

    private static String fingerprint(Certificate certificate) throws Exception {
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }
}
