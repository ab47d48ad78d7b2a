package dev.mtlscli.runtime.it;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeParametersExtension;
import dev.mtlscli.testing.Tool;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AWS sample's functions set JAVA_TOOL_OPTIONS=-Djavax.net.ssl.keyStore=... -Djavax.net.ssl.trustStore=...
 * to stores in the function's artifact. Left in place after the stores move into the layer, they
 * name files that are gone, and the JVM's default TLS context (which the extension client uses)
 * fails with "problem accessing trust store". Each case runs MtlsClients.forServices in a JVM of
 * its own, as the Lambda would, because the JVM reads JAVA_TOOL_OPTIONS only at start.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeftoverJsseOptionsTest {
    private static final String TOKEN = "the-functions-session-token";

    @TempDir
    Path temp;

    @Test
    void aTrustStoreOptionNamingAMissingFileIsNamedWithTheVariableToRemove() throws Exception {
        Tool.Result result = forServicesWith("-Djavax.net.ssl.trustStore=/var/task/client_truststore.jks"
                + " -Djavax.net.ssl.trustStorePassword=secret");

        assertEquals(0, result.exitCode(), result::describe);
        String message = result.out().strip();
        assertTrue(message.startsWith("the system property javax.net.ssl.trustStore names /var/task/client_truststore.jks, which does not exist"),
                result::describe);
        assertTrue(message.endsWith("remove the javax.net.ssl.* options from the function's environment variable JAVA_TOOL_OPTIONS"),
                result::describe);
        assertFalse(message.contains("secret"), "no password in the message: " + message);
    }

    @Test
    void aKeyStoreOptionNamingAMissingFileIsNamedToo() throws Exception {
        Tool.Result result = forServicesWith("-Djavax.net.ssl.keyStore=/var/task/client_keystore_1.jks");

        assertEquals(0, result.exitCode(), result::describe);
        assertTrue(result.out().strip().startsWith("the system property javax.net.ssl.keyStore names /var/task/client_keystore_1.jks, which does not exist"),
                result::describe);
    }

    @Test
    void optionsNamingFilesThatExistAreLeftAlone() throws Exception {
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        Tool.Result result = forServicesWith("-Djavax.net.ssl.trustStore=" + cacerts);

        assertEquals(0, result.exitCode(), result::describe);
        assertEquals("built", result.out().strip(), result::describe);
    }

    private Tool.Result forServicesWith(String toolOptions) throws Exception {
        LayerWorkspace layer = LayerWorkspace.create(temp.resolve("main"), Workspace.writeLocalhostSpec(temp.resolve("mtls.json")));
        try (FakeAws aws = FakeAws.start();
             FakeParametersExtension extension = FakeParametersExtension.start(aws.ssm(), TOKEN)) {
            layer.putPasswords(aws);
            return ForServicesProbe.run(temp, ForServicesProbe.runtimeWithoutSdk(), Map.of(
                    "MTLS_LAYER_ROOT", layer.layer().toString(),
                    "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", String.valueOf(extension.port()),
                    "AWS_SESSION_TOKEN", TOKEN,
                    "JAVA_TOOL_OPTIONS", toolOptions));
        }
    }
}
