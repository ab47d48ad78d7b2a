package dev.mtlscli.cmd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs inspect` on files it cannot read as they are: wrong passwords, damaged stores and PEM,
 * garbage, missing files and passwords, a key that does not belong to its certificate.
 * Each gives exit 1 and one stderr line that says which of these it is. The names of the damaged
 * files avoid the words the messages are checked for.
 */
class CertsInspectBadInputTest {

    @TempDir
    static Path dir;

    static Path p12Workspace;
    static Path jksWorkspace;
    static Path wrongPassword;
    static Path p12KeyStorePassword;
    static Path jksKeyStorePassword;
    static Path caKeyPassword;

    @BeforeAll
    static void createWorkspaces() throws IOException {
        Path spec = write(dir.resolve("spec.json"), "{\"services\": ["
                + "{\"name\": \"svc\", \"host\": \"svc.example.com\"},"
                + "{\"name\": \"other\", \"host\": \"other.example.com\"}]}");
        p12Workspace = dir.resolve("ws-p12");
        jksWorkspace = dir.resolve("ws-jks");
        BadInputCli.Result p12 = run("certs", "create", "--spec", spec.toString(), "--out", p12Workspace.toString());
        assertEquals(ExitCodes.OK, p12.exitCode(), p12.err());
        BadInputCli.Result jks = run("certs", "create", "--spec", spec.toString(), "--out", jksWorkspace.toString(),
                "--store-type", "jks");
        assertEquals(ExitCodes.OK, jks.exitCode(), jks.err());

        JsonNode p12Passwords = new ObjectMapper().readTree(p12Workspace.resolve("passwords.json").toFile()).get("passwords");
        JsonNode jksPasswords = new ObjectMapper().readTree(jksWorkspace.resolve("passwords.json").toFile()).get("passwords");
        p12KeyStorePassword = write(dir.resolve("p12.pw"), p12Passwords.get("clients/svc/keystore.p12").asText() + "\n");
        jksKeyStorePassword = write(dir.resolve("jks.pw"), jksPasswords.get("clients/svc/keystore.jks").asText() + "\n");
        caKeyPassword = write(dir.resolve("ca.pw"), p12Passwords.get("ca/svc/ca.key").asText() + "\n");
        wrongPassword = write(dir.resolve("wrong.pw"), "NotThePassword0123456789abcdefXY\n");
    }

    private static BadInputCli.Result inspect(Path file, String... extra) {
        String[] args = new String[extra.length + 3];
        args[0] = "certs";
        args[1] = "inspect";
        args[2] = file.toString();
        System.arraycopy(extra, 0, args, 3, extra.length);
        return run(args);
    }

    /** The message with the path taken out, so a file name cannot supply the words checked for. */
    private static String withoutPath(String line, Path file) {
        return line.replace(file.toString(), "<file>");
    }

    // ---------------------------------------------------------------- controls: the intact files open

    @Test
    void intactStoresOpenWithTheirPasswords() {
        BadInputCli.Result p12 = inspect(p12Workspace.resolve("clients/svc/keystore.p12"), "--password-file", p12KeyStorePassword.toString());
        assertEquals(ExitCodes.OK, p12.exitCode(), p12.err());
        assertTrue(p12.out().contains("private key matches"), p12.out());
        BadInputCli.Result jks = inspect(jksWorkspace.resolve("clients/svc/keystore.jks"), "--password-file", jksKeyStorePassword.toString());
        assertEquals(ExitCodes.OK, jks.exitCode(), jks.err());
        assertTrue(jks.out().contains("private key matches"), jks.out());
    }

    // ---------------------------------------------------------------- wrong passwords

    @Test
    void wrongPasswordOfPkcs12() {
        Path store = p12Workspace.resolve("clients/svc/keystore.p12");
        String line = assertOneLineFailure(inspect(store, "--password-file", wrongPassword.toString()), ExitCodes.FAILED,
                "wrong password");
        assertTrue(line.contains(store.toString()), line);
        assertFalse(line.contains("NotThePassword"), "a password must never be printed: " + line);
    }

    @Test
    void wrongPasswordOfJks() {
        Path store = jksWorkspace.resolve("clients/svc/keystore.jks");
        String line = assertOneLineFailure(inspect(store, "--password-file", wrongPassword.toString()), ExitCodes.FAILED,
                "wrong password");
        assertTrue(line.contains(store.toString()), line);
    }

    @Test
    void wrongPasswordOfTheTrustStore() {
        Path store = p12Workspace.resolve("clients/svc/truststore.p12");
        assertOneLineFailure(inspect(store, "--password-file", wrongPassword.toString()), ExitCodes.FAILED, "wrong password");
    }

    // ---------------------------------------------------------------- damaged files

    @Test
    void truncatedPkcs12() throws IOException {
        byte[] whole = Files.readAllBytes(p12Workspace.resolve("clients/svc/keystore.p12"));
        Path half = Files.write(dir.resolve("half.p12"), Arrays.copyOf(whole, whole.length / 2));

        String line = assertOneLineFailure(inspect(half, "--password-file", p12KeyStorePassword.toString()),
                ExitCodes.FAILED, half.toString());
        String message = withoutPath(line, half);
        assertTrue(message.contains("truncated") || message.contains("corrupt"), line);
        assertFalse(message.contains("wrong password"), "the password is right; the file is damaged: " + line);
    }

    /** Four bytes flipped in the middle of a JKS keystore, opened with its right password: one clear line. */
    @Test
    void corruptedJks() throws IOException {
        byte[] bytes = Files.readAllBytes(jksWorkspace.resolve("clients/svc/keystore.jks"));
        flip(bytes, bytes.length / 2);
        Path damaged = Files.write(dir.resolve("damaged.jks"), bytes);

        String line = assertOneLineFailure(inspect(damaged, "--password-file", jksKeyStorePassword.toString()),
                ExitCodes.FAILED, damaged.toString());
        String message = withoutPath(line, damaged);
        assertTrue(message.contains("corrupt") || message.contains("wrong password"), line);
    }

    /**
     * Four bytes flipped in the middle of the protected key of the JKS entry, which JKS does not
     * parse when it loads, so the damage only shows in the store's integrity check, exactly as a
     * wrong password does. The store is opened with its right password, so the message must not
     * claim a wrong password as the one cause: it has to name corruption as a possibility.
     */
    @Test
    void jksDamagedWhereOnlyTheIntegrityCheckSeesIt() throws IOException {
        byte[] bytes = Files.readAllBytes(jksWorkspace.resolve("clients/svc/keystore.jks"));
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
        assertEquals(0xFEEDFEED, in.getInt(), "JKS magic");
        assertEquals(2, in.getInt(), "JKS version");
        assertEquals(1, in.getInt(), "one entry");
        assertEquals(1, in.getInt(), "a private key entry");
        int aliasLength = in.getShort();
        in.position(in.position() + aliasLength + 8); // alias, creation date
        int keyLength = in.getInt();
        flip(bytes, in.position() + keyLength / 2);
        Path damaged = Files.write(dir.resolve("keyblob.jks"), bytes);

        String line = assertOneLineFailure(inspect(damaged, "--password-file", jksKeyStorePassword.toString()),
                ExitCodes.FAILED, damaged.toString());
        String message = withoutPath(line, damaged);
        assertTrue(message.contains("corrupt") || message.contains("tampered") || message.contains("damaged"),
                "a damaged store opened with its right password must not be reported as only a wrong password: " + line);
    }

    private static void flip(byte[] bytes, int from) {
        for (int i = from; i < from + 4; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
    }

    @Test
    void truncatedPem() throws IOException {
        String pem = Files.readString(p12Workspace.resolve("servers/svc/server-chain.crt"), StandardCharsets.US_ASCII);
        int cut = pem.indexOf('\n', pem.indexOf("-----BEGIN CERTIFICATE-----") + 30) + 20; // inside the base64
        assertTrue(Character.isLetterOrDigit(pem.charAt(cut - 1)) || pem.charAt(cut - 1) == '+' || pem.charAt(cut - 1) == '/',
                "the cut must fall inside base64");
        Path cutPem = write(dir.resolve("cut.pem"), pem.substring(0, cut));

        String line = assertOneLineFailure(inspect(cutPem), ExitCodes.FAILED, cutPem.toString());
        String message = withoutPath(line, cutPem);
        assertTrue(message.contains("truncated") || message.contains("corrupt"), line);
    }

    @Test
    void textGarbage() {
        Path garbage = write(dir.resolve("notes.txt"), "this is not a certificate, a key or a store\n");
        String line = assertOneLineFailure(inspect(garbage), ExitCodes.FAILED, "neither PEM, DER, PKCS12 nor JKS");
        assertTrue(line.contains(garbage.toString()), line);
    }

    @Test
    void binaryGarbage() throws IOException {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31 + 7);
        }
        Path garbage = Files.write(dir.resolve("blob.bin"), bytes);
        assertOneLineFailure(inspect(garbage, "--password-file", p12KeyStorePassword.toString()), ExitCodes.FAILED,
                "neither PEM, DER, PKCS12 nor JKS");
    }

    @Test
    void pemMarkerAroundGarbage() {
        Path garbage = write(dir.resolve("fake.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        String line = assertOneLineFailure(inspect(garbage), ExitCodes.FAILED, garbage.toString());
        assertTrue(withoutPath(line, garbage).contains("not valid PEM"), line);
    }

    @Test
    void emptyFile() {
        Path empty = write(dir.resolve("nothing.p12"), "");
        assertOneLineFailure(inspect(empty), ExitCodes.FAILED, "is empty");
    }

    @Test
    void missingFile() {
        Path missing = dir.resolve("no-such-file.p12");
        String line = assertOneLineFailure(inspect(missing), ExitCodes.FAILED, "does not exist");
        assertTrue(line.contains("no-such-file.p12"), line);
    }

    // ---------------------------------------------------------------- missing passwords

    @Test
    void pkcs12WithoutAnyPasswordOption() {
        String line = assertOneLineFailure(inspect(p12Workspace.resolve("clients/svc/keystore.p12")), ExitCodes.FAILED,
                "password");
        assertTrue(line.contains("--password-file") && line.contains("--password-env") && line.contains("--password-stdin"),
                "the message should name the ways to give a password: " + line);
    }

    @Test
    void jksWithoutAnyPasswordOption() {
        assertOneLineFailure(inspect(jksWorkspace.resolve("clients/svc/keystore.jks")), ExitCodes.FAILED, "--password-file");
    }

    @Test
    void passwordFromAnUnsetEnvironmentVariable() {
        String name = "MTLS_CLI_TEST_SURELY_UNSET_9F3A";
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(name) == null);
        String line = assertOneLineFailure(inspect(p12Workspace.resolve("clients/svc/keystore.p12"), "--password-env", name),
                ExitCodes.FAILED, "is not set");
        assertTrue(line.contains(name), line);
    }

    @Test
    void emptyPasswordFile() {
        Path empty = write(dir.resolve("empty.pw"), "");
        assertOneLineFailure(inspect(p12Workspace.resolve("clients/svc/keystore.p12"), "--password-file", empty.toString()),
                ExitCodes.FAILED, "is empty");
    }

    @Test
    void twoPasswordOptionsAreAUsageError() {
        BadInputCli.Result result = inspect(p12Workspace.resolve("clients/svc/keystore.p12"),
                "--password-file", p12KeyStorePassword.toString(), "--password-stdin");
        assertOneLineFailure(result, ExitCodes.USAGE, "mutually exclusive");
    }

    // ---------------------------------------------------------------- encrypted CA key

    @Test
    void encryptedCaKeyWithWrongPassword() {
        Path key = p12Workspace.resolve("ca/svc/ca.key");
        String line = assertOneLineFailure(inspect(key, "--password-file", wrongPassword.toString()), ExitCodes.FAILED,
                "wrong password");
        assertTrue(line.contains(key.toString()), line);
    }

    @Test
    void encryptedCaKeyWithoutPassword() {
        assertOneLineFailure(inspect(p12Workspace.resolve("ca/svc/ca.key")), ExitCodes.FAILED, "encrypted private key");
    }

    /** The control of the wrong-password case: with the password from passwords.json the key opens. */
    @Test
    void encryptedCaKeyWithItsPassword() {
        BadInputCli.Result result = inspect(p12Workspace.resolve("ca/svc/ca.key"), "--password-file", caKeyPassword.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertEquals("", result.err());
        assertTrue(result.out().contains("private-key"), result.out());
    }

    // ---------------------------------------------------------------- key and certificate that do not belong together

    @Test
    void pemWhoseKeyDoesNotMatchItsCertificate() throws IOException {
        String key = Files.readString(p12Workspace.resolve("servers/svc/server.key"));
        String otherCertificate = Files.readString(p12Workspace.resolve("servers/other/server.crt"));
        Path mixed = write(dir.resolve("mixed.pem"), key + otherCertificate);

        String line = assertOneLineFailure(inspect(mixed), ExitCodes.FAILED, "does not match");
        assertTrue(line.contains(mixed.toString()), line);
    }

    @Test
    void pemWhoseKeyMatchesItsCertificateIsFine() throws IOException {
        String key = Files.readString(p12Workspace.resolve("servers/svc/server.key"));
        String certificate = Files.readString(p12Workspace.resolve("servers/svc/server.crt"));
        Path pair = write(dir.resolve("pair.pem"), key + certificate);

        BadInputCli.Result result = inspect(pair);
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertTrue(result.out().contains("private key matches"), result.out());
    }
}
