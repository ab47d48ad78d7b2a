package dev.mtlscli.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What SecureFiles writes goes to the path named, never through a symbolic link planted there. */
class SecureFilesTest {

    @TempDir
    Path temp;

    @Test
    void aDirectoryThatIsASymlinkIsNeitherChmoddedNorWrittenInto() throws Exception {
        Path elsewhere = Files.createDirectory(temp.resolve("elsewhere"));
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = Files.createSymbolicLink(temp.resolve("ca"), elsewhere);

        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> SecureFiles.createDirectory(link, SecureFiles.PRIVATE_DIR));

        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere)));
    }

    @Test
    void aFileThatIsASymlinkIsReplacedByTheFileAndItsTargetKeepsItsContent() throws Exception {
        Path elsewhere = Files.writeString(temp.resolve("elsewhere.txt"), "the user's");
        Path link = Files.createSymbolicLink(temp.resolve("server.key"), elsewhere);

        SecureFiles.writePrivate(link, out -> out.write("key".getBytes()));

        assertEquals("the user's", Files.readString(elsewhere));
        assertTrue(Files.isRegularFile(link, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("key", Files.readString(link));
    }
}
