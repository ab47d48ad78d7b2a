package dev.mtlscli.rotation;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.SecureFiles;
import dev.mtlscli.workspace.OwnedFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A journal kept in a workspace: &lt;workspace&gt;/rotations/&lt;name&gt;, one line per event,
 * each appended in one write and fsynced. A last line a crash cut short (no newline) is not
 * read, and is cut off before the next line is written, so a new line never continues a half one.
 */
final class FileJournalStore implements JournalStore {
    private final Path workspace;
    private final Path file;

    FileJournalStore(Path workspace, String fileName) {
        this.workspace = workspace;
        this.file = workspace.resolve("rotations").resolve(fileName);
    }

    Path file() {
        return file;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public synchronized void append(String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(file.getParent());
            boolean created = !Files.exists(file);
            try (FileChannel channel = open(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long end = channel.size();
                long complete = completeLength(channel, end);
                if (complete < end) {
                    // the torn line is a step that was never journaled as done: it is redone
                    channel.truncate(complete);
                    channel.force(true);
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                long position = complete;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                // A step is journaled before the next one starts: the line must survive a power
                // loss, or a re-run would not know the step was done.
                channel.force(true);
            }
            if (created) {
                SecureFiles.syncDirectory(file.getParent());
            }
            OwnedFiles.appendsTo(workspace, "rotations/" + file.getFileName());
        } catch (IOException e) {
            throw new MtlsException("cannot write the rotation journal " + file + ": " + e.getMessage()
                    + "; nothing after the last completed step was journaled: fix the cause, then run rotate again", e);
        }
    }

    @Override
    public synchronized List<String> lines() {
        if (!Files.exists(file)) {
            return List.of();
        }
        byte[] bytes;
        try (FileChannel channel = open(StandardOpenOption.READ)) {
            bytes = Channels.newInputStream(channel).readAllBytes();
        } catch (IOException e) {
            throw new MtlsException("cannot read the rotation journal " + file + ": " + e.getMessage(), e);
        }
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return lines;
    }

    /** The one place the journal file is opened, so its open options are decided once. */
    private FileChannel open(OpenOption... options) throws IOException {
        // A journal that is a symlink, FIFO or directory is not ours: writing through a link
        // would overwrite its target, and opening a FIFO would block until someone reads it.
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new MtlsException(file + " is not a regular file (a symlink, FIFO or directory); "
                    + "rotate writes its journal only to a file of its own: move it aside");
        }
        OpenOption[] noFollow = Arrays.copyOf(options, options.length + 1);
        noFollow[options.length] = LinkOption.NOFOLLOW_LINKS;
        return FileChannel.open(file, noFollow);
    }

    /** The length of the file up to and including its last newline. */
    private static long completeLength(FileChannel channel, long end) throws IOException {
        long position = end;
        ByteBuffer block = ByteBuffer.allocate(8192);
        while (position > 0) {
            int size = (int) Math.min(block.capacity(), position);
            block.clear().limit(size);
            long from = position - size;
            while (block.hasRemaining()) {
                if (channel.read(block, from + block.position()) < 0) {
                    throw new IOException("the journal shrank while being read");
                }
            }
            for (int i = size - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            position = from;
        }
        return 0;
    }

}
