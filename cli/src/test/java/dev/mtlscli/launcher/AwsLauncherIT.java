package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Checkout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged `./mtls-cli` against AWS settings the way users have them, in environment variables
 * and ~/.aws: each run gets a clean environment with HOME in a temporary directory (no profile
 * files) and the instance metadata service disabled, then only what the test sets.
 */
class AwsLauncherIT {

    @TempDir
    Path temp;
    private Path workspace;

    private record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void createWorkspace() throws Exception {
        workspace = temp.resolve("ws");
        Run created = run(Map.of(), "certs", "create", "--out", workspace.toString());
        assertEquals(0, created.exit(), created.err());
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Checkout.ROOT.resolve("mtls-cli").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(Checkout.ROOT.toFile());
        Map<String, String> environment = builder.environment();
        String path = environment.get("PATH");
        String javaHome = environment.get("JAVA_HOME");
        environment.clear();
        environment.put("PATH", path);
        if (javaHome != null) {
            environment.put("JAVA_HOME", javaHome);
        }
        Path home = Files.createDirectories(temp.resolve("home"));
        environment.put("HOME", home.toString());
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        environment.putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "mtls-cli did not finish");
        return new Run(process.exitValue(), out, err);
    }

    @Test
    void withoutARegionItSaysSoInOneLine() throws Exception {
        Run run = run(Map.of(), "layer", "publish", "--workspace", workspace.toString());

        assertEquals(1, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("no AWS region: pass --region, set AWS_REGION"), run.err());
    }

    @Test
    void withoutCredentialsItSaysSoInOneLineBeforeAnyCall() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Run run = run(Map.of("AWS_REGION", "us-east-1"), "layer", "publish", "--workspace", workspace.toString(),
                    "--endpoint-url", aws.endpoint().toString());

            assertEquals(1, run.exit(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("no AWS credentials found"), run.err());
            assertEquals(List.of(), aws.requests());
        }
    }

    @Test
    void credentialsAndRegionFromTheEnvironmentPublish() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Run run = run(Map.of("AWS_REGION", aws.region(), "AWS_ACCESS_KEY_ID", FakeAws.ACCESS_KEY_ID,
                            "AWS_SECRET_ACCESS_KEY", FakeAws.SECRET_ACCESS_KEY),
                    "layer", "publish", "--workspace", workspace.toString(), "--endpoint-url", aws.endpoint().toString());

            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains("arn:aws:lambda:us-east-1:" + FakeAws.ACCOUNT_ID + ":layer:mtls-service-1:1"), run.out());
            assertEquals(2, aws.requests("PublishLayerVersion").size());
        }
    }

    @Test
    void aProfileFromTheConfigFilesIsUsed() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/config"), "[profile mtls]\nregion = us-east-1\n");
        Files.writeString(home.resolve(".aws/credentials"), "[mtls]\naws_access_key_id = " + FakeAws.ACCESS_KEY_ID
                + "\naws_secret_access_key = " + FakeAws.SECRET_ACCESS_KEY + "\n");
        try (FakeAws aws = FakeAws.start()) {
            Run run = run(Map.of(), "layer", "list", "--workspace", workspace.toString(), "--profile", "mtls",
                    "--lambda-endpoint-url", aws.endpoint().toString());

            assertEquals(0, run.exit(), run.err());
            assertTrue(run.out().contains("mtls-service-1: no versions"), run.out());
            assertEquals(2, aws.requests("ListLayerVersions").size());
        }
    }
}
