package dev.mtlscli.cmd;

import dev.mtlscli.testing.SampleMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;

/**
 * 20 KB of nested indefinite-length SEQUENCEs (30 80 repeated), the input that makes a
 * recursive ASN.1 parser overflow its stack, given as DER, as PEM and as a PKCS12 store to
 * `certs inspect` and `certs import`: one line, no stack trace, nothing written.
 */
class NestedBerInputTest {
    @TempDir
    static Path dir;

    static Path der;
    static Path pem;
    static Path p12;
    static Path password;
    static SampleMaterial sample;

    @BeforeAll
    static void craft() throws IOException {
        byte[] nested = new byte[20_000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80;
        }
        der = Files.write(dir.resolve("deep.der"), nested);
        p12 = Files.write(dir.resolve("deep.p12"), nested);
        pem = write(dir.resolve("deep.pem"), "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(nested) + "\n-----END CERTIFICATE-----\n");
        sample = SampleMaterial.create(dir.resolve("sample"), "backend-service-%d.com");
        password = write(dir.resolve("password"), SampleMaterial.PASSWORD + "\n");
    }

    @Test
    void inspectRefusesNestedDer() {
        assertOneLineFailure(run("certs", "inspect", der.toString(), "--password-file", password.toString()),
                ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
    }

    @Test
    void inspectRefusesNestedPem() {
        assertOneLineFailure(run("certs", "inspect", pem.toString()), ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
    }

    @Test
    void inspectRefusesNestedPkcs12() {
        assertOneLineFailure(run("certs", "inspect", p12.toString(), "--password-file", password.toString()),
                ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
    }

    @Test
    void importRefusesNestedKeyStore() {
        Path out = dir.resolve("ws-keystore");
        assertOneLineFailure(run("certs", "import", "--out", out.toString(), "--service", "service-1",
                "--keystore", p12.toString(), "--truststore", sample.file("client_truststore.jks").toString(),
                "--password-file", password.toString()), ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
        assertNothingWritten(out);
    }

    @Test
    void importRefusesNestedCaCertificateAsDerAndPem() {
        for (Path caCert : new Path[] {der, pem}) {
            Path out = dir.resolve("ws-ca-" + caCert.getFileName());
            assertOneLineFailure(run("certs", "import", "--out", out.toString(), "--service", "service-1",
                    "--keystore", sample.file("client_keystore_1.jks").toString(),
                    "--truststore", sample.file("client_truststore.jks").toString(),
                    "--password-file", password.toString(), "--ca-cert", caCert.toString()),
                    ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
            assertNothingWritten(out);
        }
    }
}
