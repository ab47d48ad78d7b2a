package dev.mtlscli.store;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
        if (!InterruptCleanup.enterWrite()) {
            throw new UncheckedIOException("cannot write " + target + ": mtls-cli is shutting down",
                    new IOException("shutting down"));
        }
        Path temp = null;
        try {
            Files.createDirectories(parent);
            temp = Files.createTempFile(parent, "." + target.getFileName() + ".", ".tmp",
                    PosixFilePermissions.asFileAttribute(PRIVATE));
            InterruptCleanup.register(temp);
            // Content writers close their stream, so they write into memory (these files are
            // kilobytes) and the channel stays open for the force below.
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            content.writeTo(bytes);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                // The data must be on disk before the rename makes it the file: after a power
                // loss a renamed but unwritten key file would be empty, and the old one gone.
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, permissions);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            InterruptCleanup.forget(temp);
            temp = null;
            syncDirectory(parent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                InterruptCleanup.forget(temp);
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // the original failure is the one worth reporting
                }
            }
            InterruptCleanup.exitWrite();
        }
    }

    /**
     * Makes a rename or a new entry in the directory durable; without it the file's data can be
     * on disk while the directory still points at the old file, or at nothing.
     */
    public static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync " + directory + ": " + e.getMessage(), e);
        }
    }

    /** Behind the same gate as the writes: after a signal it must not re-create a removed staging directory. */
    public static Path createDirectory(Path dir, Set<PosixFilePermission> permissions) {
        if (!InterruptCleanup.enterWrite()) {
            throw new UncheckedIOException("cannot create " + dir + ": mtls-cli is shutting down", new IOException("shutting down"));
        }
        try {
            Files.createDirectories(dir);
            // A symlink there would take the chmod, and every file written below it, elsewhere.
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " is a symbolic link, not a directory");
            }
            Files.setPosixFilePermissions(dir, permissions);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        } finally {
            InterruptCleanup.exitWrite();
        }
    }
}
