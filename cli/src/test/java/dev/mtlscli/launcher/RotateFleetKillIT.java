package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet rotation (two regions, the publishing account and a member account) killed with SIGKILL
 * while it moves functions, then run again: the packaged `./mtls-cli` resumes the fleet from its
 * one journal; every function ends on its region's new version, none is moved twice, and nothing
 * is published twice.
 */
class RotateFleetKillIT {
    private static final String MEMBER = "222222222222";
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");
    private static final int FUNCTIONS = 6;

    @TempDir
    Path temp;

    private ProcessBuilder mtlsCli(FakeAws aws, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--endpoint-url", aws.endpoint().toString()));
        return MtlsCliProcess.builder(log(), all);
    }

    private int runToEnd(ProcessBuilder builder) throws IOException, InterruptedException {
        return MtlsCliProcess.runToEnd(builder, Duration.ofSeconds(120));
    }

    private Path log() {
        return temp.resolve("out-" + System.nanoTime() + ".log");
    }

    private String[] rotate(Path ws) {
        return new String[] {"rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                "--regions", String.join(",", REGIONS), "--accounts", MEMBER, "--role-name", "mtls-rotation",
                "--concurrency", "1", "--global-concurrency", "1"};
    }

    @Test
    void aKilledFleetRotationIsFinishedByTheNextRun() throws Exception {
        try (FakeAws aws = FakeAws.startFleet(REGIONS, List.of(MEMBER))) {
            aws.iam().createRole(MEMBER, "mtls-rotation", FakeAws.ACCOUNT_ID);
            Path ws = temp.resolve("ws");
            assertEquals(0, runToEnd(MtlsCliProcess.builder(log(), List.of("certs", "create", "--out", ws.toString()))));
            assertEquals(0, runToEnd(mtlsCli(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1",
                    "--regions", String.join(",", REGIONS), "--grant-org", FakeAws.ORGANIZATION_ID)));
            for (String region : REGIONS) {
                String v1 = aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn();
                for (String account : List.of(FakeAws.ACCOUNT_ID, MEMBER)) {
                    for (int i = 0; i < FUNCTIONS; i++) {
                        aws.lambda(account, region).createFunction(String.format("fn-%02d", i), "java21", List.of(v1), Map.of());
                    }
                }
            }
            aws.latency(Duration.ofMillis(60));

            Path journal = ws.resolve("rotations/service-1.fleet.jsonl");
            Process rotation = mtlsCli(aws, rotate(ws)).redirectOutput(temp.resolve("killed.log").toFile()).start();
            JournalWatch.waitForMoves(ws, journal, 5, rotation);
            rotation.destroyForcibly();
            assertTrue(rotation.waitFor(30, TimeUnit.SECONDS));
            assertNotEquals(0, rotation.exitValue(), "the rotation was killed");
            long movedBefore = JournalWatch.count(journal, "\"function-moved\"");
            assertTrue(movedBefore >= 5 && movedBefore < 4L * FUNCTIONS, "killed halfway: " + movedBefore);

            aws.latency(Duration.ZERO);
            assertEquals(0, runToEnd(mtlsCli(aws, rotate(ws))));

            for (String region : REGIONS) {
                List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions("mtls-service-1");
                assertEquals(2, versions.size(), "published once in " + region);
                String v2 = versions.get(1).layerVersionArn();
                for (String account : List.of(FakeAws.ACCOUNT_ID, MEMBER)) {
                    aws.lambda(account, region).functions().forEach(f -> assertEquals(List.of(v2), f.layerArns(),
                            account + " " + region + " " + f.functionName()));
                }
            }
            assertEquals(4L * FUNCTIONS, JournalWatch.count(journal, "\"function-moved\""), "every function moved exactly once");
            assertTrue(Files.readString(journal).contains("\"completed\""));
        }
    }
}
