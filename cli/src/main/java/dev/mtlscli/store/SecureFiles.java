package dev.mtlscli.store;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Writes files with their final permissions from the first byte, through a temporary file
 * that is moved into place, so nobody can read a secret file in the window before a chmod
 * and nobody sees half a file.
 */
public final class SecureFiles {
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");

    private SecureFiles() {
    }

    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void writePrivate(Path target, Content content) {
        write(target, content, PRIVATE);
    }

    public static void writePublic(Path target, Content content) {
        write(target, content, PUBLIC);
    }

    public static void write(Path target, Content content, Set<PosixFilePermission> permissions) {
        Path parent = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(parent);
            temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PRIVATE));
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.TRUNCATE_EXISTING)) {
                content.writeTo(out);
            }
            Files.setPosixFilePermissions(temp, permissions);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
        }
    }

    public static Path createDirectory(Path dir, Set<PosixFilePermission> permissions) {
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, permissions);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
