package dev.mtlscli.regressions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.pki.KeyPairs;
import dev.mtlscli.store.PemFiles;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.Pem;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regression (found by these tests, fixed in 08dc3c3): mtls-cli could not decrypt the encrypted
 * CA keys it writes, nor any PBES2 key.
 *
 * store/EncryptedKeys.decrypt passed EncryptedPrivateKeyInfo.getAlgName() to Cipher.getInstance
 * and SecretKeyFactory.getInstance. For PBES2 the JDK 17 returns "PBES2", a name no provider
 * knows, so NoSuchAlgorithmException was thrown, caught as GeneralSecurityException and reported
 * as "wrong password for the encrypted private key" whatever the password. The name the JDK
 * ciphers want, now used, is info.getAlgParameters().toString(), e.g. "PBEWithHmacSHA256AndAES_256".
 *
 * openssl opens the same files with the same passwords
 * (OpensslInteropTest.caKeyIsEncryptedPkcs8AndOpensOnlyWithItsPassword).
 */
class EncryptedPrivateKeyDecryptionRegressionTest {
    @TempDir
    static Path temp;

    private static Workspace ws;

    @BeforeAll
    static void createWorkspace() {
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @Test
    void inspectOpensTheCaKeyWithThePasswordFromPasswordsJson() throws IOException {
        String caKey = Workspace.caKey("service-1");

        Cli.Result result = Cli.run("certs", "inspect", ws.file(caKey).toString(),
                "--password-file", passwordFile(ws.password(caKey)).toString(), "--output", "json");

        result.assertExit(0, "certs inspect ca.key with its right password");
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals("private-key", json.path("entries").get(0).path("kind").asText());
    }

    @Test
    void inspectMatchesTheCaKeyWithTheCaCertificate() throws IOException {
        Path bundle = temp.resolve("ca-bundle.pem");
        Files.writeString(bundle, Files.readString(ws.file(Workspace.caKey("service-2")))
                + Files.readString(ws.file(Workspace.caCertificate("service-2"))));

        Cli.Result result = Cli.run("certs", "inspect", bundle.toString(),
                "--password-file", passwordFile(ws.password(Workspace.caKey("service-2"))).toString(), "--output", "json");

        result.assertExit(0, "certs inspect ca.key + ca.crt with the right password");
        JsonNode entry = new ObjectMapper().readTree(result.out()).path("entries").get(0);
        assertTrue(entry.path("keyMatches").asBoolean(), entry.toPrettyString());
    }

    @Test
    void pemFilesReadsTheCaKeyBack() {
        // the API that re-issuing leaves from an existing CA (rotation) will need
        String caKey = Workspace.caKey("service-1");

        PrivateKey key = PemFiles.readEncryptedPrivateKey(ws.file(caKey), ws.password(caKey).toCharArray());

        assertTrue(KeyPairs.matches(key, Pem.certificate(ws.file(Workspace.caCertificate("service-1"))).getPublicKey()));
    }

    @Test
    void inspectOpensAKeyThatOpensslEncrypted() throws IOException {
        Path key = temp.resolve("openssl-encrypted.key");
        Tool.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", "env:MTLS_TEST_KEY_PASSWORD", "-out", key.toString()).env("MTLS_TEST_KEY_PASSWORD", "a-key-password").runOk();
        assertTrue(Files.readString(key).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"));

        Cli.Result result = Cli.run("certs", "inspect", key.toString(), "--password-file", passwordFile("a-key-password").toString());

        result.assertExit(0, "certs inspect of an openssl PBES2 key with its password");
    }

    private static Path passwordFile(String password) throws IOException {
        Path file = Files.createTempFile(temp, "password-", ".txt",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8);
        return file;
    }
}
