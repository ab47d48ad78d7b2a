package dev.mtlscli.cmd;

import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.SampleMaterial;
import dev.mtlscli.testing.Workspace;
import dev.mtlscli.workspace.WorkspaceLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** `certs rekey` refuses in one line and leaves the workspace byte for byte as it was. */
class CertsRekeyBadInputTest {
    @TempDir
    static Path shared;

    private static SampleMaterial sample;

    @TempDir
    Path temp;

    @BeforeAll
    static void makeSampleMaterial() {
        sample = SampleMaterial.create(shared.resolve("sample"), "localhost");
    }

    /** The sample's service-1 keystore, imported without its CA key. */
    private Path importedWithoutCaKey() throws IOException {
        Path out = temp.resolve("ws");
        Path password = Files.writeString(temp.resolve("sample-password"), SampleMaterial.PASSWORD + "\n");
        Cli.run("certs", "import", "--out", out.toString(), "--truststore", sample.file("client_truststore.jks").toString(),
                "--password-file", password.toString(),
                "--service", "service-1", "--keystore", sample.file("client_keystore_1.jks").toString()).assertExit(0, "import");
        return out;
    }

    @Test
    void aServiceImportedWithoutItsCaKeyIsReKeyedOnlyUnderANewCa() throws IOException {
        Path ws = importedWithoutCaKey();
        Map<String, String> before = snapshot(ws);
        BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", "--workspace", ws.toString()), ExitCodes.FAILED,
                "service-1: the workspace was imported without the key of its CA, so it can only be re-keyed under a new CA: "
                        + "mtls-cli certs rekey --workspace " + ws + " --service service-1 --new-ca");
        assertUnchanged(ws, before);
    }

    @Test
    void anUnknownService() throws IOException {
        Path ws = importedWithoutCaKey();
        Map<String, String> before = snapshot(ws);
        BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", "--workspace", ws.toString(), "--service", "nosuch",
                "--new-ca"), ExitCodes.FAILED, "service 'nosuch' is not in workspace");
        assertUnchanged(ws, before);
    }

    @Test
    void aMissingWorkspaceIsNotCreated() {
        Path ws = temp.resolve("nosuch");
        BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", "--workspace", ws.toString()), ExitCodes.FAILED,
                "workspace " + ws + " does not exist");
        BadInputCli.assertNothingWritten(ws);
    }

    @Test
    void aWorkspaceHoldingAFileOfTheUsersIsNotReplaced() throws IOException {
        Path ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null).root();
        Files.writeString(ws.resolve("clients/service-1/notes.txt"), "mine\n");
        Map<String, String> before = snapshot(ws);
        BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", "--workspace", ws.toString()), ExitCodes.FAILED,
                "certs rekey replaces the workspace " + ws + " as a whole, and clients/service-1/notes.txt is not something mtls-cli wrote");
        assertUnchanged(ws, before);
    }

    @Test
    void aWorkspaceInUseByAnotherRun() throws IOException {
        Path ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null).root();
        Map<String, String> before = snapshot(ws);
        try (WorkspaceLock held = WorkspaceLock.acquire(ws, "rotate")) {
            BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", "--workspace", ws.toString()), ExitCodes.FAILED,
                    "is in use by pid " + ProcessHandle.current().pid() + " (mtls-cli rotate");
        }
        assertUnchanged(ws, before);
    }

    @Test
    void aPositionalArgumentIsAUsageError() throws IOException {
        Path ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null).root();
        Map<String, String> before = snapshot(ws);
        BadInputCli.assertOneLineFailure(BadInputCli.run("certs", "rekey", ws.toString()), ExitCodes.USAGE, "");
        assertUnchanged(ws, before);
    }

    private static void assertUnchanged(Path ws, Map<String, String> before) {
        assertEquals(before, snapshot(ws), "the workspace must be left as it was");
        BadInputCli.assertNoLeftoversBeside(ws);
        assertFalse(Files.exists(ws.resolve("clients/service-1/.renewal-previous.crt")));
    }

    /** Every file but the lock (its text names the last holder), with its content as hex. */
    private static Map<String, String> snapshot(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(Files::isRegularFile).filter(path -> !path.getFileName().toString().equals(WorkspaceLock.FILE_NAME))
                    .forEach(path -> {
                        try {
                            files.put(root.relativize(path).toString(), java.util.HexFormat.of().formatHex(Files.readAllBytes(path)));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
