package dev.mtlscli.launcher;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.scheduled.TableJournalStore;
import dev.mtlscli.testing.FakeAwsCli;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A `rotate --lease-table` stopped with SIGTERM in the middle of moving the fleet: the packaged
 * `./mtls-cli` releases its lease on the way out, so the next run starts at once (instead of
 * exiting 4 until the lease expires) and finishes the rotation from the journal.
 */
class RotateLeaseInterruptIT {
    private static final int FUNCTIONS = 12;
    private static final String TABLE = "mtls-rotation-leases";

    @TempDir
    Path temp;

    private ProcessBuilder mtlsCli(FakeAws aws, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--region", aws.region(), "--endpoint-url", aws.endpoint().toString()));
        return MtlsCliProcess.builder(temp.resolve("out-" + System.nanoTime() + ".log"), all);
    }

    @Test
    void aStoppedRotationReleasesItsLeaseAndTheNextRunFinishesAtOnce() throws Exception {
        try (FakeAws aws = FakeAws.start()) {
            Path ws = temp.resolve("ws");
            assertEquals(0, MtlsCliProcess.runToEnd(MtlsCliProcess.builder(temp.resolve("create.log"),
                    List.of("certs", "create", "--out", ws.toString())), Duration.ofSeconds(120)));
            assertEquals(0, MtlsCliProcess.runToEnd(mtlsCli(aws, "layer", "publish", "--workspace", ws.toString(),
                    "--service", "service-1"), Duration.ofSeconds(120)));
            String v1 = aws.lambda().layerVersions("mtls-service-1").get(0).layerVersionArn();
            for (int i = 0; i < FUNCTIONS; i++) {
                aws.lambda().createFunction(String.format("fn-%02d", i), "java21", List.of(v1), Map.of());
            }
            aws.dynamoDb().createTable(TABLE, "scope");
            String scope = FakeAws.ACCOUNT_ID + "/" + aws.region() + "/mtls-service-1";
            aws.latency(Duration.ofMillis(60));

            Path stoppedLog = temp.resolve("stopped.log");
            Process rotation = mtlsCli(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(), "--force",
                    "--concurrency", "1", "--lease-table", TABLE).redirectOutput(stoppedLog.toFile()).start();
            // with a lease table the journal is in the table, beside the scheduled rotator's
            try (DynamoDbClient dynamo = FakeAwsCli.dynamoDb(aws, aws.region())) {
                TableJournalStore table = new TableJournalStore(dynamo, TABLE, new LeaseScope(FakeAws.ACCOUNT_ID, aws.region(), "mtls-service-1"));
                JournalWatch.waitForMovesInTable(table::lines, 3, rotation);
            }
            assertTrue(aws.dynamoDb().item(TABLE, scope).orElseThrow().containsKey("holder"), "held while it runs");
            rotation.destroy(); // SIGTERM
            assertTrue(rotation.waitFor(30, TimeUnit.SECONDS));
            assertNotEquals(0, rotation.exitValue(), "the rotation was stopped");
            assertFalse(aws.dynamoDb().item(TABLE, scope).orElseThrow().containsKey("holder"),
                    "released on the way out: " + read(stoppedLog));

            aws.latency(Duration.ZERO);
            assertEquals(0, MtlsCliProcess.runToEnd(mtlsCli(aws, "rotate", "--service", "service-1", "--workspace", ws.toString(),
                    "--lease-table", TABLE), Duration.ofSeconds(120)), "the next run is not kept waiting");
            String v2 = aws.lambda().layerVersions("mtls-service-1").get(1).layerVersionArn();
            aws.lambda().functions().forEach(f -> assertEquals(List.of(v2), f.layerArns(), f.functionName()));
            assertEquals("2", aws.dynamoDb().item(TABLE, scope).orElseThrow().get("token").get("N"));
        }
    }

    private static String read(Path log) throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
