package dev.mtlscli.launcher;

import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.Tool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The release archive that mvn package made, and unpacking it as a user would. */
final class ReleaseArchive {
    private ReleaseArchive() {
    }

    static Path file() throws IOException {
        try (Stream<Path> files = Files.list(Checkout.ROOT.resolve("cli/target"))) {
            return files.filter(f -> f.getFileName().toString().matches("mtls-cli-[\\d.]+(-SNAPSHOT)?\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no release archive in cli/target (mvn package makes it)"));
        }
    }

    /** Unpacks the archive into {@code directory} (new) and returns its top directory, mtls-cli-VERSION. */
    static Path unpack(Path directory) throws IOException {
        Files.createDirectories(directory);
        Tool.of("tar", "-xzf", file().toString(), "-C", directory.toString()).runOk();
        try (Stream<Path> dirs = Files.list(directory)) {
            return dirs.findFirst().orElseThrow();
        }
    }
}
