package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every file rotate writes into a workspace is recorded as mtls-cli's, so `certs create --force`
 * still replaces a rotated workspace, and still refuses one the user put a file into since.
 */
class RotatedWorkspaceReplaceTest {

    @Test
    void aRenewedWorkspaceWithItsJournalIsReplacedButNotWhenTheJournalIsASymlink(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            Path ws = fleet.ws.root();
            fleet.rotate("--force").assertExit(0, "renew and rotate");
            Path journal = ws.resolve("rotations/service-1.jsonl");
            assertTrue(Files.isRegularFile(journal), "the rotation was journaled");

            Path moved = Files.move(journal, temp.resolve("elsewhere.jsonl"));
            Files.createSymbolicLink(journal, moved);
            assertRefused(ws, "rotations/service-1.jsonl");
            Files.delete(journal);
            Files.move(moved, journal);

            replace(ws);
        }
    }

    @Test
    void aWorkspaceThroughACaRolloverIsReplacedButNotWithAFileTheUserAddedSince(@TempDir Path temp) throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Fleet fleet = Fleet.create(temp, aws);
            Path ws = fleet.ws.root();
            fleet.rotate("--new-ca").assertExit(3, "prepare the new CA");
            Path notes = Files.writeString(ws.resolve("ca/service-1/next/notes.txt"), "mine");
            assertRefused(ws, "ca/service-1/next/notes.txt");
            Files.delete(notes);

            fleet.rotate("--new-ca", "--backend-trusts-new-ca").assertExit(3, "issue from the new CA");
            fleet.rotate("--complete-ca-rollover").assertExit(0, "complete the rollover");
            Path added = Files.writeString(ws.resolve("rotations/NOTES.txt"), "mine");
            assertRefused(ws, "rotations/NOTES.txt");
            assertEquals("mine", Files.readString(added), "the user's file is kept");
            Files.delete(added);

            replace(ws);
        }
    }

    private static void assertRefused(Path ws, String named) {
        Cli.Result result = Cli.run("certs", "create", "--out", ws.toString(), "--force");
        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().startsWith("mtls-cli: ") && result.err().contains(named), result.err());
    }

    private static void replace(Path ws) {
        Cli.Result result = Cli.run("certs", "create", "--out", ws.toString(), "--force");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(Files.isRegularFile(ws.resolve("passwords.json")));
        assertTrue(!Files.exists(ws.resolve("rotations")), "the rotated workspace was replaced by a new one");
    }
}
