package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.lease.LeaseScope;
import dev.mtlscli.lease.RotationLease;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.PausingWriter;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.StringWriter;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --regions --lease-table`: a fleet rotation holds the lease of the layer in every region
 * it changes, all or none, in the table of its first region; a single-region rotation elsewhere
 * names that table by ARN and meets the same leases.
 */
class RotateFleetLeaseTest {
    private static final String TABLE = "mtls-rotation-leases";
    private static final String LAYER = "mtls-service-1";
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");

    @TempDir
    Path temp;

    private FakeAws aws;
    private Workspace ws;
    private DynamoDbClient dynamo;

    @BeforeEach
    void fleet() {
        FakeAwsCli.credentials();
        aws = FakeAws.startRegions(REGIONS.get(0), REGIONS.get(1));
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS), "--grant-account", "111122223333");
        for (String region : REGIONS) {
            String v1 = aws.lambda(region).layerVersions(LAYER).get(0).layerVersionArn();
            aws.lambda(region).createFunction("app-" + region, "java17", List.of(v1), Map.of());
        }
        aws.dynamoDb(REGIONS.get(0)).createTable(TABLE, RotationLease.KEY);
        dynamo = FakeAwsCli.dynamoDb(aws, REGIONS.get(0));
    }

    @AfterEach
    void stop() {
        dynamo.close();
        aws.close();
    }

    private Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS), "--force",
                "--lease-table", TABLE));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private static LeaseScope scope(String region) {
        return new LeaseScope(FakeAws.ACCOUNT_ID, region, LAYER);
    }

    private Map<String, Map<String, Object>> item(String region) {
        return aws.dynamoDb(REGIONS.get(0)).item(TABLE, scope(region).key()).orElseThrow();
    }

    @Test
    void aFleetRotationHoldsEveryRegionsLeaseOrNoneAndReleasesThemAll() {
        RotationLease leases = new RotationLease(dynamo, TABLE, Clock.systemUTC());
        var held = leases.acquire(scope("us-east-1"), "scheduled rotator exec-9", Duration.ofMinutes(10));

        Cli.Result busy = rotate();
        assertEquals(4, busy.exitCode(), busy.err());
        assertEquals(1, busy.errLines().size(), busy.err());
        assertTrue(busy.err().contains("the rotation of " + scope("us-east-1").key() + " is leased to scheduled rotator exec-9"),
                busy.err());
        assertFalse(item("eu-west-1").containsKey("holder"), "the lease taken first (eu-west-1) was let go");
        for (String region : REGIONS) {
            assertEquals(1, aws.lambda(region).layerVersions(LAYER).size(), "nothing published in " + region);
        }

        leases.release(held);
        rotate().assertExit(0, "fleet rotation once the lease is free");
        for (String region : REGIONS) {
            assertEquals(2, aws.lambda(region).layerVersions(LAYER).size(), region);
            assertFalse(item(region).containsKey("holder"), "released in " + region);
        }
        assertEquals("2", item("eu-west-1").get("token").get("N"));
        assertEquals("2", item("us-east-1").get("token").get("N"));
    }

    @Test
    void aFleetRotationThatLosesOneRegionsLeaseStopsBeforeItsNextChangeInEveryRegion() throws Exception {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS), "--force",
                "--lease-table", TABLE));
        PausingWriter out = new PausingWriter("Plan ");
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Cli.run(out, err, args.toArray(String[]::new)));
        out.awaitPaused();
        try {
            // us-east-1's lease expired while the run stalled, and the scheduled rotator took it
            dynamo.putItem(b -> b.tableName(TABLE).item(Map.of("scope", AttributeValue.fromS(scope("us-east-1").key()),
                    "holder", AttributeValue.fromS("scheduled rotator exec-11"), "token", AttributeValue.fromN("2"),
                    "acquiredAt", AttributeValue.fromN(Long.toString(Instant.now().toEpochMilli())),
                    "expiresAt", AttributeValue.fromN(Long.toString(Instant.now().plusSeconds(300).toEpochMilli())))));
        } finally {
            out.resume();
        }
        assertEquals(1, run.get(), err + out.text());
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).contains("the lease of " + scope("us-east-1").key() + " (token 1) was lost: it is now leased to "
                + "scheduled rotator exec-11"), lines.get(0));
        for (String region : REGIONS) {
            assertEquals(1, aws.lambda(region).layerVersions(LAYER).size(), "nothing published in " + region);
        }
        assertFalse(item("eu-west-1").containsKey("holder"), "the lease still held was released");
        assertEquals(Map.of("S", "scheduled rotator exec-11"), item("us-east-1").get("holder"));
    }

    @Test
    void aSingleRegionRotationNamesTheFleetsTableByArnAndMeetsTheSameLease() {
        RotationLease leases = new RotationLease(dynamo, TABLE, Clock.systemUTC());
        var held = leases.acquire(scope("us-east-1"), "scheduled rotator exec-10", Duration.ofMinutes(10));
        String arn = aws.dynamoDb(REGIONS.get(0)).tableArn(TABLE);
        List<String> args = List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--region", "us-east-1", "--force", "--lease-table", arn);

        Cli.Result busy = Cli.run(args.toArray(String[]::new));
        assertEquals(4, busy.exitCode(), busy.err());
        assertTrue(busy.err().contains("scheduled rotator exec-10"), busy.err());

        leases.release(held);
        Cli.run(args.toArray(String[]::new)).assertExit(0, "single-region rotation with the table by ARN");
        assertEquals("2", item("us-east-1").get("token").get("N"));
        assertEquals(2, aws.lambda("us-east-1").layerVersions(LAYER).size());
        assertEquals(1, aws.lambda("eu-west-1").layerVersions(LAYER).size());
    }
}
