package dev.mtlscli.runtime.it;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeParametersExtension;
import dev.mtlscli.testing.NginxBackends;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A function that has the Parameters and Secrets extension needs no AWS SDK: a JVM whose class
 * path holds only the runtime library and jackson-core runs MtlsClients.forServices, which finds
 * the extension by PARAMETERS_SECRETS_EXTENSION_HTTP_PORT, gets the pinned passwords from it and
 * calls nginx with mTLS. The same class path with the SSM path chosen gets one message that
 * says which optional dependencies to add, not a NoClassDefFoundError.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtensionWithoutSdkTest {
    private static final String TOKEN = "the-functions-session-token";
    private static final String PROBE = """
            import dev.mtlscli.runtime.MtlsClients;
            import java.net.URI;

            public class Probe {
                public static void main(String[] args) throws Exception {
                    int status = MtlsClients.forServices("service-1").client("service-1").get(URI.create(args[0])).statusCode();
                    boolean sdk;
                    try {
                        Class.forName("software.amazon.awssdk.services.ssm.SsmClient");
                        sdk = true;
                    } catch (ClassNotFoundException e) {
                        sdk = false;
                    }
                    System.out.println(status + " sdk=" + sdk);
                }
            }
            """;


    @TempDir
    Path temp;

    @Test
    void theRuntimeWithTheExtensionRunsWithoutTheSdkOnItsClassPath() throws Exception {
        Tool.require("nginx");
        LayerWorkspace layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        Path probe = Files.writeString(temp.resolve("Probe.java"), PROBE);
        String classPath = ForServicesProbe.runtimeWithoutSdk();
        try (FakeAws aws = FakeAws.start();
             FakeParametersExtension extension = FakeParametersExtension.start(aws.ssm(), TOKEN);
             NginxBackends nginx = NginxBackends.start(temp.resolve("nginx"),
                     List.of(NginxBackends.demoBackend("service-1", layer.workspace(), "service-1")))) {
            layer.putPasswords(aws);

            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Tool.Result result = Tool.of(java.toString(), "-cp", classPath, probe.toString(), nginx.uri("service-1").toString()).onlyEnv(Map.of(
                    "MTLS_LAYER_ROOT", layer.layer().toString(),
                    "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", String.valueOf(extension.port()),
                    "AWS_SESSION_TOKEN", TOKEN)).run();

            assertEquals(0, result.exitCode(), result::describe);
            assertEquals("200 sdk=false", result.out().strip(), result::describe);
            assertEquals(2, extension.requests().size(), "the keystore and truststore passwords, through the extension");
            assertTrue(extension.requests().stream().allMatch(uri -> uri.getQuery().contains("version=1")), extension.requests()::toString);
        }
    }

    @Test
    void theSsmPathWithoutTheSdkSaysWhichDependenciesToAdd() throws Exception {
        LayerWorkspace layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        String classPath = ForServicesProbe.runtimeWithoutSdk();

        Tool.Result result = ForServicesProbe.run(temp, classPath, Map.of(
                "MTLS_LAYER_ROOT", layer.layer().toString(),
                "MTLS_PASSWORD_SOURCE", "ssm",
                "AWS_REGION", FakeAws.DEFAULT_REGION));

        // caught in the probe: the exception reaches the caller as an MtlsRuntimeException, one line
        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("passwords from SSM need software.amazon.awssdk:ssm and url-connection-client on the function's class path"
                + " (they are optional dependencies of mtls-lambda-runtime); add them, or add AWS's Parameters and Secrets"
                + " extension layer (software.amazon.awssdk.services.ssm.SsmClient is missing)", result.out().strip(), result::describe);
        assertEquals("", result.err(), result::describe);
    }
}
