package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.runtime.layer.LayerManifest;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.LayerZips;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.lambda.LambdaClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * `rotate --regions --accounts`: one plan and one journal over two regions and three accounts.
 * The layer is published once per region by the publishing account; every consumer moves in
 * its own account; an account whose role cannot be assumed stops only itself, and a re-run
 * after the fix finishes it; --rollback moves the fleet back.
 */
class RotateFleetTest {
    private static final String HOME = FakeAws.ACCOUNT_ID;
    private static final String A = "222222222222";
    private static final String B = "333333333333";
    private static final String ROLE = "mtls-rotation";
    private static final List<String> REGIONS = List.of("eu-west-1", "us-east-1");

    @TempDir
    Path temp;

    private FakeAws aws;
    private Workspace ws;

    @BeforeEach
    void fleet() {
        FakeAwsCli.credentials();
        aws = FakeAws.startFleet(REGIONS, List.of(A, B));
        aws.iam().createRole(A, ROLE, HOME);
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
        Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS), "--grant-org", FakeAws.ORGANIZATION_ID);
        for (String region : REGIONS) {
            String v1 = aws.lambda(region).layerVersions("mtls-service-1").get(0).layerVersionArn();
            aws.lambda(HOME, region).createFunction("home-" + region, "java17", List.of(v1), Map.of());
            for (int i = 0; i < 3; i++) {
                aws.lambda(A, region).createFunction("a-" + i, "java17", List.of(v1), Map.of());
            }
            aws.lambda(B, region).createFunction("b-0", "java17", List.of(v1), Map.of());
        }
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result rotate(String... extra) {
        List<String> args = new ArrayList<>(List.of("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--regions", String.join(",", REGIONS),
                "--accounts", A + "," + B, "--role-name", ROLE));
        args.addAll(List.of(extra));
        return Cli.run(args.toArray(String[]::new));
    }

    private String on(String account, String region, String function) {
        return aws.lambda(account, region).function(function).orElseThrow().layerArns().get(0);
    }

    @Test
    void everyReachableConsumerMovesAndTheUnreachableAccountIsNamed() throws Exception {
        Cli.Result result = rotate("--force", "--canary", "1", "--output", "json");

        assertEquals(1, result.exitCode(), result.out() + result.err());
        assertTrue(result.err().contains("not done in " + B + "/eu-west-1, " + B + "/us-east-1"), result.err());
        for (String region : REGIONS) {
            List<FakeLambda.LayerVersion> versions = aws.lambda(region).layerVersions("mtls-service-1");
            assertEquals(2, versions.size(), "one new version in " + region);
            String v2 = versions.stream().filter(v -> v.version() == 2).findFirst().orElseThrow().layerVersionArn();
            assertEquals(v2, on(HOME, region, "home-" + region));
            for (int i = 0; i < 3; i++) {
                assertEquals(v2, on(A, region, "a-" + i), "A's functions move in A, " + region);
            }
            assertTrue(on(B, region, "b-0").endsWith(":1"), "B could not be reached: its function stays");
            LayerManifest manifest = LayerZips.manifest(FakeAwsCli.layerContent(aws, region, "mtls-service-1", 2), "service-1");
            assertEquals("/mtls/service-1/keystore-password:2", manifest.keyStore().password().selector(), region + " pins its own new version");
        }
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertEquals(8, json.path("moved").size(), json.toString());
        assertEquals(3, json.path("planned").path(A + "/us-east-1").asInt(), "the plan, per account and region: " + json);
        assertEquals(1, json.path("planned").path(HOME + "/eu-west-1").asInt(), json.toString());
        assertTrue(json.path("planned").path(B + "/eu-west-1").isMissingNode(), "B's functions could not be listed");
        List<String> journal = Files.readAllLines(ws.root().resolve("rotations/service-1.fleet.jsonl"));
        assertTrue(journal.stream().filter(line -> line.contains("\"function-moved\""))
                .allMatch(line -> line.contains("\"account\"") && line.contains("\"region\"")), String.join("\n", journal));

        // the role appears in B: the same rotation resumes and finishes there, without publishing again
        aws.iam().createRole(B, ROLE, HOME);
        Cli.Result again = rotate();

        assertEquals(0, again.exitCode(), again.out() + again.err());
        assertTrue(again.out().contains("(resumed)"), again.out());
        for (String region : REGIONS) {
            assertEquals(2, aws.lambda(region).layerVersions("mtls-service-1").size(), "nothing published twice in " + region);
            assertTrue(on(B, region, "b-0").endsWith(":2"), on(B, region, "b-0"));
        }
    }

    @Test
    void rollbackMovesTheFleetBack() {
        aws.iam().createRole(B, ROLE, HOME);
        rotate("--force").assertExit(0, "rotate the fleet");
        assertTrue(on(A, "us-east-1", "a-2").endsWith(":2"));

        Cli.Result back = rotate("--rollback").assertExit(0, "roll the fleet back");

        assertTrue(back.out().contains("10 function(s) moved back"), back.out());
        for (String region : REGIONS) {
            assertTrue(on(HOME, region, "home-" + region).endsWith(":1"));
            assertTrue(on(A, region, "a-0").endsWith(":1"));
            assertTrue(on(B, region, "b-0").endsWith(":1"));
        }
    }

    @Test
    void aRollbackFromAStaleCopyOfTheWorkspaceLeavesAloneWhatANewerFleetRotationMoved() throws Exception {
        aws.iam().createRole(B, ROLE, HOME);
        rotate("--force").assertExit(0, "first fleet rotation");
        Path stale = temp.resolve("stale");
        Files.createDirectories(stale.resolve("rotations"));
        Files.copy(ws.root().resolve("rotations/service-1.fleet.jsonl"), stale.resolve("rotations/service-1.fleet.jsonl"));
        rotate("--force").assertExit(0, "second fleet rotation");
        // the stale copy's journal of the first rotation, in the workspace again
        Files.copy(stale.resolve("rotations/service-1.fleet.jsonl"), ws.root().resolve("rotations/service-1.fleet.jsonl"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Cli.Result back = rotate("--rollback", "--output", "json");

        assertEquals(3, back.exitCode(), "a rollback that left every function alone is not a success: " + back.out() + back.err());
        JsonNode json = new ObjectMapper().readTree(back.out());
        assertEquals(0, json.path("rolledBack").size(), json.toString());
        assertEquals(10, json.path("leftAlone").size(), json.toString());
        for (String region : REGIONS) {
            assertTrue(on(A, region, "a-0").endsWith(":3"), "the newer rotation's move stays: " + on(A, region, "a-0"));
        }
    }

    @Test
    void aFunctionMovedByHandSinceIsLeftAloneNamedAndTheRollbackExits3() throws Exception {
        aws.iam().createRole(B, ROLE, HOME);
        rotate("--force").assertExit(0, "rotate the fleet");
        // a person publishes a version of their own and puts one function on it
        String v3 = aws.lambda("us-east-1").publishLayerVersion("mtls-service-1",
                FakeAwsCli.layerContent(aws, "us-east-1", "mtls-service-1", 2)).layerVersionArn();
        try (LambdaClient lambda = FakeAwsCli.lambda(aws, "us-east-1")) {
            lambda.updateFunctionConfiguration(b -> b.functionName("home-us-east-1").layers(v3));
        }
        aws.lambda("us-east-1").completeUpdates();

        Cli.Result back = rotate("--rollback");

        assertEquals(3, back.exitCode(), back.out() + back.err());
        assertTrue(back.out().contains("9 function(s) moved back, 1 left alone"), back.out());
        assertTrue(back.out().contains(HOME + "/us-east-1/home-us-east-1 is on " + v3), back.out());
        assertEquals(v3, on(HOME, "us-east-1", "home-us-east-1"), "the function moved by hand stays");
        assertTrue(on(A, "us-east-1", "a-0").endsWith(":1"), "the others are moved back");
    }

    @Test
    void aRegionWhereTheLayerIsNotYetPublishedJoinsAndOtherLayersOfAFunctionStay() throws Exception {
        try (FakeAws wider = FakeAws.startFleet(List.of("eu-west-1", "us-east-1", "ap-southeast-2"), List.of(A))) {
            wider.iam().createRole(A, ROLE, HOME);
            Cli.runOk("layer", "publish", "--workspace", ws.root().toString(), "--service", "service-1",
                    "--endpoint-url", wider.endpoint().toString(), "--regions", "eu-west-1,us-east-1", "--grant-org", FakeAws.ORGANIZATION_ID);
            String v1 = wider.lambda("eu-west-1").layerVersions("mtls-service-1").get(0).layerVersionArn();
            String other = wider.lambda(A, "eu-west-1").publishLayerVersion("other-team", LayerZips.zipOf("x/readme.txt", "x"))
                    .layerVersionArn();
            wider.lambda(A, "eu-west-1").createFunction("mixed", "java17", List.of(other, v1), Map.of());

            Cli.Result result = Cli.run("rotate", "--service", "service-1", "--workspace", ws.root().toString(), "--force",
                    "--endpoint-url", wider.endpoint().toString(), "--regions", "eu-west-1,us-east-1,ap-southeast-2",
                    "--accounts", A, "--role-name", ROLE);

            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertEquals(1, wider.lambda("ap-southeast-2").layerVersions("mtls-service-1").size(), "published where it was missing");
            String v2 = wider.lambda("eu-west-1").layerVersions("mtls-service-1").get(1).layerVersionArn();
            assertEquals(List.of(other, v2), wider.lambda(A, "eu-west-1").function("mixed").orElseThrow().layerArns(),
                    "the other team's layer stays, first");
        }
    }

    @Test
    void fleetOptionsAreChecked() {
        assertTrue(rotate("--new-ca").err().contains("one region at a time"));
        Cli.Result noRole = Cli.run("rotate", "--service", "service-1", "--workspace", ws.root().toString(),
                "--endpoint-url", aws.endpoint().toString(), "--regions", "eu-west-1", "--accounts", A);
        assertEquals(1, noRole.exitCode());
        assertTrue(noRole.err().contains("need --role-name"), noRole.err());
    }
}
