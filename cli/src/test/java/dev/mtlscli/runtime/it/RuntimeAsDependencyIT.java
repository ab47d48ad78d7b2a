package dev.mtlscli.runtime.it;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.RecordedRequest;
import dev.mtlscli.runtime.MtlsClients;
import dev.mtlscli.testing.Checkout;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime library as a user's Lambda project gets it: examples/minimal-lambda, copied out of
 * the checkout, is built offline by Maven against mtls-lambda-runtime from the local repository
 * (lambda-runtime installs it at pre-integration-test), and its handler runs in a JVM whose class
 * path is the function jar alone, with a layer made by `certs create`, its passwords in the fake
 * SSM and nginx as the mTLS backend.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RuntimeAsDependencyIT {
    private static final String FUNCTION_JAR = "target/minimal-lambda-1.0.0.jar";
    // what Lambda's runtime does with the handler, minus the event plumbing: construct it (init), invoke it once
    private static final String INVOKE = """
            public class Invoke {
                public static void main(String[] args) {
                    System.out.println(new example.Handler().handleRequest(java.util.Map.of(), null));
                }
            }
            """;

    @TempDir
    Path temp;

    /**
     * Every user's function jar carries the library, so the library carries nothing a function does
     * not need: no demo handler and no Lambda event types (they are the demo-function module's).
     */
    @Test
    void theInstalledLibraryHoldsOnlyTheRuntimeAndNoDemoCode() throws Exception {
        Path installed = Path.of(localRepository(), "dev", "mtlscli", "mtls-lambda-runtime", "0.1.0");
        try (ZipFile zip = new ZipFile(installed.resolve("mtls-lambda-runtime-0.1.0.jar").toFile())) {
            List<String> classes = zip.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class")).toList();
            assertTrue(classes.contains("dev/mtlscli/runtime/MtlsClients.class"), classes::toString);
            List<String> foreign = classes.stream()
                    .filter(name -> !name.startsWith("dev/mtlscli/runtime/") || name.contains("/demo"))
                    .toList();
            assertEquals(List.of(), foreign, "the runtime library's jar holds a class that is not the runtime's");
        }
        String pom = Files.readString(installed.resolve("mtls-lambda-runtime-0.1.0.pom"));
        assertFalse(pom.contains("aws-lambda-java"), "the runtime library's pom still names the Lambda event libraries");
    }

    @Test
    void theExampleBuildsOfflineAgainstTheInstalledLibraryAndItsHandlerCallsTheBackend() throws Exception {
        Tool.require("nginx");
        Path project = copyExample(temp.resolve("minimal-lambda"));
        Tool.Result build = Tool.of(maven(), "-B", "-o", "-q", "package", "-Dmaven.repo.local=" + localRepository())
                .directory(project).env("JAVA_HOME", System.getProperty("java.home")).run();
        assertEquals(0, build.exitCode(), build::describe);

        Path jar = project.resolve(FUNCTION_JAR);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String needed : List.of("example/Handler.class", "dev/mtlscli/runtime/MtlsClients.class",
                    "com/amazonaws/services/lambda/runtime/RequestHandler.class",
                    "software/amazon/awssdk/services/ssm/SsmClient.class",
                    "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class")) {
                assertNotNull(zip.getEntry(needed), needed + " is not in " + jar);
            }
            List<String> heavy = zip.stream().map(ZipEntry::getName)
                    .filter(name -> name.startsWith("software/amazon/awssdk/http/apache/") || name.startsWith("org/apache/http/")
                            || name.startsWith("software/amazon/awssdk/http/nio/netty/") || name.startsWith("io/netty/"))
                    .limit(5).toList();
            assertEquals(List.of(), heavy, "the example excludes the Apache and Netty HTTP clients");
            // the library in the function is the one this build made, not an older install
            assertArrayEquals(classBytes(MtlsClients.class), zip.getInputStream(zip.getEntry("dev/mtlscli/runtime/MtlsClients.class")).readAllBytes(),
                    "the function jar's MtlsClients differs from this build's: was the library installed by this build?");
        }

        LayerWorkspace layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        Path invoke = Files.writeString(temp.resolve("Invoke.java"), INVOKE);
        NginxBackends.Backend backend = NginxBackends.demoBackend("service-1", layer.workspace(), "service-1");
        try (FakeAws aws = FakeAws.start();
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"), List.of(backend))) {
            layer.putPasswords(aws);

            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Tool.Result run = Tool.of(java.toString(), "-cp", jar.toString(), invoke.toString()).onlyEnv(Map.of(
                    "MTLS_LAYER_ROOT", layer.layer().toString(),
                    // the SSM path, whatever this machine's /opt/extensions holds
                    "MTLS_PASSWORD_SOURCE", "ssm",
                    "AWS_REGION", aws.region(),
                    "AWS_ACCESS_KEY_ID", FakeAws.ACCESS_KEY_ID,
                    "AWS_SECRET_ACCESS_KEY", FakeAws.SECRET_ACCESS_KEY,
                    // the SDK's own setting for one service's endpoint: the function's code has no test hook
                    "AWS_ENDPOINT_URL_SSM", aws.endpoint().toString(),
                    // no profile of this machine's user may change what the SDK does
                    "AWS_CONFIG_FILE", temp.resolve("no-aws-config").toString(),
                    "AWS_SHARED_CREDENTIALS_FILE", temp.resolve("no-aws-credentials").toString(),
                    "BACKEND_URL", nginx.uri("service-1").toString())).run();

            assertEquals(0, run.exitCode(), run::describe);
            assertEquals("200 " + backend.json(), run.out().strip(), run::describe);
            List<RecordedRequest> calls = aws.requests("GetParameters");
            assertEquals(1, calls.size(), "both store passwords in one GetParameters call: " + aws.requests());
            assertTrue(calls.get(0).succeeded(), calls.get(0)::toString);
            assertEquals(List.of(LayerWorkspace.keyStoreParameter("service-1").selector(), LayerWorkspace.trustStoreParameter("service-1").selector()),
                    calls.get(0).json().get("Names"), "the versions the manifest pins");
        }
    }

    /** The example without any build output a developer left in it, where a user's project would be: outside the checkout. */
    private static Path copyExample(Path target) throws IOException {
        Path example = Checkout.ROOT.resolve("examples/minimal-lambda");
        try (Stream<Path> files = Files.walk(example)) {
            for (Path file : files.filter(f -> !example.relativize(f).startsWith("target")).toList()) {
                Path to = target.resolve(example.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        assertTrue(Files.isRegularFile(target.resolve("pom.xml")), "no pom.xml in " + example);
        return target;
    }

    /** The Maven that runs this build: failsafe passes -Dmtls.test.mvn=${maven.home}/bin/mvn, which Tool.require reads. */
    private static String maven() {
        return Tool.require("mvn").toString();
    }

    /** This build's local repository, where lambda-runtime installed the library. */
    private static String localRepository() {
        String configured = System.getProperty("mtls.test.localRepository");
        return configured != null ? configured : Path.of(System.getProperty("user.home"), ".m2", "repository").toString();
    }

    private static byte[] classBytes(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            assertNotNull(in, "no class file of " + type);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
