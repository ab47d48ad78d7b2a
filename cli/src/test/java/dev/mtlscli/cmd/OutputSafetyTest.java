package dev.mtlscli.cmd;

import dev.mtlscli.workspace.WorkspaceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.mtlscli.cmd.BadInputCli.assertNoLeftoversBeside;
import static dev.mtlscli.cmd.BadInputCli.assertNothingWritten;
import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `certs create` never costs the user a CA key or a file of theirs: outputs that overlap are
 * refused, --force replaces only what mtls-cli made, the workspace and its layer directory
 * appear together or not at all, and a workspace in use by another run is left alone.
 */
class OutputSafetyTest {

    @TempDir
    Path temp;

    private Path createWorkspace(String name) {
        Path out = temp.resolve(name);
        BadInputCli.Result result = run("certs", "create", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.err());
        return out;
    }

    /** Every file of a tree with a digest of its content, to prove it was not touched; the lock file names its last holder. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).filter(p -> !p.endsWith(WorkspaceLock.FILE_NAME)).toList()) {
                files.put(root.relativize(path).toString(), HexFormat.of().formatHex(Files.readAllBytes(path)).hashCode() + "");
            }
        }
        return files;
    }

    @Test
    void theSameDirectoryForOutAndLayerDirIsRefusedAndTheWorkspaceKeepsItsCaKeys() throws IOException {
        Path ws = createWorkspace("ws");
        Map<String, String> before = snapshot(ws);
        assertTrue(before.containsKey("ca/service-1/ca.key"));

        BadInputCli.Result result = run("certs", "create", "--out", ws.toString(), "--layer-dir", ws.toString(), "--force");

        assertOneLineFailure(result, 1, "same directory");
        assertEquals(before, snapshot(ws));
        assertNoLeftoversBeside(ws);
    }

    @Test
    void layerBuildRefusesALayerDirThatIsOrHoldsOrLiesInTheWorkspace() throws IOException {
        Path ws = createWorkspace("ws");
        Map<String, String> before = snapshot(ws);

        assertOneLineFailure(run("layer", "build", "--workspace", ws.toString(), "--layer-dir", ws.toString(), "--force"), 1,
                "same directory");
        assertOneLineFailure(run("layer", "build", "--workspace", ws.toString(), "--layer-dir", ws.resolve("layer").toString()), 1,
                "inside");
        assertOneLineFailure(run("layer", "build", "--workspace", ws.toString(), "--layer-dir", temp.toString(), "--force"), 1,
                "inside");
        assertEquals(before, snapshot(ws));
        assertNoLeftoversBeside(ws);
    }

    @Test
    void aLayerDirAboveOrInsideOutIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path ws = createWorkspace("ws");
        Map<String, String> before = snapshot(ws);

        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--layer-dir", temp.toString(), "--force"), 1, "inside");
        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--layer-dir", ws.resolve("layer").toString(), "--force"),
                1, "inside");
        Path fresh = temp.resolve("fresh");
        assertOneLineFailure(run("certs", "create", "--out", fresh.toString(), "--layer-dir", fresh.resolve("layer").toString()),
                1, "inside");
        assertNothingWritten(fresh);
        assertEquals(before, snapshot(ws));
    }

    @Test
    void aSymlinkToTheWorkspaceIsTheSameDirectory() throws IOException {
        Path ws = createWorkspace("ws");
        Map<String, String> before = snapshot(ws);
        Path link = Files.createSymbolicLink(temp.resolve("link"), ws);

        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--layer-dir", link.toString(), "--force"), 1, "same directory");
        assertEquals(before, snapshot(ws));
    }

    @Test
    void aLayerDirThatCannotBeCreatedLeavesNeitherOutput() throws IOException {
        Path out = temp.resolve("out");
        Files.writeString(temp.resolve("a-file"), "x");
        Path layer = temp.resolve("a-file").resolve("layer");

        BadInputCli.Result result = run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString());

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertNothingWritten(out);
    }

    @Test
    void aWorkspaceAndItsLayerDirAppearTogether() {
        Path out = temp.resolve("out");
        Path layer = temp.resolve("layer");
        BadInputCli.Result result = run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(Files.isRegularFile(out.resolve("ca/service-1/ca.key")));
        assertTrue(Files.isRegularFile(layer.resolve("mtls/service-1/manifest.json")));
        assertNoLeftoversBeside(out);
        assertNoLeftoversBeside(layer);

        BadInputCli.Result again = run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString(), "--force");
        assertEquals(0, again.exitCode(), "a workspace and a layer directory made by mtls-cli can be replaced: " + again.err());
    }

    @Test
    void forceRefusesADirectoryThatIsNotAWorkspaceAndKeepsItsFiles() throws IOException {
        Path mine = Files.createDirectories(temp.resolve("d"));
        Files.writeString(mine.resolve("notes.txt"), "my notes");

        assertOneLineFailure(run("certs", "create", "--out", mine.toString(), "--force"), 1, "replaces only an mtls-cli workspace");
        assertEquals("my notes", Files.readString(mine.resolve("notes.txt")));
        assertEquals(List.of("notes.txt"), List.of(mine.toFile().list()));
        assertNoLeftoversBeside(mine);
    }

    @Test
    void forceRefusesAWorkspaceThatHoldsAFileOfTheUsers() throws IOException {
        Path ws = createWorkspace("ws");
        Files.writeString(ws.resolve("notes.txt"), "my notes");
        Map<String, String> before = snapshot(ws);

        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "notes.txt");
        assertEquals(before, snapshot(ws));
    }

    @Test
    void forceRefusesALayerDirThatHoldsSomethingElse() throws IOException {
        Path layer = Files.createDirectories(temp.resolve("layer"));
        Files.writeString(layer.resolve("function.zip"), "x");

        assertOneLineFailure(run("certs", "create", "--out", temp.resolve("out").toString(), "--layer-dir", layer.toString(), "--force"),
                1, "function.zip");
        assertEquals("x", Files.readString(layer.resolve("function.zip")));
        assertNothingWritten(temp.resolve("out"));
    }

    @Test
    void forceStillReplacesAWorkspaceOfAnEarlierVersionWithoutTheMarker() throws IOException {
        Path ws = createWorkspace("ws");
        Files.delete(ws.resolve(".mtls-cli-workspace"));
        byte[] oldKey = Files.readAllBytes(ws.resolve("ca/service-1/ca.key"));

        BadInputCli.Result result = run("certs", "create", "--out", ws.toString(), "--force");

        assertEquals(0, result.exitCode(), result.err());
        assertFalse(java.util.Arrays.equals(oldKey, Files.readAllBytes(ws.resolve("ca/service-1/ca.key"))));
        assertNoLeftoversBeside(ws);
    }

    @Test
    void theCurrentDirectoryItsParentsAndTheRootAreNeverOutputs() {
        Path cwd = Paths.get("").toAbsolutePath();
        assertOneLineFailure(run("certs", "create", "--out", ".", "--force"), 1, "current directory");
        assertOneLineFailure(run("certs", "create", "--out", cwd.toString(), "--force"), 1, "current directory");
        assertOneLineFailure(run("certs", "create", "--out", cwd.getParent().toString(), "--force"), 1, "holds the current directory");
        assertOneLineFailure(run("certs", "create", "--out", "/", "--force"), 1, "root directory");
        assertOneLineFailure(run("certs", "create", "--out", "/"), 1, "root directory");
    }

    @Test
    void theHomeDirectoryIsNeverAnOutput() throws IOException {
        Path home = Files.createDirectories(temp.resolve("home"));
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            assertOneLineFailure(run("certs", "create", "--out", home.toString()), 1, "home directory");
        } finally {
            System.setProperty("user.home", saved);
        }
        assertEquals(0, home.toFile().list().length);
    }

    @Test
    void aWorkspaceLockedByAnotherRunIsNotReplacedAndTheHolderIsNamed() throws IOException {
        Path ws = createWorkspace("ws");
        Map<String, String> before = snapshot(ws);
        try (WorkspaceLock held = WorkspaceLock.acquire(ws, "rotate")) {
            String line = assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "in use by pid "
                    + ProcessHandle.current().pid());
            assertTrue(line.contains("mtls-cli rotate"), line);
            assertOneLineFailure(run("rotate", "--workspace", ws.toString(), "--service", "service-1",
                    "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9"), 1, "in use by");
        }
        assertEquals(before, snapshot(ws));
        assertEquals(0, run("certs", "create", "--out", ws.toString(), "--force").exitCode(), "free again once released");
    }

    @Test
    void forceRefusesAWorkspaceWithFilesOfTheUsersBelowItsTopLevelAndRemovesNothing() throws IOException {
        Path ws = createWorkspace("ws");
        Files.createDirectories(ws.resolve("ca/service-1/backup"));
        Files.writeString(ws.resolve("ca/service-1/backup/ca.key.bak"), "my backup");
        Files.writeString(ws.resolve("ca/service-1/NOTES.txt"), "my notes");
        Map<String, String> before = snapshot(ws);

        String line = assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "ca/service-1/NOTES.txt");
        assertTrue(line.contains("replaces only an mtls-cli workspace"), line);
        assertEquals(before, snapshot(ws));
        assertNoLeftoversBeside(ws);

        Files.delete(ws.resolve("ca/service-1/NOTES.txt"));
        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "ca/service-1/backup");
        assertEquals("my backup", Files.readString(ws.resolve("ca/service-1/backup/ca.key.bak")));
    }

    @Test
    void forceRefusesAWorkspaceWhoseFileTheUserEditedOrReplacedByASymlink() throws IOException {
        Path ws = createWorkspace("ws");
        Files.writeString(ws.resolve("servers/service-1/server.crt"), "# my comment\n", java.nio.file.StandardOpenOption.APPEND);
        Map<String, String> before = snapshot(ws);
        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "servers/service-1/server.crt");
        assertEquals(before, snapshot(ws));

        Path elsewhere = Files.writeString(temp.resolve("elsewhere.pem"), "not mtls-cli's");
        Path other = temp.resolve("other");
        createWorkspace("other");
        Files.delete(other.resolve("servers/service-1/server.key"));
        Files.createSymbolicLink(other.resolve("servers/service-1/server.key"), elsewhere);
        assertOneLineFailure(run("certs", "create", "--out", other.toString(), "--force"), 1, "servers/service-1/server.key");
        assertTrue(Files.isSymbolicLink(other.resolve("servers/service-1/server.key")));
        assertEquals("not mtls-cli's", Files.readString(elsewhere));
    }

    @Test
    void forceRefusesAWorkspaceWithoutTheRecordOfWhatWasWritten() throws IOException {
        Path ws = createWorkspace("ws");
        Files.delete(ws.resolve(".mtls-cli-files"));
        Map<String, String> before = snapshot(ws);

        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "no .mtls-cli-files record");
        assertEquals(before, snapshot(ws));
    }

    @Test
    void forceRefusesALayerDirWithAFileOfTheUsersOrASymlinkInsideIt() throws IOException {
        Path out = temp.resolve("out");
        Path layer = temp.resolve("layer");
        assertEquals(0, run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString()).exitCode());
        Files.writeString(layer.resolve("mtls/service-1/extra.txt"), "mine");
        Map<String, String> before = snapshot(layer);
        assertOneLineFailure(run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString(), "--force"), 1,
                "mtls/service-1/extra.txt");
        assertEquals(before, snapshot(layer));

        Files.delete(layer.resolve("mtls/service-1/extra.txt"));
        Path elsewhere = Files.writeString(temp.resolve("elsewhere"), "precious");
        Files.delete(layer.resolve("mtls/service-1/keystore.p12"));
        Files.createSymbolicLink(layer.resolve("mtls/service-1/keystore.p12"), elsewhere);
        assertOneLineFailure(run("certs", "create", "--out", out.toString(), "--layer-dir", layer.toString(), "--force"), 1,
                "mtls/service-1/keystore.p12");
        assertEquals("precious", Files.readString(elsewhere));
        assertTrue(Files.isSymbolicLink(layer.resolve("mtls/service-1/keystore.p12")));
    }
}
