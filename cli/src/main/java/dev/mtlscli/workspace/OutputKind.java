package dev.mtlscli.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kinds of directory `certs create` makes, and how to recognise one it made, because
 * {@code --force} may replace only those: never a directory of the user's that happens to be
 * named as the output. An offline root directory is never replaced.
 */
public enum OutputKind {
    /** The workspace: CA, server and client material, passwords.json, rotation journals. */
    WORKSPACE("workspace"),
    /** The content of a Lambda layer: mtls/&lt;service&gt;/{keystore,truststore,manifest.json}. */
    LAYER_DIRECTORY("layer directory"),
    /** The offline roots of `--offline-root DIR` (see {@link OfflineRootDirectory}). */
    OFFLINE_ROOT("offline root directory");

    /** Written into every workspace this tool makes; older workspaces are recognised by layout. */
    public static final String WORKSPACE_MARKER = ".mtls-cli-workspace";

    private static final Set<String> WORKSPACE_ENTRIES = Set.of("ca", "servers", "clients", "rotations",
            "passwords.json", WORKSPACE_MARKER, WorkspaceLock.FILE_NAME, OwnedFiles.FILE_NAME);

    private final String description;

    OutputKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /**
     * Why this non-empty directory is not one of this kind made by mtls-cli, or empty when it is.
     * A directory holding anything the tool did not write, at any depth (notes.txt, a .git, a
     * key the user edited, a symlink), is refused too: replacing it would delete that.
     */
    public Optional<String> whyNotRecognised(Path directory) {
        if (this == OFFLINE_ROOT) {
            return Optional.of("an offline root is never replaced");
        }
        List<String> entries = entries(directory);
        if (this == WORKSPACE) {
            for (String entry : entries) {
                if (!WORKSPACE_ENTRIES.contains(entry)) {
                    return Optional.of("it holds " + entry + ", which mtls-cli does not write into a workspace");
                }
            }
            boolean marked = Files.isRegularFile(directory.resolve(WORKSPACE_MARKER));
            boolean laidOut = Files.isRegularFile(directory.resolve("passwords.json")) && Files.isDirectory(directory.resolve("ca"));
            if (!marked && !laidOut) {
                return Optional.of("it is not an mtls-cli workspace (no passwords.json and ca/)");
            }
            return OwnedFiles.whyNotOwned(directory);
        }
        for (String entry : entries) {
            if (!entry.equals("mtls") && !entry.equals(OwnedFiles.FILE_NAME)) {
                return Optional.of("it holds " + entry + ", which mtls-cli does not write into a layer directory");
            }
        }
        for (String service : entries(directory.resolve("mtls"))) {
            if (!Files.isRegularFile(directory.resolve("mtls").resolve(service).resolve("manifest.json"))) {
                return Optional.of("mtls/" + service + " has no manifest.json, so it is not a layer mtls-cli wrote");
            }
        }
        return OwnedFiles.whyNotOwned(directory);
    }

    private static List<String> entries(Path directory) {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + directory + ": " + e.getMessage(), e);
        }
    }
}
