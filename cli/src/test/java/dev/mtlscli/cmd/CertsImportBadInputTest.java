package dev.mtlscli.cmd;

import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs import` on bad input: exit 1, exactly one stderr line naming the problem, no stack
 * trace, and nothing written. The inputs are the sample's stores, damaged the ways real ones are.
 */
class CertsImportBadInputTest {
    @TempDir
    static Path shared;

    private static SampleMaterial sample;
    private static Path password;

    @TempDir
    Path tmp;

    @BeforeAll
    static void makeSampleMaterial() {
        sample = SampleMaterial.create(shared.resolve("sample"), "backend-service-%d.com");
        password = write(shared.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
    }

    private Path out() {
        return tmp.resolve("ws");
    }

    /** Imports service-1 from the keystore given, with the sample's truststore and password unless the extra arguments say otherwise. */
    private BadInputCli.Result importOne(Path keyStore, String... extra) {
        List<String> args = new ArrayList<>(List.of("certs", "import", "--out", out().toString(),
                "--truststore", sample.file("client_truststore.jks").toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", keyStore.toString()));
        args.addAll(Arrays.asList(extra));
        return run(args.toArray(String[]::new));
    }

    private void assertRefused(BadInputCli.Result result, String expected) {
        String line = assertOneLineFailure(result, ExitCodes.FAILED, expected);
        assertFalse(line.contains(SampleMaterial.PASSWORD + " "), "no password in the message: " + line);
        assertNothingWritten(out());
    }

    @Test
    void theSampleKeystoreImportsWhenNothingIsWrong() {
        BadInputCli.Result result = importOne(sample.file("client_keystore_1.jks"));

        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertTrue(Files.isRegularFile(out().resolve("clients/service-1/keystore.p12")));
    }

    @Test
    void aWrongPassword() {
        Path wrong = write(tmp.resolve("wrong"), "not-the-password\n");
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--keystore-password-file", wrong.toString()),
                "wrong password for jks store " + sample.file("client_keystore_1.jks"));
    }

    @Test
    void aTruncatedStore() throws IOException {
        byte[] whole = Files.readAllBytes(sample.file("client_keystore_1.jks"));
        Path truncated = Files.write(tmp.resolve("truncated.jks"), Arrays.copyOf(whole, whole.length / 2));
        // the format detected from the content is named, not the default --store-type (pkcs12)
        assertRefused(importOne(truncated), truncated + " is not a valid jks store (truncated or corrupted)");
    }

    @Test
    void somethingThatIsNotAStoreAtAll() {
        Path text = write(tmp.resolve("notes.jks"), "not a keystore\n");
        assertRefused(importOne(text), "neither a PKCS12 nor a JKS store");
    }

    @Test
    void anEndlessFile() {
        assertRefused(importOne(Path.of("/dev/zero")), "/dev/zero");
    }

    @Test
    void aMissingFile() {
        assertRefused(importOne(tmp.resolve("nosuch.jks")), "nosuch.jks");
    }

    @Test
    void twoKeysWithoutAliasAreRefusedAndAliasPicksOne() throws IOException {
        Path two = Files.copy(sample.file("client_keystore_1.jks"), tmp.resolve("two.jks"));
        keytool("-importkeystore", "-srckeystore", sample.file("client_keystore_2.jks").toString(), "-srcstoretype", "JKS",
                "-srcstorepass:env", "P", "-srcalias", "lambda", "-destkeystore", two.toString(), "-deststoretype", "JKS",
                "-deststorepass:env", "P", "-destkeypass:env", "P", "-destalias", "other");

        assertRefused(importOne(two), "holds 2 private keys (lambda, other); choose one with --alias");

        BadInputCli.Result picked = importOne(two, "--alias", "lambda");
        assertEquals(ExitCodes.OK, picked.exitCode(), picked.err());
        assertTrue(picked.out().contains("from entry 'lambda'"), picked.out());
    }

    @Test
    void anAliasThatIsNotAKeyEntry() {
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--alias", "rootCA-service-1"),
                "has no private key entry 'rootCA-service-1' (it has lambda)");
    }

    @Test
    void aKeyWithoutAChain() {
        Path bare = tmp.resolve("bare.jks");
        keytool("-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "lambda", "-keystore", bare.toString(),
                "-storetype", "JKS", "-storepass:env", "P", "-keypass:env", "P", "-dname", "CN=Lambda without a CA");
        assertRefused(importOne(bare), "holds a key without a chain");
    }

    @Test
    void aCaKeyThatDoesNotMatchTheCaCertificate() {
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--ca-key", sample.file("rootCA-service-2.key").toString()),
                "does not match the CA certificate");
    }

    @Test
    void anEncryptedCaKeyOpensWithTheCommonPasswordAndAWrongOneIsRefused() {
        Path encrypted = tmp.resolve("rootCA-service-1.encrypted.key");
        Tool.openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", sample.file("rootCA-service-1.key").toString(),
                "-out", encrypted.toString(), "-passout", "env:P").env("P", SampleMaterial.PASSWORD).runOk();
        Path wrong = write(tmp.resolve("wrong"), "not-the-password\n");

        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--ca-key", encrypted.toString(),
                "--ca-key-password-file", wrong.toString()), "wrong password for the encrypted private key");

        BadInputCli.Result result = importOne(sample.file("client_keystore_1.jks"), "--ca-key", encrypted.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertTrue(Files.isRegularFile(out().resolve("ca/service-1/ca.key")));
    }

    @Test
    void aCaCertificateThatDidNotIssueTheClientCertificate() {
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--ca-cert", sample.file("rootCA-service-2.crt").toString()),
                "did not issue the client certificate");
    }

    @Test
    void aTruststoreHoldingAPrivateKey() {
        List<String> args = List.of("certs", "import", "--out", out().toString(),
                "--truststore", sample.file("client_keystore_2.jks").toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString());
        assertRefused(run(args.toArray(String[]::new)), "holds a private key (entry 'lambda'); a truststore holds certificates only");
    }

    @Test
    void aTruststoreThatDoesNotTrustTheBackend() {
        Path other = tmp.resolve("other-truststore.jks");
        keytool("-importcert", "-noprompt", "-keystore", other.toString(), "-storetype", "JKS", "-storepass:env", "P",
                "-alias", "rootCA-service-2", "-file", sample.file("rootCA-service-2.crt").toString());
        List<String> args = List.of("certs", "import", "--out", out().toString(),
                "--truststore", other.toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString(),
                "--ca-cert", sample.file("rootCA-service-1.crt").toString(),
                "--server-cert", sample.file("backend_service_1.crt").toString());
        assertRefused(run(args.toArray(String[]::new)), "the truststore does not trust the backend's certificate");
    }

    @Test
    void noPasswordSource() {
        List<String> args = List.of("certs", "import", "--out", out().toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString());
        assertRefused(run(args.toArray(String[]::new)), "no password for the keystore");
    }

    @Test
    void theSameServiceTwice() {
        assertRefused(importOne(sample.file("client_keystore_1.jks"),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString()), "service 'service-1' is named twice");
    }

    @Test
    void anExistingWorkspaceIsNotReplacedWithoutForce() throws IOException {
        Files.createDirectories(out());
        Files.writeString(out().resolve("keep.txt"), "mine");

        BadInputCli.Result result = importOne(sample.file("client_keystore_1.jks"));

        assertOneLineFailure(result, ExitCodes.FAILED, out().toString());
        assertEquals("mine", Files.readString(out().resolve("keep.txt")));
        try (var entries = Files.list(out())) {
            assertEquals(List.of("keep.txt"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static void keytool(String... args) {
        Tool.keytool(args).env("P", SampleMaterial.PASSWORD).runOk();
    }

    @Test
    void aLayerDirectoryInsideTheWorkspaceIsRefusedBeforeAnythingIsWritten() {
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--layer-dir", out().resolve("layer").toString()),
                "--layer-dir " + out().resolve("layer") + " lies inside --out " + out());
    }

    @Test
    void aLayerDirectoryOfTheUsersLeavesNeitherOutputWritten() throws IOException {
        Path layer = tmp.resolve("layer");
        write(layer.resolve("notes.txt"), "mine\n");
        assertRefused(importOne(sample.file("client_keystore_1.jks"), "--layer-dir", layer.toString(), "--force"),
                "--force replaces only an mtls-cli layer directory");
        assertEquals(List.of(layer.resolve("notes.txt")), Files.list(layer).toList(), "the user's directory is untouched");
    }
}
