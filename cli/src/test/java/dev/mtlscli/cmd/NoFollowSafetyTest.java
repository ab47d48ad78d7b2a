package dev.mtlscli.cmd;

import dev.mtlscli.workspace.WorkspaceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.mtlscli.cmd.BadInputCli.assertOneLineFailure;
import static dev.mtlscli.cmd.BadInputCli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A path in a workspace that someone else made a symlink (or a FIFO, or a directory) is never
 * written through: the lock file names a pid, and opened through a link it would overwrite
 * whatever file the link points at.
 */
class NoFollowSafetyTest {

    @TempDir
    Path temp;

    private Path workspace() {
        Path out = temp.resolve("ws");
        BadInputCli.Result result = run("certs", "create", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.err());
        return out;
    }

    private static BadInputCli.Result rotate(Path ws) {
        return run("rotate", "--workspace", ws.toString(), "--service", "service-1",
                "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9");
    }

    private static Path lock(Path ws) throws IOException {
        Path lock = ws.resolve(WorkspaceLock.FILE_NAME);
        Files.deleteIfExists(lock);
        return lock;
    }

    @Test
    void aLockThatIsASymlinkToAFileOfTheUsersIsRefusedAndTheFileKeepsItsContent() throws IOException {
        Path ws = workspace();
        Path precious = Files.writeString(temp.resolve("precious.txt"), "the user's data\n");
        Files.createSymbolicLink(lock(ws), precious);

        assertOneLineFailure(rotate(ws), 1, "symbolic link");
        assertOneLineFailure(run("certs", "create", "--out", ws.toString(), "--force"), 1, "symbolic link");

        assertEquals("the user's data\n", Files.readString(precious));
        assertTrue(Files.isSymbolicLink(ws.resolve(WorkspaceLock.FILE_NAME)));
    }

    @Test
    void aLockThatIsADanglingSymlinkCreatesNothingAtItsTarget() throws IOException {
        Path ws = workspace();
        Path target = temp.resolve("created-through-the-link");
        Files.createSymbolicLink(lock(ws), target);

        assertOneLineFailure(rotate(ws), 1, "symbolic link");

        assertFalse(Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aLockThatIsAFifoOrADirectoryIsRefusedWithOneLine() throws Exception {
        Path ws = workspace();
        Path lock = lock(ws);
        assertEquals(0, new ProcessBuilder("mkfifo", lock.toString()).inheritIO().start().waitFor());
        assertOneLineFailure(rotate(ws), 1, "not a regular file");
        assertTrue(Files.exists(lock) && !Files.isRegularFile(lock), "the FIFO is left as it was");

        Files.delete(lock);
        Files.createDirectory(lock);
        assertOneLineFailure(rotate(ws), 1, "is a directory");
        assertTrue(Files.isDirectory(lock));
    }
}
