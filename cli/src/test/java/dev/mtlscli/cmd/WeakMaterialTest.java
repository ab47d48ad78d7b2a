package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys and signatures below the floor of design decision 8, made for real with openssl, are
 * refused where material enters (`certs import`) and where it leaves (`layer publish`), with
 * one line naming the certificate, where it is, and the rule; a self-signed root's own SHA-1
 * signature is not held against it.
 */
class WeakMaterialTest {
    private static final String PASSWORD = "weak-test-secret";

    @TempDir
    Path dir;

    private Path file(String name) {
        return dir.resolve(name);
    }

    private static void openssl(String... args) {
        Tool.openssl(args).env("PW", PASSWORD).runOk();
    }

    /** A root CA with an RSA 2048 key, its own signature made with this digest. */
    private void root(String digest) {
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", file("root.key").toString(), "-" + digest,
                "-days", "365", "-subj", "/O=Weak Test/CN=Test Root", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", file("root.crt").toString());
    }

    /** A key made by `openssl genpkey` with these options, e.g. "-algorithm RSA -pkeyopt rsa_keygen_bits:1024". */
    private void key(String name, String... genpkey) {
        String[] args = new String[genpkey.length + 3];
        args[0] = "genpkey";
        System.arraycopy(genpkey, 0, args, 1, genpkey.length);
        args[genpkey.length + 1] = "-out";
        args[genpkey.length + 2] = file(name + ".key").toString();
        openssl(args);
    }

    /** A certificate for the key NAME.key, signed by the root with this digest. */
    private void signed(String name, String subject, String digest) {
        openssl("req", "-new", "-key", file(name + ".key").toString(), "-subj", subject, "-out", file(name + ".csr").toString());
        write(file(name + ".ext"), "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost\n");
        openssl("x509", "-req", "-in", file(name + ".csr").toString(), "-CA", file("root.crt").toString(),
                "-CAkey", file("root.key").toString(), "-CAcreateserial", "-CAserial", file("root.srl").toString(),
                "-" + digest, "-days", "90", "-extfile", file(name + ".ext").toString(), "-out", file(name + ".crt").toString());
    }

    private Path keyStore() {
        Path store = file("client.p12");
        openssl("pkcs12", "-export", "-inkey", file("client.key").toString(), "-in", file("client.crt").toString(),
                "-certfile", file("root.crt").toString(), "-name", "lambda", "-passout", "env:PW", "-out", store.toString());
        return store;
    }

    /** Material that meets the floor except where a test makes it weaker. */
    private void strongMaterial() {
        root("sha256");
        key("client", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256");
        signed("client", "/CN=lambda-client", "sha256");
        key("server", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        signed("server", "/CN=localhost", "sha256");
    }

    private BadInputCli.Result importIt(Path out) {
        Path password = write(file("password"), PASSWORD + "\n");
        return run("certs", "import", "--out", out.toString(), "--password-file", password.toString(),
                "--service", "service-1", "--keystore", keyStore().toString(),
                "--ca-cert", file("root.crt").toString(), "--server-cert", file("server.crt").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "-algorithm RSA -pkeyopt rsa_keygen_bits:1024 | RSA key of 1024 bits; at least 2048 required",
            "-algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 | EC key on curve secp256k1; P-256, P-384 or P-521 required",
            "-algorithm EC -pkeyopt ec_paramgen_curve:brainpoolP256r1 | EC key on curve brainpoolP256r1",
            "-algorithm EC -pkeyopt ec_paramgen_curve:secp224r1 | EC key on curve secp224r1",
            "-algorithm Ed25519 | Ed25519 key; RSA 2048+ or EC P-256/P-384/P-521 required"})
    void aWeakClientKeyIsRefusedByImportNamingTheFileTheEntryAndTheRule(String genpkey, String rule) {
        strongMaterial();
        key("client", genpkey.trim().split(" "));
        signed("client", "/CN=lambda-client", "sha256");
        Path out = file("ws");

        String line = assertOneLineFailure(importIt(out), ExitCodes.FAILED, rule.trim());

        assertTrue(line.contains("client.p12, entry 'lambda'") && line.contains("'CN=lambda-client'"), line);
        assertNothingWritten(out);
    }

    @Test
    void aDsaKeyIsSaidToBeUnsupportedNotToMismatchItsCertificate() {
        strongMaterial();
        openssl("dsaparam", "-out", file("dsa.param").toString(), "2048");
        openssl("gendsa", "-out", file("client.key").toString(), file("dsa.param").toString());
        signed("client", "/CN=lambda-client", "sha256");
        Path out = file("ws");

        String line = assertOneLineFailure(importIt(out), ExitCodes.FAILED, "DSA key; DSA keys are not supported");

        assertTrue(line.contains("client.p12, entry 'lambda'") && !line.contains("does not match"), line);
        assertNothingWritten(out);
    }

    @Test
    void aLeafSignedWithSha1ByAStrongCaIsRefused() {
        strongMaterial();
        signed("client", "/CN=lambda-client", "sha1");
        Path out = file("ws");

        String line = assertOneLineFailure(importIt(out), ExitCodes.FAILED, "signed with SHA1withRSA; MD5 and SHA-1 signatures are refused");

        assertTrue(line.contains("'CN=lambda-client'"), line);
        assertNothingWritten(out);
    }

    @Test
    void aWeakBackendCertificateIsRefusedNamingItsFile() {
        strongMaterial();
        key("server", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024");
        signed("server", "/CN=localhost", "sha256");
        Path out = file("ws");

        String line = assertOneLineFailure(importIt(out), ExitCodes.FAILED, "RSA key of 1024 bits; at least 2048 required");

        assertTrue(line.contains("server.crt") && line.contains("'CN=localhost'"), line);
        assertNothingWritten(out);
    }

    @Test
    void aSelfSignedRootsOwnSha1SignatureIsAcceptedAndItsMaterialPublishes() {
        root("sha1");
        key("client", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384");
        signed("client", "/CN=lambda-client", "sha256");
        key("server", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048");
        signed("server", "/CN=localhost", "sha256");
        Path out = file("ws");

        BadInputCli.Result result = importIt(out);

        assertEquals(0, result.exitCode(), result.err());
        try (FakeAws aws = FakeAws.start()) {
            FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", out.toString(), "--service", "service-1");
            assertEquals(1, aws.lambda().layerVersions("mtls-service-1").size());
        }
    }

    @Test
    void publishRefusesAWorkspaceWhoseBackendChainWasReplacedByAWeakOne() throws Exception {
        Path ws = file("ws");
        Cli.runOk("certs", "create", "--out", ws.toString());
        openssl("req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", file("weak.key").toString(), "-sha256",
                "-days", "30", "-subj", "/CN=localhost", "-out", file("weak.crt").toString());
        Files.copy(file("weak.crt"), ws.resolve("servers/service-1/server-chain.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        try (FakeAws aws = FakeAws.start()) {
            Cli.Result result = FakeAwsCli.run(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1");

            assertEquals(1, result.exitCode(), result.err());
            assertEquals(1, result.errLines().size(), result.err());
            assertTrue(result.err().startsWith("mtls-cli: service-1: servers/service-1/server-chain.crt: the certificate 'CN=localhost': "
                    + "RSA key of 1024 bits; at least 2048 required"), result.err());
            assertEquals(0, aws.lambda().layerVersions("mtls-service-1").size(), "nothing was published");
        }
    }

    @Test
    void inspectFlagsEachWeakCertificateAndExitsNeedingAttention() {
        strongMaterial();
        key("client", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024");
        signed("client", "/CN=lambda-client", "sha1");

        Cli.Result text = Cli.run("certs", "inspect", file("client.crt").toString());
        Cli.Result json = Cli.run("certs", "inspect", file("client.crt").toString(), "--output", "json");
        Cli.Result root = Cli.run("certs", "inspect", file("root.crt").toString());

        assertEquals(ExitCodes.ATTENTION, text.exitCode(), text.err());
        assertTrue(text.out().contains("WEAK      RSA key of 1024 bits; at least 2048 required"), text.out());
        assertTrue(text.out().contains("WEAK      signed with SHA1withRSA; MD5 and SHA-1 signatures are refused"), text.out());
        assertEquals(ExitCodes.ATTENTION, json.exitCode(), json.err());
        assertTrue(json.out().contains("\"policyViolations\"") && json.out().contains("\"RSA key of 1024 bits; at least 2048 required\""), json.out());
        assertEquals(ExitCodes.OK, root.exitCode(), root.out());
        assertTrue(!root.out().contains("WEAK"), root.out());
    }

    /** A DSA client key and its certificate, as one PEM file and as a PKCS12 store. */
    private void dsaClient() {
        strongMaterial();
        openssl("dsaparam", "-out", file("dsa.param").toString(), "2048");
        openssl("gendsa", "-out", file("client.key").toString(), file("dsa.param").toString());
        signed("client", "/CN=lambda-client", "sha256");
    }

    @Test
    void inspectOfAPemDsaKeyAndCertificateSaysDsaIsUnsupportedAndFlagsItWeak() throws Exception {
        dsaClient();
        Path pem = file("client.pem");
        Files.writeString(pem, Files.readString(file("client.key")) + Files.readString(file("client.crt")));

        Cli.Result result = Cli.run("certs", "inspect", pem.toString());

        assertEquals(ExitCodes.ATTENTION, result.exitCode(), result.err());
        assertTrue(result.out().contains("WEAK      DSA key; DSA keys are not supported"), result.out());
        assertTrue(!result.err().contains("does not match") && !result.out().contains("does not match"), result.err());
    }

    @Test
    void inspectOfAPkcs12StoreWithADsaKeySaysDsaIsUnsupportedAndFlagsItWeak() {
        dsaClient();
        Path password = write(file("password"), PASSWORD + "\n");
        password.toFile().setReadable(false, false);
        password.toFile().setReadable(true, true);

        Cli.Result result = Cli.run("certs", "inspect", keyStore().toString(), "--password-file", password.toString());

        assertEquals(ExitCodes.ATTENTION, result.exitCode(), result.err());
        assertTrue(result.out().contains("WEAK      DSA key; DSA keys are not supported"), result.out());
        assertTrue(!result.err().contains("does not match") && !result.out().contains("does not match"), result.err());
    }
}
