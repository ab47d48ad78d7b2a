package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;

/**
 * The exclusive right of one run to write a workspace. Two runs that both write (a rotation
 * renewing keys while `certs create --force` replaces them) would leave keys and passwords
 * from different runs side by side. The lock is the operating system's (fcntl), so it dies
 * with its process, even under kill -9: there is no stale lock to clean up. The file's text
 * only says who holds it, for the message of the run that is refused.
 */
public final class WorkspaceLock implements AutoCloseable {
    public static final String FILE_NAME = ".mtls-cli.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private WorkspaceLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * A workspace being replaced (--force) may be in use by a rotation, so it is replaced only
     * under its lock; null when there is nothing there to replace.
     */
    public static WorkspaceLock forReplacing(Path out, String command) {
        Path target = OutputTarget.resolve(out);
        return Files.isDirectory(target) && !OutputTarget.isEmpty(target) ? acquire(target, command) : null;
    }

    /**
     * Takes the lock of the workspace in {@code directory} for {@code command}, or fails with one
     * line naming the holder.
     */
    public static WorkspaceLock acquire(Path directory, String command) {
        Path file = directory.resolve(FILE_NAME);
        FileChannel channel = null;
        try {
            refuseUnlessRegularOrAbsent(file, directory);
            // Never through a symlink: whatever it points at would be truncated to the pid line.
            // CREATE without following links creates the file itself or opens the one there.
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            // A FIFO or device swapped in between the check and the open is caught here, before
            // anything is written to it.
            refuseUnlessRegularOrAbsent(file, directory);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                lock = null;
            }
            if (lock == null) {
                String holder = holder(channel);
                channel.close();
                throw new MtlsException("workspace " + directory + " is in use by " + holder
                        + "; wait for that run to end (the lock goes with its process)");
            }
            String text = "pid " + ProcessHandle.current().pid() + " (mtls-cli " + command + ", since " + Instant.now() + ")\n";
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), 0);
            return new WorkspaceLock(channel, lock);
        } catch (MtlsException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new MtlsException("cannot lock workspace " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the failure to lock is the one to report
            }
        }
    }

    private static void refuseUnlessRegularOrAbsent(Path file, Path directory) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException absent) {
            return;
        }
        if (!attributes.isRegularFile()) {
            throw new MtlsException("cannot lock workspace " + directory + ": " + file.getFileName() + " is "
                    + (attributes.isSymbolicLink() ? "a symbolic link" : attributes.isDirectory() ? "a directory" : "not a regular file")
                    + ", not a lock file of mtls-cli; remove it if it is not yours to keep");
        }
    }

    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "another mtls-cli run" : text;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // closing the channel releases the lock in any case
        }
    }
}
