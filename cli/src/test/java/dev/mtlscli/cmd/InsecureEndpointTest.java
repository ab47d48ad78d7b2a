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

    @Test
    void anUpperCaseSchemeIsTheSameScheme() {
        aws.clearRequests();
        String loopback = aws.endpoint().toString().replaceFirst("^http:", "HTTP:");
        BadInputCli.Result plainLoopback = BadInputCli.run(FakeAwsCli.args(aws, "layer", "publish", "--workspace", ws.root().toString(),
                "--endpoint-url", loopback));
        assertEquals(0, plainLoopback.exitCode(), plainLoopback.err());
        assertFalse(aws.requests().isEmpty());

        for (String option : List.of("--endpoint-url", "--lambda-endpoint-url")) {
            BadInputCli.Result plainRemote = BadInputCli.run("layer", "publish", "--workspace", ws.root().toString(),
                    "--region", "eu-west-1", option, "HTTP://example.invalid:8080");
            String line = BadInputCli.assertOneLineFailure(plainRemote, 1, "plain http to another machine");
            assertTrue(line.contains(option), line);
        }

        BadInputCli.Result tls = BadInputCli.run("layer", "publish", "--workspace", ws.root().toString(),
                "--region", "eu-west-1", "--endpoint-url", "HTTPS://example.invalid:8443");
        assertEquals(1, tls.exitCode(), tls.err());
        assertFalse(tls.err().contains("not an http(s) URL") || tls.err().contains("plain http"),
                "accepted as https, it failed to connect instead: " + tls.err());
    }

    @Test
    void anUpperCaseSchemeFromTheEnvironmentOrTheProfileIsCheckedAlike() throws Exception {
        AwsSettings settings = AwsSettings.defaults();
        for (String variable : List.of("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_SSM")) {
            MtlsException plain = assertThrows(MtlsException.class,
                    () -> EndpointSecurity.check(settings, Map.of(variable, "HTTP://10.1.2.3:4566")));
            assertTrue(plain.getMessage().startsWith(variable + " ") && plain.getMessage().contains("plain http"), plain.getMessage());
            MtlsException notHttp = assertThrows(MtlsException.class,
                    () -> EndpointSecurity.check(settings, Map.of(variable, "FTP://10.1.2.3")));
            assertTrue(notHttp.getMessage().contains("is not an http(s) URL"), notHttp.getMessage());
            EndpointSecurity.check(settings, Map.of(variable, "HTTP://127.0.0.1:4566"));
            EndpointSecurity.check(settings, Map.of(variable, "HtTpS://vpce.example.com"));
        }

        Path config = java.nio.file.Files.writeString(temp.resolve("aws-config"),
                "[profile plain]\nendpoint_url = HTTP://10.1.2.3:4566\n[profile tls]\nendpoint_url = HTTPS://vpce.example.com\n");
        String before = System.getProperty("aws.configFile");
        System.setProperty("aws.configFile", config.toString());
        try {
            MtlsException profile = assertThrows(MtlsException.class,
                    () -> EndpointSecurity.check(new AwsSettings(null, "plain", null, Map.of()), Map.of()));
            assertTrue(profile.getMessage().startsWith("the profile's endpoint_url ") && profile.getMessage().contains("plain http"),
                    profile.getMessage());
            EndpointSecurity.check(new AwsSettings(null, "tls", null, Map.of()), Map.of());
        } finally {
            if (before == null) {
                System.clearProperty("aws.configFile");
            } else {
                System.setProperty("aws.configFile", before);
            }
        }
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
