package dev.mtlscli.cmd;

import dev.mtlscli.store.CraftedKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files from anyone (keys, stores, specs, password files) end in one clear line: no endless key
 * derivation, no OutOfMemoryError on an endless file, no escape sequence on the terminal, and no
 * typo silently replaced by a generated password.
 */
class UntrustedInputTest {
    /** Only a safety net: without the fixes these runs take days or end in OutOfMemoryError. */
    private static final Duration NET = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    private Path write(String name, String content) throws IOException {
        return Files.writeString(temp.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void aKeyAskingForTwoBillionKdfIterationsIsRefusedAtOnce() throws Exception {
        Path key = Files.write(temp.resolve("slow.key"), CraftedKeys.encryptedPemWithIterations(Integer.MAX_VALUE, "a-password-16chars"));
        Path password = write("pw", "a-password-16chars\n");

        BadInputCli.Result result = assertTimeoutPreemptively(NET,
                () -> run("certs", "inspect", key.toString(), "--password-file", password.toString()));

        String line = assertOneLineFailure(result, 1, "key-derivation iterations");
        assertTrue(line.contains("2147483647"), line);
    }

    /** PKCS12 stores carry their own KDF counts; the JDK caps them (5 million), and the run ends in one line. */
    @Test
    void aStoreWhoseMacAsksForTwoBillionRoundsEndsInOneLine() throws Exception {
        Path ws = temp.resolve("ws");
        assertEquals(0, run("certs", "create", "--out", ws.toString()).exitCode());
        org.bouncycastle.asn1.pkcs.Pfx pfx = org.bouncycastle.asn1.pkcs.Pfx.getInstance(
                Files.readAllBytes(ws.resolve("clients/service-1/keystore.p12")));
        org.bouncycastle.asn1.pkcs.MacData mac = pfx.getMacData();
        org.bouncycastle.asn1.pkcs.Pfx slow = new org.bouncycastle.asn1.pkcs.Pfx(pfx.getAuthSafe(),
                new org.bouncycastle.asn1.pkcs.MacData(mac.getMac(), mac.getSalt(), Integer.MAX_VALUE));
        Path store = Files.write(temp.resolve("slow.p12"), slow.getEncoded("DER"));
        Path password = write("pw", "SomePassword0123456789\n");

        BadInputCli.Result result = assertTimeoutPreemptively(NET,
                () -> run("certs", "inspect", store.toString(), "--password-file", password.toString()));

        assertOneLineFailure(result, 1, "slow.p12");
    }

    /**
     * Ten encrypted SafeContents at 4 million rounds each, every one under the JDK's cap: the
     * total is refused from the structure, before one derivation, in `certs inspect` and `certs import`.
     */
    @Test
    void aStoreWhoseDerivationsSumToFortyMillionRoundsIsRefusedBeforeDerivingAny() throws Exception {
        Path store = Files.write(temp.resolve("many.p12"), CraftedKeys.pkcs12WithEncryptedContents(10, 4_000_000));
        Path password = write("pw", "SomePassword0123456789\n");

        BadInputCli.Result inspect = assertTimeoutPreemptively(NET,
                () -> run("certs", "inspect", store.toString(), "--password-file", password.toString()));
        assertOneLineFailure(inspect, 1, "key-derivation rounds in all");

        Path out = temp.resolve("out");
        BadInputCli.Result imported = assertTimeoutPreemptively(NET, () -> run("certs", "import", "--out", out.toString(),
                "--service", "service-1", "--keystore", store.toString(), "--password-file", password.toString()));
        assertOneLineFailure(imported, 1, "key-derivation rounds in all");
        assertNothingWritten(out);
    }

    @Test
    void endlessFilesEndInOneLine() throws IOException {
        Path out = temp.resolve("out");
        assertOneLineFailure(assertTimeoutPreemptively(NET, () -> run("certs", "inspect", "/dev/zero")), 1, "larger than");
        assertOneLineFailure(assertTimeoutPreemptively(NET,
                () -> run("certs", "create", "--out", out.toString(), "--password-file", "/dev/zero")), 1, "larger than");
        assertOneLineFailure(assertTimeoutPreemptively(NET,
                () -> run("certs", "create", "--out", out.toString(), "--spec", "/dev/zero")), 1, "larger than");
        Path cert = write("c.pem", "x");
        assertOneLineFailure(assertTimeoutPreemptively(NET,
                () -> run("certs", "inspect", cert.toString(), "--password-file", "/dev/zero")), 1, "larger than");
        assertNothingWritten(out);
    }

    @Test
    void aPasswordFileWithATypoIsRefusedInsteadOfGeneratingAPassword() throws IOException {
        Path passwords = write("passwords.json", """
                {"version": 1, "passwords": {"clients/service-1/keystore.p21": "a-supplied-password-of-some-length"}}
                """);
        Path out = temp.resolve("out");
        String line = assertOneLineFailure(run("certs", "create", "--out", out.toString(), "--password-file", passwords.toString()),
                1, "'clients/service-1/keystore.p21'");
        assertTrue(line.contains("clients/service-1/keystore.p12"), "the expected names are listed: " + line);
        assertNothingWritten(out);
    }

    @Test
    void passwordsOfOnlyWhitespaceOrNotPrintableAsciiAreRefused() throws IOException {
        Path out = temp.resolve("out");
        Path blank = write("blank.json", "{\"version\": 1, \"passwords\": {\"ca/service-1/ca.key\": \"                    \"}}");
        assertOneLineFailure(run("certs", "create", "--out", out.toString(), "--password-file", blank.toString()), 1, "only whitespace");
        Path accented = write("accented.json", "{\"version\": 1, \"passwords\": {\"ca/service-1/ca.key\": \"mot-de-passe-très-long\"}}");
        assertOneLineFailure(run("certs", "create", "--out", out.toString(), "--password-file", accented.toString()), 1, "printable ASCII");
        assertNothingWritten(out);

        Path spaces = write("spaces", "        \n");
        Path cert = write("c.pem", "x");
        assertOneLineFailure(run("certs", "inspect", cert.toString(), "--password-file", spaces.toString()), 1, "only whitespace");
    }

    @Test
    void escapeSequencesAndNewlinesInASpecStayOnOneEscapedLine() throws IOException {
        Path out = temp.resolve("out");
        Path subject = write("subject.json", "{\"services\": [{\"name\": \"svc\", \"host\": \"svc.example.com\","
                + " \"client\": {\"subject\": \"CN=evil\\u001b]0;pwned\\u0007\"}}]}");
        BadInputCli.Result result = run("certs", "create", "--out", out.toString(), "--spec", subject.toString());
        assertOneLineFailure(result, 1, "control characters");
        assertFalse(result.err().chars().anyMatch(c -> c == 0x1b || c == 0x07), result.err());
        assertTrue(result.err().contains("\\x1b"), result.err());

        Path name = write("name.json", "{\"services\": [{\"name\": \"svc\\nmtls-cli: all good\", \"host\": \"svc.example.com\"}]}");
        BadInputCli.Result twoLines = run("certs", "create", "--out", out.toString(), "--spec", name.toString());
        assertOneLineFailure(twoLines, 1, "svc\\nmtls-cli: all good");
        assertNothingWritten(out);
    }

    @Test
    void aCertificateWithAnEscapeSequenceInItsSubjectIsShownEscaped() throws Exception {
        Path key = temp.resolve("esc.key");
        Path cert = temp.resolve("esc.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "365", "-utf8",
                "-subj", "/CN=a\u001b[2Jb").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertEquals(0, openssl.waitFor());

        BadInputCli.Result result = run("certs", "inspect", cert.toString());

        assertEquals(0, result.exitCode(), result.err());
        assertFalse(result.out().chars().anyMatch(c -> c == 0x1b), result.out());
        assertTrue(result.out().contains("a\\x1b[2Jb"), result.out());
    }

    @Test
    void aNegativeWarnDaysIsAUsageError() throws IOException {
        Path cert = write("c.pem", "x");
        assertOneLineFailure(run("certs", "inspect", cert.toString(), "--warn-days", "-1"), 2, "--warn-days must be 0 or more");
    }

    @Test
    void aLoneKeyHasNoChainVerdictAndABrokenChainNeedsAttention() throws Exception {
        Path out = temp.resolve("ws");
        assertEquals(0, run("certs", "create", "--out", out.toString()).exitCode());

        BadInputCli.Result key = run("certs", "inspect", out.resolve("servers/service-1/server.key").toString());
        assertEquals(0, key.exitCode(), key.err());
        assertFalse(key.out().contains("DOES NOT VERIFY"), key.out());
        assertTrue(key.out().contains("no chain to verify"), key.out());

        // service-1's server certificate followed by service-2's CA: a chain that does not verify
        Path broken = Files.writeString(temp.resolve("broken.pem"), Files.readString(out.resolve("servers/service-1/server.crt"))
                + Files.readString(out.resolve("ca/service-2/ca.crt")));
        BadInputCli.Result chain = run("certs", "inspect", broken.toString());
        assertTrue(chain.out().contains("DOES NOT VERIFY"), chain.out());
        assertEquals(3, chain.exitCode(), "a chain that does not verify needs attention");
    }
}
