package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.BoundedReads;
import dev.mtlscli.store.SecureFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The record, kept in a directory mtls-cli made, of every file and directory it wrote there, each
 * file with its SHA-256 (a rotation journal, which only grows, as "ours" without one). Every
 * command that writes into a workspace keeps it true. {@code --force} replaces a directory only when it holds exactly that: a
 * file the user added or edited at any depth, a symlink or a FIFO is theirs, and deleting the
 * directory would delete it.
 */
public final class OwnedFiles {
    public static final String FILE_NAME = ".mtls-cli-files";

    private static final String DIRECTORY = "dir";
    private static final String JOURNAL = "journal";
    private static final Pattern JOURNAL_NAME = Pattern.compile("rotations/[^/]+\\.jsonl");
    private static final int MAX_RECORD = 4 * 1024 * 1024;

    private OwnedFiles() {
    }

    /** Writes the record of everything now under {@code root}, just before it is moved into place. */
    public static void record(Path root) {
        Map<String, String> recorded = new TreeMap<>();
        walk(root).forEach((relative, path) -> {
            if (!ownTopLevel(relative)) {
                entry(path).ifPresent(kind -> recorded.put(relative, kind));
            }
        });
        write(root, recorded);
    }

    /**
     * After a command that changes a workspace (rotate's renewal and CA rollover) wrote or removed
     * these files (relative names) under the workspace lock: the record says what each now is, and
     * that the directories it is in are ours. Called right after the atomic writes of a step; a
     * crash in between leaves the record behind the files, which makes {@code --force} refuse the
     * workspace: the safe side, it never deletes a file the user wrote.
     */
    public static void wrote(Path root, Collection<String> relatives) {
        update(root, relatives, false);
    }

    /**
     * An append-only file (a rotation journal, rotations/&lt;name&gt;.jsonl) is ours whatever it
     * holds: it grows by a line at each step, so a digest would be out of date at the next append
     * and rewriting the record at each one would cost a write and an fsync per step. It is accepted
     * while it is a regular file of that name directly under rotations/.
     */
    public static void appendsTo(Path root, String relative) {
        if (!isJournal(relative)) {
            throw new IllegalArgumentException(relative + " is not a rotation journal");
        }
        update(root, List.of(relative), true);
    }

    private static void update(Path root, Collection<String> relatives, boolean appendOnly) {
        Path recordFile = root.resolve(FILE_NAME);
        if (!Files.isRegularFile(recordFile, LinkOption.NOFOLLOW_LINKS)) {
            return; // made before the record existed: --force refuses it whatever is recorded from now on
        }
        Map<String, String> before = read(recordFile);
        Map<String, String> recorded = new TreeMap<>(before);
        for (String relative : relatives) {
            for (Path parent = Path.of(relative).getParent(); parent != null; parent = parent.getParent()) {
                if (Files.isDirectory(root.resolve(parent), LinkOption.NOFOLLOW_LINKS)) {
                    recorded.put(parent.toString().replace(root.getFileSystem().getSeparator(), "/"), DIRECTORY);
                }
            }
            Path path = root.resolve(relative);
            Optional<String> kind = appendOnly
                    ? Optional.of(JOURNAL).filter(journal -> Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
                    : entry(path);
            if (kind.isPresent()) {
                recorded.put(relative, kind.get());
            } else {
                recorded.remove(relative); // removed, or not a file mtls-cli writes: whatever is there now is not ours
            }
        }
        if (!recorded.equals(before)) {
            write(root, recorded);
        }
    }

    /** What the record says of a path: a directory, a regular file's digest; empty for anything else or nothing. */
    private static Optional<String> entry(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        BasicFileAttributes attributes = attributes(path);
        if (attributes.isDirectory()) {
            return Optional.of(DIRECTORY);
        }
        return attributes.isRegularFile() ? Optional.of(digest(path)) : Optional.empty();
    }

    /** Written atomically (temp file, fsync, rename), so a crash leaves the old record or the new one. */
    private static void write(Path root, Map<String, String> recorded) {
        StringBuilder text = new StringBuilder();
        recorded.forEach((relative, kind) -> text.append(kind).append(' ').append(relative).append('\n'));
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        SecureFiles.writePrivate(root.resolve(FILE_NAME), out -> out.write(bytes));
    }

    private static boolean ownTopLevel(String relative) {
        return relative.equals(FILE_NAME) || relative.equals(WorkspaceLock.FILE_NAME); // the lock's text changes with every holder
    }

    private static boolean isJournal(String relative) {
        return JOURNAL_NAME.matcher(relative).matches();
    }

    /**
     * Why {@code root} holds something mtls-cli did not write, naming the first such path in sorted
     * order, or empty when everything in it is as recorded.
     */
    public static Optional<String> whyNotOwned(Path root) {
        Path recordFile = root.resolve(FILE_NAME);
        if (!Files.isRegularFile(recordFile, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of("it has no " + FILE_NAME + " record of the files mtls-cli wrote into it (an earlier release"
                    + " or someone else made it), so its files cannot be told from the user's: move it aside yourself");
        }
        Map<String, String> recorded = read(recordFile);
        for (Map.Entry<String, Path> entry : walk(root).entrySet()) {
            String relative = entry.getKey();
            BasicFileAttributes attributes = attributes(entry.getValue());
            boolean ownTopLevel = ownTopLevel(relative);
            String expected = recorded.get(relative);
            boolean ours;
            if (attributes.isDirectory()) {
                ours = DIRECTORY.equals(expected);
            } else if (attributes.isRegularFile() && JOURNAL.equals(expected)) {
                ours = isJournal(relative);
            } else if (attributes.isRegularFile()) {
                ours = ownTopLevel || (expected != null && !DIRECTORY.equals(expected) && expected.equals(digest(entry.getValue())));
            } else {
                ours = false;
            }
            if (!ours) {
                return Optional.of(relative + " is not " + (expected == null || ownTopLevel ? "something mtls-cli wrote"
                        : "as mtls-cli wrote it") + " (" + kind(attributes, expected) + ")");
            }
        }
        return Optional.empty();
    }

    private static String kind(BasicFileAttributes attributes, String expected) {
        if (attributes.isSymbolicLink()) {
            return "a symbolic link";
        }
        if (attributes.isOther()) {
            return "not a regular file";
        }
        if (expected == null) {
            return "added since";
        }
        if (attributes.isDirectory() != DIRECTORY.equals(expected)) {
            return attributes.isDirectory() ? "a directory where a file was" : "a file where a directory was";
        }
        return "changed since";
    }

    private static Map<String, String> read(Path recordFile) {
        String text = new String(BoundedReads.read(recordFile, MAX_RECORD, "record of written files"), StandardCharsets.UTF_8);
        Map<String, String> recorded = new TreeMap<>();
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0) {
                recorded.put(line.substring(space + 1), line.substring(0, space));
            }
        }
        return recorded;
    }

    /** Every path under root but root itself, by relative name ('/'-separated) in sorted order; links are not followed. */
    private static Map<String, Path> walk(Path root) {
        Map<String, Path> paths = new TreeMap<>();
        try (Stream<Path> stream = Files.walk(root)) {
            stream.filter(path -> !path.equals(root))
                    .forEach(path -> paths.put(root.relativize(path).toString().replace(root.getFileSystem().getSeparator(), "/"), path));
        } catch (IOException | UncheckedIOException e) {
            throw new MtlsException("cannot read " + root + ": " + e.getMessage(), e);
        }
        return paths;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new MtlsException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static String digest(Path file) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS),
                sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(sha256.digest());
        } catch (IOException e) {
            throw new MtlsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
