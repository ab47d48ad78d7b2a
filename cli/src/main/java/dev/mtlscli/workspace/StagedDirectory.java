package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An output directory that appears whole or not at all: everything is written into a hidden
 * sibling directory, which is renamed onto the target at the end. A failure removes the sibling.
 */
public final class StagedDirectory implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final boolean replace;
    private boolean committed;

    private StagedDirectory(Path target, Path staging, boolean replace) {
        this.target = target;
        this.staging = staging;
        this.replace = replace;
    }

    /** Refuses an existing non-empty target unless force is set; callers with several outputs check all first. */
    public static void checkTarget(Path target, boolean force) {
        Path absolute = target.toAbsolutePath().normalize();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new MtlsException("output " + target + " exists and is not a directory");
        }
        if (Files.exists(absolute) && !force && !isEmpty(absolute)) {
            throw new MtlsException("output " + target + " already exists and is not empty (use --force to replace it)");
        }
    }

    /** Refuses an existing non-empty target unless force is set, before any work is done. */
    public static StagedDirectory open(Path target, boolean force) {
        checkTarget(target, force);
        Path absolute = target.toAbsolutePath().normalize();
        boolean exists = Files.exists(absolute);
        try {
            Path parent = absolute.getParent();
            Files.createDirectories(parent);
            // createTempDirectory makes it 0700, which we keep: the workspace holds keys and passwords
            Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".staging-");
            return new StagedDirectory(absolute, staging, exists);
        } catch (IOException e) {
            throw new MtlsException("cannot create the output next to " + target + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return staging;
    }

    public Path target() {
        return target;
    }

    /** Moves the staged content into place; a replaced target is deleted only after the move succeeded. */
    public void commit() {
        try {
            Path old = null;
            if (replace && Files.exists(target)) {
                old = target.resolveSibling("." + target.getFileName() + ".old-" + staging.getFileName().toString().replaceAll(".*-", ""));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (DirectoryNotEmptyException e) {
                throw new MtlsException("output " + target + " appeared while it was being created");
            } catch (IOException e) {
                if (old != null) {
                    Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                }
                throw e;
            }
            committed = true;
            if (old != null) {
                deleteTree(old);
            }
        } catch (IOException e) {
            throw new MtlsException("cannot move the output into " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            deleteTree(staging);
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new MtlsException("cannot read output " + dir + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover hidden staging directory is harmless and named as such
        }
    }
}
