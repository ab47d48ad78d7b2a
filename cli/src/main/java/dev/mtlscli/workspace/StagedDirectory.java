package dev.mtlscli.workspace;

import dev.mtlscli.MtlsException;
import dev.mtlscli.store.InterruptCleanup;
import dev.mtlscli.store.SecureFiles;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An output directory that appears whole or not at all: everything is written into a hidden
 * sibling directory, which is renamed onto the target at the end. A failure removes the sibling,
 * and so does SIGINT/SIGTERM (through {@link InterruptCleanup}). The sibling's name carries the
 * owner's pid ({@code .out.staging-<pid>-<random>}), so the next run can tell the leftovers of a
 * run that died by SIGKILL from those of a run still going, and remove only the former.
 */
public final class StagedDirectory implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern LEFTOVER = Pattern.compile("\\.(.+)\\.(staging|old)-(\\d+)-.*");

    private final Path target;
    private final Path staging;
    private final boolean replace;
    private final List<Path> createdParents;
    private final WorkspaceLock stagingLock;
    private boolean committed;

    private StagedDirectory(Path target, Path staging, boolean replace, List<Path> createdParents, WorkspaceLock stagingLock) {
        this.target = target;
        this.staging = staging;
        this.replace = replace;
        this.createdParents = createdParents;
        this.stagingLock = stagingLock;
    }

    /**
     * Removes leftovers of dead runs beside the target, checks it (see {@link OutputTarget#check}),
     * and creates the staging directory. A workspace's staging directory is locked from the
     * start, so the workspace it becomes appears already locked by this run.
     */
    public static StagedDirectory open(Path target, boolean force, OutputKind kind) {
        Path absolute = OutputTarget.resolve(target);
        Path parent = absolute.getParent();
        if (parent != null && Files.isDirectory(parent)) {
            // first, so that a workspace put back from a dead run's interrupted replacement is
            // checked like any existing one
            sweepLeftovers(parent, absolute.getFileName().toString());
        }
        OutputTarget.check(target, force, kind);
        try {
            List<Path> createdParents = missingAncestors(parent);
            Files.createDirectories(parent);
            boolean exists = Files.exists(absolute);
            // Registered before it exists, so no signal can fall between its creation and its
            // registration; created 0700 from the start: the workspace holds keys and passwords.
            Path staging = parent.resolve("." + absolute.getFileName() + ".staging-" + ProcessHandle.current().pid() + "-"
                    + Long.toUnsignedString(RANDOM.nextLong(), 36));
            InterruptCleanup.register(staging);
            try {
                Files.createDirectory(staging, PosixFilePermissions.asFileAttribute(SecureFiles.PRIVATE_DIR));
            } catch (IOException e) {
                InterruptCleanup.forget(staging);
                throw e;
            }
            WorkspaceLock lock = null;
            if (kind == OutputKind.WORKSPACE) {
                lock = WorkspaceLock.acquire(staging, "certs create");
                SecureFiles.writePublic(staging.resolve(OutputKind.WORKSPACE_MARKER),
                        out -> out.write("This directory is an mtls-cli workspace; it holds private keys and passwords.\n"
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            }
            return new StagedDirectory(absolute, staging, exists, createdParents, lock);
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
        commitTogether(List.of(this));
    }

    /**
     * Moves several staged directories into place as one step: if any move fails, those already
     * moved are moved back, so a workspace never appears without the layer directory that was
     * asked with it, or the other way round. A signal waits until the step is over.
     */
    public static void commitTogether(List<StagedDirectory> directories) {
        directories.forEach(directory -> OwnedFiles.record(directory.staging));
        if (!InterruptCleanup.enterWrite()) {
            throw new MtlsException("interrupted before the output was moved into place");
        }
        List<Runnable> undo = new ArrayList<>();
        List<Path> replaced = new ArrayList<>();
        try {
            for (StagedDirectory directory : directories) {
                Optional<Path> old = directory.moveIn(undo);
                old.ifPresent(replaced::add);
            }
            for (StagedDirectory directory : directories) {
                directory.committed = true;
                InterruptCleanup.forget(directory.staging);
                SecureFiles.syncDirectory(directory.target.getParent());
            }
            replaced.forEach(InterruptCleanup::deleteTree);
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e;
        } finally {
            InterruptCleanup.exitWrite();
        }
    }

    /** @return the old target moved aside, to be deleted once every directory is in place */
    private Optional<Path> moveIn(List<Runnable> undo) {
        try {
            Path old = null;
            if (replace && Files.exists(target)) {
                old = staging.resolveSibling(staging.getFileName().toString().replace(".staging-", ".old-"));
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                Path aside = old;
                undo.add(() -> moveQuietly(aside, target));
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (DirectoryNotEmptyException e) {
                throw new MtlsException("output " + target + " appeared while it was being created");
            }
            undo.add(() -> moveQuietly(target, staging));
            return Optional.ofNullable(old);
        } catch (IOException e) {
            throw new MtlsException("cannot move the output into " + target + ": " + e.getMessage(), e);
        }
    }

    private static void moveQuietly(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException ignored) {
            // the next run's sweep restores or removes what is left (see sweepLeftovers)
        }
    }

    @Override
    public void close() {
        if (!committed) {
            InterruptCleanup.deleteTree(staging);
            InterruptCleanup.forget(staging);
            for (Path created : createdParents) {
                try {
                    Files.deleteIfExists(created);
                } catch (IOException e) {
                    break; // not empty: something else put a file there since
                }
            }
        }
        if (stagingLock != null) {
            stagingLock.close();
        }
    }

    /** The directories that createDirectories(dir) would create, deepest first. */
    private static List<Path> missingAncestors(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        return missing;
    }

    /**
     * Removes the staging directories of runs that are gone (SIGKILL, power loss) and finishes
     * their interrupted commit: an old target moved aside is put back when the new one never
     * arrived, and deleted when it did. Leftovers of a live run are left alone.
     */
    static void sweepLeftovers(Path parent, String name) {
        List<Path> leftovers;
        try (Stream<Path> entries = Files.list(parent)) {
            leftovers = entries.toList();
        } catch (IOException e) {
            return;
        }
        Path target = parent.resolve(name);
        for (Path leftover : leftovers) {
            Matcher matcher = LEFTOVER.matcher(leftover.getFileName().toString());
            if (!matcher.matches() || !matcher.group(1).equals(name)
                    || !Files.isDirectory(leftover, LinkOption.NOFOLLOW_LINKS)) {
                // a symlink with a leftover's name is not ours: removing or restoring it would act on its target
                continue;
            }
            if (ownerIsAlive(Long.parseLong(matcher.group(3)), leftover)) {
                continue;
            }
            if (matcher.group(2).equals("old") && !Files.exists(target)) {
                moveQuietly(leftover, target);
            } else {
                InterruptCleanup.deleteTree(leftover);
            }
        }
    }

    /**
     * A pid may have been reused since: a process that started after the leftover was last
     * written cannot be the one that wrote it.
     */
    private static boolean ownerIsAlive(long pid, Path leftover) {
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return false;
        }
        Optional<Instant> started = process.get().info().startInstant();
        try {
            FileTime modified = Files.getLastModifiedTime(leftover);
            return started.isEmpty() || !started.get().isAfter(modified.toInstant());
        } catch (IOException e) {
            return true;
        }
    }
}
