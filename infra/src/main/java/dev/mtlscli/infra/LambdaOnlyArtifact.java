package dev.mtlscli.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The lambda-only function's artifact, the sample's anti-pattern kept for the demo: the client
 * keystore and truststore bundled with the code. Lambda unpacks the artifact into
 * LAMBDA_TASK_ROOT, so the directory assembled here is
 * <pre>
 *   keystore.p12, truststore.p12   at the root, where LambdaOnlyHandler reads them
 *   lib/mtls-demo-function.jar     on the Java runtime's class path (/var/task/lib/*)
 * </pre>
 * The directory is 0700 (it holds a private key, encrypted by its keystore password); the
 * files in it are 0644 because Lambda runs the code as another user than the one that owns
 * the unpacked files.
 */
public final class LambdaOnlyArtifact {
    static final String KEYSTORE = "keystore.p12";
    static final String TRUSTSTORE = "truststore.p12";

    private LambdaOnlyArtifact() {
    }

    /** Assembles the artifact in the config's staging directory (replacing what was there) and returns it. */
    public static Path stage(DemoConfig config) {
        Path dir = config.lambdaOnlyStagingDir();
        requireFile(config.demoFunctionJar(), "the demo function jar (context key demoFunctionJar; build it with mvn -pl demo-function -am package)");
        requireFile(config.lambdaOnlyKeyStore(), "service-1's client keystore for lambda-only (context keys workspace or lambdaOnlyArtifactDir)");
        requireFile(config.lambdaOnlyTrustStore(), "the client truststore for lambda-only (context keys workspace or lambdaOnlyArtifactDir)");
        try {
            delete(dir);
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createDirectory(dir.resolve("lib"));
            copy(config.demoFunctionJar(), dir.resolve("lib").resolve(config.demoFunctionJar().getFileName()));
            copy(config.lambdaOnlyKeyStore(), dir.resolve(KEYSTORE));
            copy(config.lambdaOnlyTrustStore(), dir.resolve(TRUSTSTORE));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot assemble the lambda-only artifact in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " not found: " + what);
        }
    }
}
