package dev.mtlscli.cmd;

import dev.mtlscli.MtlsException;
import dev.mtlscli.aws.AwsService;
import dev.mtlscli.aws.AwsSettings;
import dev.mtlscli.aws.EndpointSecurity;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keystore password travels in PutParameter's body: it never goes over plain http to anything
 * but this machine's loopback, unless the user explicitly allows it.
 */
class InsecureEndpointTest {
    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;

    @BeforeAll
    static void start() {
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    @Test
    void layerPublishRefusesPlainHttpToAnotherHostBeforeAnyCall() {
        for (String option : List.of("--endpoint-url", "--ssm-endpoint-url")) {
            BadInputCli.Result result = BadInputCli.run("layer", "publish", "--workspace", ws.root().toString(),
                    "--region", "eu-west-1", option, "http://example.invalid:8080");
            String line = BadInputCli.assertOneLineFailure(result, 1, "plain http");
            assertTrue(line.contains(option) && line.contains("--allow-insecure-endpoint"), line);
        }
    }

    @Test
    void allowInsecureEndpointLetsTheCallThroughToTheNetwork() {
        BadInputCli.Result result = BadInputCli.run("layer", "publish", "--workspace", ws.root().toString(),
                "--region", "eu-west-1", "--endpoint-url", "http://example.invalid:8080", "--allow-insecure-endpoint");
        assertEquals(1, result.exitCode(), result.err());
        assertFalse(result.err().contains("plain http"), "not refused, it failed to connect instead: " + result.err());
    }

    @Test
    void plainHttpToLoopbackStillWorks() {
        aws.clearRequests();
        BadInputCli.Result result = BadInputCli.run(FakeAwsCli.args(aws, "layer", "publish", "--workspace", ws.root().toString()));
        assertEquals(0, result.exitCode(), result.err());
        assertFalse(aws.requests().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "[::1]", "localhost", "LocalHost"})
    void loopbackHosts(String host) {
        assertTrue(EndpointSecurity.isLoopback(host), host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1.nip.io", "localhost.evil.example", "10.0.0.1", "192.168.1.1", "example.com", "[2001:db8::1]",
            "0x7f.1", ""})
    void otherHosts(String host) {
        assertFalse(EndpointSecurity.isLoopback(host), host);
    }

    @Test
    void theSdkEnvironmentVariablesAreCheckedToo() {
        AwsSettings settings = AwsSettings.defaults();
        MtlsException specific = assertThrows(MtlsException.class,
                () -> EndpointSecurity.check(settings, Map.of("AWS_ENDPOINT_URL_SSM", "http://ssm.example.invalid")));
        assertTrue(specific.getMessage().startsWith("AWS_ENDPOINT_URL_SSM "), specific.getMessage());
        MtlsException global = assertThrows(MtlsException.class,
                () -> EndpointSecurity.check(settings, Map.of("AWS_ENDPOINT_URL", "http://10.1.2.3:4566")));
        assertTrue(global.getMessage().startsWith("AWS_ENDPOINT_URL "), global.getMessage());

        EndpointSecurity.check(settings, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566"));
        EndpointSecurity.check(settings, Map.of("AWS_ENDPOINT_URL", "https://vpce.example.com"));
        EndpointSecurity.check(settings, Map.of("AWS_ENDPOINT_URL", "http://10.1.2.3", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"));
        EndpointSecurity.check(new AwsSettings(null, null, URI.create("http://10.1.2.3"), Map.of(AwsService.SSM,
                URI.create("http://10.1.2.3")), true), Map.of());
    }
}
