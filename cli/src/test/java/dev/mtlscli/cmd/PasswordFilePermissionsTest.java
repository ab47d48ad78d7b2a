package dev.mtlscli.cmd;

import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Supplier;

import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A password file that group or others can read is used, with one warning on stderr naming the
 * file, its mode and the fix; one only its owner can read is used without a word.
 */
class PasswordFilePermissionsTest {
    @TempDir
    Path tmp;

    @Test
    void certsCreatePasswordFileReadableByOthersIsWarnedAbout() throws IOException {
        Path file = passwordFile("supplied.json", "{\"version\": 1, \"passwords\": {}}", "rw-r--r--");
        List<String> warnings = warningsOf(() -> run("certs", "create", "--out", tmp.resolve("out").toString(),
                "--password-file", file.toString()));
        assertEquals(List.of(expected(file, "0644")), warnings);
    }

    @Test
    void certsCreatePasswordFileOnlyTheOwnerCanReadIsNotWarnedAbout() throws IOException {
        Path file = passwordFile("supplied.json", "{\"version\": 1, \"passwords\": {}}", "rw-------");
        assertEquals(List.of(), warningsOf(() -> run("certs", "create", "--out", tmp.resolve("out").toString(),
                "--password-file", file.toString())));
    }

    @Test
    void certsInspectPasswordFileReadableByGroupIsWarnedAbout() throws IOException {
        Workspace workspace = Workspace.create(tmp.resolve("ws"), "ec-p256", "pkcs12", null);
        String keyStore = workspace.keyStore("service-1");
        Path file = passwordFile("keystore-password", workspace.password(keyStore) + "\n", "rw-r-----");
        List<String> warnings = warningsOf(() -> run("certs", "inspect", workspace.file(keyStore).toString(),
                "--password-file", file.toString()));
        assertEquals(List.of(expected(file, "0640")), warnings);
    }

    @Test
    void workspacePasswordsJsonReadableByOthersIsWarnedAboutOnce() throws IOException {
        Workspace workspace = Workspace.create(tmp.resolve("ws"), "ec-p256", "pkcs12", null);
        Path passwords = workspace.file("passwords.json");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-rw-r--"));
        List<String> warnings = warningsOf(() -> run("layer", "publish", "--workspace", workspace.root().toString(),
                "--dry-run", "--region", "us-east-1"));
        assertEquals(List.of(expected(passwords, "0664")), warnings);
    }

    private Path passwordFile(String name, String content, String mode) throws IOException {
        Path file = Files.writeString(tmp.resolve(name), content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static String expected(Path file, String mode) {
        return "mtls-cli: warning: " + file + " is readable by group/others (mode " + mode + "); run chmod 600 " + file;
    }

    /** The warning lines the run wrote to the process's stderr, after checking the run succeeded. */
    private static List<String> warningsOf(Supplier<BadInputCli.Result> command) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        BadInputCli.Result result;
        try {
            result = command.get();
        } finally {
            System.setErr(original);
        }
        assertEquals(0, result.exitCode(), result.err());
        return captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains("warning")).toList();
    }
}
