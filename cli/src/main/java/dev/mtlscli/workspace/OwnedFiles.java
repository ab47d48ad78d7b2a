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
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The record, kept in a directory mtls-cli made, of every file and directory it wrote there, each
 * file with its SHA-256. {@code --force} replaces a directory only when it holds exactly that: a
 * file the user added or edited at any depth, a symlink or a FIFO is theirs, and deleting the
 * directory would delete it.
 */
public final class OwnedFiles {
    public static final String FILE_NAME = ".mtls-cli-files";

    private static final String DIRECTORY = "dir";
    private static final int MAX_RECORD = 4 * 1024 * 1024;

    private OwnedFiles() {
    }

    /** Writes the record of everything now under {@code root}, just before it is moved into place. */
    public static void record(Path root) {
        StringBuilder text = new StringBuilder();
        walk(root).forEach((relative, path) -> {
            if (relative.equals(FILE_NAME) || relative.equals(WorkspaceLock.FILE_NAME)) {
                return; // the lock's text changes with every holder
            }
            BasicFileAttributes attributes = attributes(path);
            if (attributes.isDirectory()) {
                text.append(DIRECTORY).append(' ').append(relative).append('\n');
            } else if (attributes.isRegularFile()) {
                text.append(digest(path)).append(' ').append(relative).append('\n');
            }
        });
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        SecureFiles.writePrivate(root.resolve(FILE_NAME), out -> out.write(bytes));
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
            boolean ownTopLevel = relative.equals(FILE_NAME) || relative.equals(WorkspaceLock.FILE_NAME);
            String expected = recorded.get(relative);
            boolean ours;
            if (attributes.isDirectory()) {
                ours = DIRECTORY.equals(expected);
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
