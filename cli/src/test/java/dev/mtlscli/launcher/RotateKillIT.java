package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
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
 * A rotation killed with SIGKILL in the middle of moving the fleet, then run again: the packaged
 * `./mtls-cli` continues from its journal and every function ends on the new version. The kill
 * happens when the journal shows three functions moved (watched, not timed).
 */
class RotateKillIT {
    private static final int FUNCTIONS = 12;

    @TempDir
    Path temp;

    private ProcessBuilder mtlsCli(FakeAws aws, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--region", aws.region(), "--endpoint-url", aws.endpoint().toString()));
        return MtlsCliProcess.builder(log(), all);
    }

    private int runToEnd(ProcessBuilder builder) throws IOException, InterruptedException {
        return MtlsCliProcess.runToEnd(builder, Duration.ofSeconds(120));
    }

    private Path log() {
        return temp.resolve("out-" + System.nanoTime() + ".log");
    }

    @Test
    void aKilledRotationIsFinishedByTheNextRun() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Path ws = temp.resolve("ws");
            assertEquals(0, runToEnd(MtlsCliProcess.builder(log(), List.of("certs", "create", "--out", ws.toString()))));
            assertEquals(0, runToEnd(mtlsCli(aws, "layer", "publish", "--workspace", ws.toString(), "--service", "service-1")));
            String v1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
            for (int i = 0; i < FUNCTIONS; i++) {
                aws.lambda().createFunction(String.format("fn-%02d", i), "java21", List.of(v1), Map.of());
            }
            aws.latency(Duration.ofMillis(60));

            Path journal = ws.resolve("rotations/service-1.jsonl");
            Process rotation = mtlsCli(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                    "--concurrency", "1").redirectOutput(temp.resolve("killed.log").toFile()).start();
            JournalWatch.waitForMoves(ws, journal, 3, rotation);
            rotation.destroyForcibly();
            assertTrue(rotation.waitFor(30, TimeUnit.SECONDS));
            assertNotEquals(0, rotation.exitValue(), "the rotation was killed");
            String v2 = aws.lambda().layerVersions("mtls-service-1").get(1).layerVersionArn();
            long moved = aws.lambda().functions().stream().filter(f -> f.layerArns().equals(List.of(v2))).count();
            assertTrue(moved >= 3 && moved < FUNCTIONS, "killed halfway: " + moved + " moved");
            aws.lambda().functions().forEach(f -> assertTrue(f.layerArns().equals(List.of(v1)) || f.layerArns().equals(List.of(v2)),
                    f.functionName() + " is on a published version: " + f.layerArns()));

            aws.latency(Duration.ZERO);
            assertEquals(0, runToEnd(mtlsCli(aws, "rotate", "--service", "service-1", "--workspace", ws.toString())));

            assertEquals(2, aws.lambda().layerVersions("mtls-service-1").size(), "the re-run published nothing new");
            aws.lambda().functions().forEach(f -> assertEquals(List.of(v2), f.layerArns(), f.functionName()));
            assertTrue(Files.readString(journal).contains("\"completed\""));
        }
    }
}
