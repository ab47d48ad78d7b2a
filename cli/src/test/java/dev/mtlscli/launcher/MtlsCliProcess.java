package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Checkout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged `./mtls-cli` as a child process the kill and interruption tests can signal (which
 * a run-to-the-end runner such as testing.Tool cannot), with the fake AWS's credentials.
 */
final class MtlsCliProcess {
    private MtlsCliProcess() {
    }

    /** A process builder for `./mtls-cli ARGS`, run from the repository, stdout and stderr into this log. */
    static ProcessBuilder builder(Path log, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Checkout.ROOT.resolve("mtls-cli").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(Checkout.ROOT.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", FakeAws.ACCESS_KEY_ID);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", FakeAws.SECRET_ACCESS_KEY);
        builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder;
    }

    /** Starts the process, fails the test if it outlives the limit, and returns its exit code. */
    static int runToEnd(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
        Process process = builder.start();
        assertTrue(process.waitFor(limit.toSeconds(), TimeUnit.SECONDS), "mtls-cli did not finish");
        return process.exitValue();
    }
}
