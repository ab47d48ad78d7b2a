package dev.mtlscli.cmd;

import dev.mtlscli.testing.SampleMaterial;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static dev.mtlscli.cmd.BadInputCli.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JKS store is not ASN.1 but holds certificates that are: one whose certificate is 200 KB of
 * nested indefinite-length SEQUENCEs (30 80 repeated) reaches the JDK's certificate parser,
 * which recurses once per level, while the JKS loader reads the store (before its integrity
 * check, so no password is needed to craft it). `certs inspect` and `certs import` refuse it in
 * one line, no stack trace, nothing written.
 */
class NestedJksInputTest {
    @TempDir
    static Path dir;

    static Path trustStore;
    static Path keyStore;
    static Path password;
    static SampleMaterial sample;

    @BeforeAll
    static void craft() throws Exception {
        byte[] nested = new byte[200_000];
        for (int i = 0; i < nested.length; i += 2) {
            nested[i] = 0x30;
            nested[i + 1] = (byte) 0x80;
        }
        char[] storePassword = SampleMaterial.PASSWORD.toCharArray();
        trustStore = Files.write(dir.resolve("deep-trusted.jks"), jks(NestedJksInputTest::trustedCertificate, nested, storePassword));
        keyStore = Files.write(dir.resolve("deep-key.jks"), jks(NestedJksInputTest::keyWithChain, nested, storePassword));
        sample = SampleMaterial.create(dir.resolve("sample"), "backend-service-%d.com");
        password = write(dir.resolve("password"), SampleMaterial.PASSWORD + "\n");
    }

    /** The entry of a trusted certificate with these bytes, as JavaKeyStore writes it (format 2). */
    static void trustedCertificate(DataOutputStream out, byte[] certificate) throws IOException {
        out.writeInt(2);
        out.writeUTF("deep");
        out.writeLong(0);
        out.writeUTF("X.509");
        out.writeInt(certificate.length);
        out.write(certificate);
    }

    /** The entry of a private key (its EncryptedPrivateKeyInfo is not read at load) with a chain of these bytes. */
    static void keyWithChain(DataOutputStream out, byte[] certificate) throws IOException {
        out.writeInt(1);
        out.writeUTF("deep");
        out.writeLong(0);
        byte[] encryptedKey = {0x30, 0x00};
        out.writeInt(encryptedKey.length);
        out.write(encryptedKey);
        out.writeInt(1);
        out.writeUTF("X.509");
        out.writeInt(certificate.length);
        out.write(certificate);
    }

    interface Entry {
        void write(DataOutputStream out, byte[] certificate) throws IOException;
    }

    /** A JKS store (format 2) with one entry and the integrity digest over it for this password. */
    static byte[] jks(Entry entry, byte[] certificate, char[] storePassword) throws IOException, NoSuchAlgorithmException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xFEEDFEED);
        out.writeInt(2);
        out.writeInt(1);
        entry.write(out, certificate);
        out.flush();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        for (char c : storePassword) {
            sha1.update((byte) (c >> 8));
            sha1.update((byte) c);
        }
        sha1.update("Mighty Aphrodite".getBytes(StandardCharsets.UTF_8));
        sha1.update(bytes.toByteArray());
        out.write(sha1.digest());
        return bytes.toByteArray();
    }

    @Test
    void inspectRefusesAJksWithANestedCertificate() {
        for (Path jks : new Path[] {trustStore, keyStore}) {
            assertOneLineFailure(run("certs", "inspect", jks.toString(), "--password-file", password.toString()),
                    ExitCodes.FAILED, jks + " nests its ASN.1 encoding deeper than");
        }
    }

    @Test
    void importRefusesAJksKeyStoreOrTrustStoreWithANestedCertificate() {
        Path out = dir.resolve("ws-truststore");
        assertOneLineFailure(run("certs", "import", "--out", out.toString(), "--service", "service-1",
                "--keystore", sample.file("client_keystore_1.jks").toString(), "--truststore", trustStore.toString(),
                "--password-file", password.toString()), ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
        assertNothingWritten(out);
        out = dir.resolve("ws-keystore");
        assertOneLineFailure(run("certs", "import", "--out", out.toString(), "--service", "service-1",
                "--keystore", keyStore.toString(), "--truststore", sample.file("client_truststore.jks").toString(),
                "--password-file", password.toString()), ExitCodes.FAILED, "nests its ASN.1 encoding deeper than");
        assertNothingWritten(out);
    }

    @Test
    void keytoolsJksStoresStillLoad() {
        for (String store : new String[] {"client_keystore_1.jks", "client_truststore.jks"}) {
            BadInputCli.Result result = run("certs", "inspect", sample.file(store).toString(), "--password-file", password.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("CN="), result.out());
        }
    }
}
