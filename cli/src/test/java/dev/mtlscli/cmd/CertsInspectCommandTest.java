package dev.mtlscli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Openssl;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs inspect` on what `certs create` writes: PEM certificates, the server chain, PKCS12 and
 * JKS stores (passwords from a file, stdin or the environment, never argv), text and JSON, the
 * --warn-days exit code, and a key that does not match its certificate.
 */
class CertsInspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    private static Workspace pkcs12;
    private static Workspace jks;

    @BeforeAll
    static void createWorkspaces() {
        Tool.require("openssl");
        // default validity: 365-day leaves, 3650-day CAs
        pkcs12 = Workspace.create(temp.resolve("pkcs12"), "ec-p256", "pkcs12", null);
        jks = Workspace.create(temp.resolve("jks"), "ec-p256", "jks", null);
    }

    // ---- PEM

    @Test
    void pemCertificateAsText() {
        Path server = pkcs12.file(Workspace.serverCertificate("service-1"));

        Cli.Result result = Cli.run("certs", "inspect", server.toString()).assertExit(0, "inspect server.crt");

        String out = result.out();
        assertAll(out,
                () -> assertTrue(out.startsWith(server + " (pem)")),
                () -> assertTrue(out.contains("certificates: chain verifies")),
                () -> assertTrue(line(out, "[0] subject").contains("CN=backend-service-1.com")),
                () -> assertTrue(line(out, "issuer").contains("CN=service-1 Root CA")),
                () -> assertEquals("SAN       DNS:backend-service-1.com", line(out, "SAN")),
                () -> assertEquals("key usage digitalSignature", line(out, "key usage")),
                () -> assertEquals("EKU       serverAuth", line(out, "EKU")),
                () -> assertEquals("key       EC 256", line(out, "key  ")),
                () -> assertTrue(line(out, "valid").endsWith("(364 days left)")),
                () -> assertEquals("sha256    " + Openssl.sha256Fingerprint(server), line(out, "sha256")));
        assertEquals("", result.err());
    }

    @Test
    void pemCertificateAsJson() throws IOException {
        Path server = pkcs12.file(Workspace.serverCertificate("service-1"));

        JsonNode json = json(Cli.run("certs", "inspect", server.toString(), "--output", "json").assertExit(0, "inspect --output json"));

        assertEquals(server.toString(), json.path("path").asText());
        assertEquals("pem", json.path("format").asText());
        assertEquals(1, json.path("entries").size());
        JsonNode entry = json.path("entries").get(0);
        assertEquals("certificates", entry.path("kind").asText());
        assertTrue(entry.path("chainVerifies").asBoolean());
        assertTrue(entry.path("keyMatches").isMissingNode(), "no key in the file, so no keyMatches");
        assertEquals(1, entry.path("certificates").size());
        JsonNode certificate = entry.path("certificates").get(0);
        assertAll(certificate.toPrettyString(),
                () -> assertTrue(certificate.path("subject").asText().contains("CN=backend-service-1.com")),
                () -> assertTrue(certificate.path("subject").asText().contains("O=mtls-cli demo")),
                () -> assertTrue(certificate.path("issuer").asText().contains("CN=service-1 Root CA")),
                () -> assertEquals(List.of("DNS:backend-service-1.com"), texts(certificate.path("subjectAltNames"))),
                () -> assertEquals(List.of("serverAuth"), texts(certificate.path("extendedKeyUsage"))),
                () -> assertEquals(List.of("digitalSignature"), texts(certificate.path("keyUsage"))),
                () -> assertFalse(certificate.path("ca").asBoolean()),
                () -> assertEquals("EC", certificate.path("keyType").asText()),
                () -> assertEquals(256, certificate.path("keySize").asInt()),
                () -> assertEquals(364, certificate.path("daysLeft").asLong()),
                () -> assertEquals(Openssl.serial(server), new java.math.BigInteger(certificate.path("serial").asText(), 16)),
                () -> assertEquals(Openssl.sha256Fingerprint(server), certificate.path("sha256").asText()),
                () -> assertEquals(Pem.certificate(server).getNotAfter().toInstant().toString(), certificate.path("notAfter").asText()));
        assertEquals(30, json.path("warnDays").asInt());
        assertFalse(json.path("needsAttention").asBoolean());
    }

    @Test
    void serverChainAsJson() throws IOException {
        Path chain = pkcs12.file(Workspace.serverChain("service-2"));

        JsonNode json = json(Cli.run("certs", "inspect", chain.toString(), "--output", "json").assertExit(0, "inspect server-chain.crt"));

        JsonNode entry = json.path("entries").get(0);
        assertTrue(entry.path("chainVerifies").asBoolean(), entry.toPrettyString());
        JsonNode certificates = entry.path("certificates");
        assertEquals(2, certificates.size());
        JsonNode leaf = certificates.get(0);
        JsonNode ca = certificates.get(1);
        assertAll(certificates.toPrettyString(),
                () -> assertEquals(List.of("DNS:backend-service-2.com"), texts(leaf.path("subjectAltNames"))),
                () -> assertEquals(List.of("serverAuth"), texts(leaf.path("extendedKeyUsage"))),
                () -> assertFalse(leaf.path("ca").asBoolean()),
                () -> assertEquals(Openssl.sha256Fingerprint(pkcs12.file(Workspace.serverCertificate("service-2"))), leaf.path("sha256").asText()),
                () -> assertTrue(ca.path("ca").asBoolean()),
                () -> assertEquals(List.of("keyCertSign", "cRLSign"), texts(ca.path("keyUsage"))),
                () -> assertEquals(List.of(), texts(ca.path("extendedKeyUsage"))),
                () -> assertEquals(ca.path("subject").asText(), ca.path("issuer").asText()),
                () -> assertEquals(leaf.path("issuer").asText(), ca.path("subject").asText()),
                () -> assertEquals(Openssl.sha256Fingerprint(pkcs12.file(Workspace.caCertificate("service-2"))), ca.path("sha256").asText()),
                () -> assertEquals(3649, ca.path("daysLeft").asLong()));
    }

    @Test
    void chainOfAnotherCaDoesNotVerify() throws IOException {
        // service-1's server certificate followed by service-2's CA: the file's chain is broken
        Path broken = concatenate("broken-chain.pem", pkcs12.file(Workspace.serverCertificate("service-1")),
                pkcs12.file(Workspace.caCertificate("service-2")));

        Cli.Result result = Cli.run("certs", "inspect", broken.toString(), "--output", "json").assertExit(3, "a broken chain needs attention");

        assertFalse(json(result).path("entries").get(0).path("chainVerifies").asBoolean(), result.out());
        assertTrue(Cli.run("certs", "inspect", broken.toString()).out().contains("chain DOES NOT VERIFY"));
    }

    @Test
    void encryptedCaKeyWithItsCertificateOpensOnlyWithItsPassword() throws IOException {
        Path pem = concatenate("ca-bundle.pem", pkcs12.file(Workspace.caKey("service-1")), pkcs12.file(Workspace.caCertificate("service-1")));

        JsonNode json = json(Cli.run("certs", "inspect", pem.toString(),
                "--password-file", passwordFile(pkcs12.password(Workspace.caKey("service-1"))).toString(), "--output", "json")
                .assertExit(0, "inspect ca.key + ca.crt with the password of passwords.json"));
        JsonNode entry = json.path("entries").get(0);
        assertTrue(entry.path("keyMatches").asBoolean(), entry.toPrettyString());
        assertTrue(entry.path("chainVerifies").asBoolean(), entry.toPrettyString());
        assertTrue(entry.path("certificates").get(0).path("ca").asBoolean(), entry.toPrettyString());

        Cli.Result noPassword = Cli.run("certs", "inspect", pem.toString()).assertExit(1, "encrypted key without a password");
        assertEquals(1, noPassword.errLines().size(), noPassword.err());
        assertTrue(noPassword.err().contains("holds an encrypted private key"), noPassword.err());

        Cli.Result wrong = Cli.run("certs", "inspect", pem.toString(), "--password-file", passwordFile("wrong").toString())
                .assertExit(1, "encrypted key with a wrong password");
        assertEquals(1, wrong.errLines().size(), wrong.err());
        assertTrue(wrong.err().contains("wrong password for the encrypted private key"), wrong.err());
    }

    @Test
    void serverCertificateWithExtraDnsNamesAndIpAddresses() throws IOException {
        Path spec = temp.resolve("san-spec.json");
        Files.writeString(spec, """
                {"version": 1, "services": [{"name": "svc", "host": "svc.example.com",
                  "dnsNames": ["*.svc.example.com", "localhost"], "ipAddresses": ["127.0.0.1", "::1"]}]}
                """);
        Workspace ws = Workspace.create(temp.resolve("san"), "ec-p256", "pkcs12", spec);
        Path server = ws.file(Workspace.serverCertificate("svc"));

        JsonNode json = json(Cli.run("certs", "inspect", server.toString(), "--output", "json").assertExit(0, "inspect"));

        assertEquals(List.of("DNS:svc.example.com", "DNS:*.svc.example.com", "DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1"),
                texts(json.path("entries").get(0).path("certificates").get(0).path("subjectAltNames")));
        assertTrue(Openssl.x509Text(server).contains(
                "DNS:svc.example.com, DNS:*.svc.example.com, DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"));
    }

    // ---- stores

    @Test
    void pkcs12KeystoreAsJsonWithPasswordFile() throws IOException {
        String keyStore = pkcs12.keyStore("service-1");
        Path password = passwordFile(pkcs12.password(keyStore));

        JsonNode json = json(Cli.run("certs", "inspect", pkcs12.file(keyStore).toString(), "--password-file", password.toString(),
                "--output", "json").assertExit(0, "inspect keystore.p12"));

        assertEquals("pkcs12", json.path("format").asText());
        assertClientKeyEntry(json, pkcs12, "service-1", clientFingerprintFromOpenssl("service-1"));
    }

    @Test
    void jksKeystoreAsJsonWithPasswordOnStdin() throws Exception {
        String keyStore = jks.keyStore("service-2");

        Cli.Result result = withStdin(jks.password(keyStore) + "\n", () -> Cli.run("certs", "inspect", jks.file(keyStore).toString(),
                "--password-stdin", "--output", "json"));

        JsonNode json = json(result.assertExit(0, "inspect keystore.jks --password-stdin"));
        assertEquals("jks", json.path("format").asText());
        String expectedFingerprint = fingerprint(jks.loadKeyStore("service-2").getCertificate("service-2"));
        assertClientKeyEntry(json, jks, "service-2", expectedFingerprint);
    }

    @Test
    void keystoreWithPasswordFromTheEnvironment() throws IOException {
        // a test cannot set its own JVM's environment, so this runs mtls-cli in a JVM of its own
        String keyStore = pkcs12.keyStore("service-2");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));

        Tool.Result result = Tool.of(java.toString(), "-cp", classPath, "dev.mtlscli.cmd.MtlsCli",
                        "certs", "inspect", pkcs12.file(keyStore).toString(), "--password-env", "MTLS_TEST_STORE_PASSWORD", "--output", "json")
                .env("MTLS_TEST_STORE_PASSWORD", pkcs12.password(keyStore)).runOk();

        JsonNode json = JSON.readTree(result.out());
        assertEquals("service-2", json.path("entries").get(0).path("alias").asText(), result.out());
        assertTrue(json.path("entries").get(0).path("keyMatches").asBoolean(), result.out());
    }

    @Test
    void unsetPasswordEnvironmentVariableFails() {
        Cli.Result result = Cli.run("certs", "inspect", pkcs12.file(pkcs12.keyStore("service-1")).toString(),
                "--password-env", "MTLS_TEST_VARIABLE_THAT_IS_NOT_SET").assertExit(1, "unset --password-env");

        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("environment variable MTLS_TEST_VARIABLE_THAT_IS_NOT_SET is not set"), result.err());
    }

    @Test
    void truststoreAsJson() throws IOException {
        String trustStore = pkcs12.trustStore("service-1");

        JsonNode json = json(Cli.run("certs", "inspect", pkcs12.file(trustStore).toString(),
                "--password-file", passwordFile(pkcs12.password(trustStore)).toString(), "--output", "json").assertExit(0, "inspect truststore"));

        JsonNode entries = json.path("entries");
        assertEquals(1, entries.size(), json.toPrettyString());
        for (int i = 0; i < 1; i++) {
            String service = "service-" + (i + 1);
            JsonNode entry = entries.get(i);
            assertEquals(service + "-ca", entry.path("alias").asText());
            assertEquals("trusted-certificate", entry.path("kind").asText());
            assertTrue(entry.path("keyMatches").isMissingNode());
            assertTrue(entry.path("chainVerifies").asBoolean());
            JsonNode ca = entry.path("certificates").get(0);
            assertTrue(ca.path("ca").asBoolean());
            assertEquals(Openssl.sha256Fingerprint(pkcs12.file(Workspace.caCertificate(service))), ca.path("sha256").asText());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void keystoreAsText(String storeType) throws IOException {
        Workspace ws = storeType.equals("jks") ? jks : pkcs12;
        String keyStore = ws.keyStore("service-1");

        Cli.Result result = Cli.run("certs", "inspect", ws.file(keyStore).toString(),
                "--password-file", passwordFile(ws.password(keyStore)).toString()).assertExit(0, "inspect " + keyStore);

        String out = result.out();
        assertAll(out,
                () -> assertTrue(out.startsWith(ws.file(keyStore) + " (" + storeType + ")")),
                () -> assertTrue(out.contains("key-entry 'service-1': chain verifies, private key matches")),
                () -> assertTrue(line(out, "[0] subject").contains("CN=service-1 Lambda client")),
                () -> assertTrue(line(out, "[1] subject").contains("CN=service-1 Root CA")),
                () -> assertEquals("EKU       clientAuth", line(out, "EKU")),
                () -> assertTrue(out.contains("key usage keyCertSign, cRLSign (CA)")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pkcs12", "jks"})
    void storeWithAWrongPasswordFails(String storeType) throws IOException {
        Workspace ws = storeType.equals("jks") ? jks : pkcs12;
        Path store = ws.file(ws.keyStore("service-1"));

        Cli.Result result = Cli.run("certs", "inspect", store.toString(), "--password-file", passwordFile("not-the-password").toString())
                .assertExit(1, "wrong store password");

        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("wrong password"), result.err());
        assertEquals("", result.out());
    }

    @Test
    void storeWithoutAPasswordFails() {
        Cli.Result result = Cli.run("certs", "inspect", jks.file(jks.trustStore("service-1")).toString()).assertExit(1, "store without a password");

        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("give its password with --password-file, --password-env or --password-stdin"), result.err());
    }

    @Test
    void aPasswordOnTheCommandLineIsNotAnOption() {
        Cli.Result result = Cli.run("certs", "inspect", jks.file(jks.trustStore("service-1")).toString(), "--password", "secret");

        assertEquals(2, result.exitCode(), result.err());
    }

    // ---- warning window

    @Test
    void warnDaysDecidesTheExitCode() throws IOException {
        // a 365-day certificate, backdated 5 minutes: 364 whole days left
        String server = pkcs12.file(Workspace.serverCertificate("service-1")).toString();

        assertEquals(0, Cli.run("certs", "inspect", server).exitCode(), "default --warn-days 30");
        assertEquals(3, Cli.run("certs", "inspect", server, "--warn-days", "400").exitCode(), "--warn-days 400");
        assertEquals(0, Cli.run("certs", "inspect", server, "--warn-days", "364").exitCode(), "--warn-days 364");
        assertEquals(3, Cli.run("certs", "inspect", server, "--warn-days", "365").exitCode(), "--warn-days 365");

        Cli.Result json = Cli.run("certs", "inspect", server, "--warn-days", "400", "--output", "json");
        assertEquals(3, json.exitCode());
        assertTrue(json(json).path("needsAttention").asBoolean(), json.out());
        assertEquals(400, json(json).path("warnDays").asInt());
        assertEquals("", json.err(), "needing attention is not an error");
    }

    @Test
    void warnDaysAppliesToEveryCertificateOfAStore() throws IOException {
        String keyStore = jks.keyStore("service-1");
        String password = passwordFile(jks.password(keyStore)).toString();

        assertEquals(0, Cli.run("certs", "inspect", jks.file(keyStore).toString(), "--password-file", password).exitCode());
        assertEquals(3, Cli.run("certs", "inspect", jks.file(keyStore).toString(), "--password-file", password,
                "--warn-days", "400").exitCode());
        // the CA alone has 3649 days left
        String ca = jks.file(Workspace.caCertificate("service-1")).toString();
        assertEquals(0, Cli.run("certs", "inspect", ca, "--warn-days", "400").exitCode());
        assertEquals(3, Cli.run("certs", "inspect", ca, "--warn-days", "3650").exitCode());
    }

    // ---- keys that do not match

    @Test
    void pemWithAKeyThatDoesNotMatchItsCertificateFails() throws IOException {
        // service-1's server key with service-2's server certificate
        Path pem = concatenate("mismatch.pem", pkcs12.file(Workspace.serverKey("service-1")),
                pkcs12.file(Workspace.serverCertificate("service-2")));

        Cli.Result result = Cli.run("certs", "inspect", pem.toString()).assertExit(1, "mismatched key and certificate");

        assertEquals(1, result.errLines().size(), "exactly one line on stderr:\n" + result.err());
        assertTrue(result.errLines().get(0).contains("does not match"), result.err());
        assertTrue(result.errLines().get(0).startsWith("mtls-cli: "), result.err());
        assertEquals("", result.out());
    }

    @Test
    void pemWithAKeyAndItsOwnCertificateMatches() throws IOException {
        Path pem = concatenate("match.pem", pkcs12.file(Workspace.serverKey("service-1")),
                pkcs12.file(Workspace.serverChain("service-1")));

        JsonNode json = json(Cli.run("certs", "inspect", pem.toString(), "--output", "json").assertExit(0, "matching key"));

        assertTrue(json.path("entries").get(0).path("keyMatches").asBoolean(), json.toPrettyString());
        assertTrue(Cli.run("certs", "inspect", pem.toString()).out().contains("chain verifies, private key matches"));
    }

    @Test
    void keystoreWhoseKeyDoesNotMatchItsCertificateFails() throws Exception {
        // a PKCS12 whose entry holds service-1's client key with service-2's client chain
        char[] password = "test-store-password".toCharArray();
        KeyStore one = pkcs12.loadKeyStore("service-1");
        KeyStore two = pkcs12.loadKeyStore("service-2");
        Key key = one.getKey("service-1", pkcs12.password(pkcs12.keyStore("service-1")).toCharArray());
        KeyStore mismatched = KeyStore.getInstance("PKCS12");
        mismatched.load(null, null);
        mismatched.setKeyEntry("service-1", key, password, two.getCertificateChain("service-2"));
        Path file = temp.resolve("mismatch.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            mismatched.store(out, password);
        }

        Cli.Result result = Cli.run("certs", "inspect", file.toString(), "--password-file", passwordFile(new String(password)).toString())
                .assertExit(1, "mismatched keystore entry");

        assertEquals(1, result.errLines().size(), "exactly one line on stderr:\n" + result.err());
        assertTrue(result.err().contains("does not match"), result.err());
    }

    // ---- helpers

    private static void assertClientKeyEntry(JsonNode json, Workspace ws, String service, String expectedFingerprint) {
        assertEquals(1, json.path("entries").size(), json.toPrettyString());
        JsonNode entry = json.path("entries").get(0);
        JsonNode leaf = entry.path("certificates").get(0);
        JsonNode ca = entry.path("certificates").get(1);
        assertAll(json.toPrettyString(),
                () -> assertEquals(service, entry.path("alias").asText()),
                () -> assertEquals("key-entry", entry.path("kind").asText()),
                () -> assertTrue(entry.path("chainVerifies").asBoolean()),
                () -> assertTrue(entry.path("keyMatches").asBoolean()),
                () -> assertEquals(2, entry.path("certificates").size()),
                () -> assertTrue(leaf.path("subject").asText().contains("CN=" + service + " Lambda client")),
                () -> assertEquals(List.of(), texts(leaf.path("subjectAltNames"))),
                () -> assertEquals(List.of("clientAuth"), texts(leaf.path("extendedKeyUsage"))),
                () -> assertEquals("EC", leaf.path("keyType").asText()),
                () -> assertEquals(256, leaf.path("keySize").asInt()),
                () -> assertEquals(expectedFingerprint, leaf.path("sha256").asText()),
                () -> assertEquals(Openssl.sha256Fingerprint(ws.file(Workspace.caCertificate(service))), ca.path("sha256").asText()));
    }

    /** The client certificate's fingerprint as openssl prints it, from the PKCS12 keystore. */
    private static String clientFingerprintFromOpenssl(String service) throws IOException {
        String keyStore = pkcs12.keyStore(service);
        String pem = Tool.openssl("pkcs12", "-in", pkcs12.file(keyStore).toString(), "-passin", "env:MTLS_TEST_PASSWORD",
                "-nokeys", "-clcerts").env("MTLS_TEST_PASSWORD", pkcs12.password(keyStore)).runOk().out();
        Path file = temp.resolve("client-" + service + ".pem");
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        return Openssl.sha256Fingerprint(file);
    }

    private static String fingerprint(Certificate certificate) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    private static Path passwordFile(String password) throws IOException {
        Path file = Files.createTempFile(temp, "password-", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static Path concatenate(String name, Path... files) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            text.append(Files.readString(file, StandardCharsets.US_ASCII));
        }
        Path out = temp.resolve(name);
        Files.writeString(out, text.toString(), StandardCharsets.US_ASCII);
        return out;
    }

    private static Cli.Result withStdin(String input, java.util.function.Supplier<Cli.Result> run) {
        InputStream original = System.in;
        System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
        try {
            return run.get();
        } finally {
            System.setIn(original);
        }
    }

    private static JsonNode json(Cli.Result result) throws IOException {
        return JSON.readTree(result.out());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The first line of text output whose trimmed form starts with the prefix, trimmed. */
    private static String line(String out, String prefix) {
        return out.lines().map(String::trim).filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in\n" + out));
    }
}
