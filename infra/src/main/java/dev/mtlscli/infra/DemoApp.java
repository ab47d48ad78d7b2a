package dev.mtlscli.infra;

import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The CDK app (cdk.json: `mvn -e -q compile exec:java`): one stack, MtlsDemoStack, configured
 * by context keys (see {@link DemoConfig} and infra/README.md). No account or region is fixed:
 * `cdk synth` needs no AWS access, and `cdk deploy` uses the caller's.
 */
public final class DemoApp {
    public static final String STACK_NAME = "MtlsDemoStack";

    private DemoApp() {
    }

    public static void main(String[] args) {
        App app = new App();
        Path base = Path.of("").toAbsolutePath();
        DemoConfig config = DemoConfig.fromContext(app.getNode()::tryGetContext, base);
        new DemoStack(app, STACK_NAME, StackProps.builder()
                .description("mtls-cli demo: mutual TLS from AWS Lambda to nginx backends, material managed by mtls-cli")
                .build(), config, DemoRotatorConfig.fromContext(app.getNode()::tryGetContext, base));
        app.synth();
        makePrivate(Path.of(app.getOutdir()));
    }

    /**
     * The cloud assembly (cdk.out) holds the lambda-only function's asset, with its copies of
     * the keystores: readable by its owner only, whatever the umask it was written with.
     */
    static void makePrivate(Path outdir) {
        try {
            if (Files.isDirectory(outdir)) {
                Files.setPosixFilePermissions(outdir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + outdir + " private: " + e.getMessage(), e);
        }
    }
}
