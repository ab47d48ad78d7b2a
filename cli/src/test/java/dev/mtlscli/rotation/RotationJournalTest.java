package dev.mtlscli.rotation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rotation journal as `rotate` reads it: it belongs to one service, layer and scope and is
 * refused for any other; a line a crash cut short is repaired before the next append; a
 * damaged line is refused with the file, its one line number and advice that works.
 */
class RotationJournalTest {
    @TempDir
    Path temp;

    private FakeAws aws;
    private Fleet fleet;

    @BeforeEach
    void createFleet() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private String newest() {
        List<dev.mtlscli.fakeaws.FakeLambda.LayerVersion> versions = fleet.versions();
        return versions.get(versions.size() - 1).layerVersionArn();
    }

    /** One stderr line starting "mtls-cli: ", exit 1, naming the file and exactly one line number. */
    private static String assertJournalError(Cli.Result result, Path file, int line) {
        assertEquals(1, result.exitCode(), result.out() + result.err());
        List<String> lines = result.errLines();
        assertEquals(1, lines.size(), result.err());
        String error = lines.get(0);
        assertTrue(error.startsWith("mtls-cli: "), error);
        assertFalse(result.err().contains("\tat "), result.err());
        assertTrue(error.contains(file.toString()), "names the file: " + error);
        Matcher numbers = Pattern.compile("\\bline (\\d+)").matcher(error);
        List<String> found = new ArrayList<>();
        while (numbers.find()) {
            found.add(numbers.group(1));
        }
        assertEquals(List.of(String.valueOf(line)), found, "one line number, the right one: " + error);
        return error;
    }

    @Test
    void aServiceNamedLikeAnotherServicesFleetJournalNeverActsOnIt() throws Exception {
        Path spec = temp.resolve("spec.json");
        Files.writeString(spec, """
                {"version": 1, "services": [
                  {"name": "x", "host": "backend-x.com", "ca": {"subject": "CN=x CA"}, "server": {"subject": "CN=backend-x.com"},
                   "client": {"subject": "CN=x client"}},
                  {"name": "x-fleet", "host": "backend-x-fleet.com", "ca": {"subject": "CN=x-fleet CA"},
                   "server": {"subject": "CN=backend-x-fleet.com"}, "client": {"subject": "CN=x-fleet client"}}
                ]}
                """);
        Workspace ws = Workspace.create(temp.resolve("xws"), "ec-p256", "pkcs12", spec);
        String root = ws.root().toString();
        for (String service : List.of("x", "x-fleet")) {
            FakeAwsCli.runOk(aws, "layer", "publish", "--workspace", root, "--service", service);
            aws.lambda().createFunction("uses-" + service, "java21",
                    List.of(aws.lambda().layerVersions("mtls-" + service).get(0).layerVersionArn()), Map.of());
        }
        Cli.runOk("rotate", "--service", "x", "--workspace", root, "--regions", aws.region(), "--force",
                "--endpoint-url", aws.endpoint().toString());
        String xV2 = aws.lambda().layerVersions("mtls-x").get(1).layerVersionArn();
        assertEquals(List.of(xV2), aws.lambda().function("uses-x").orElseThrow().layerArns());

        Cli.Result rollback = FakeAwsCli.run(aws, "rotate", "--service", "x-fleet", "--workspace", root, "--rollback");

        assertEquals(1, rollback.exitCode(), rollback.out() + rollback.err());
        assertTrue(rollback.err().contains("no rotation of x-fleet"), rollback.err());
        assertEquals(List.of(xV2), aws.lambda().function("uses-x").orElseThrow().layerArns(), "x's function stays");

        // a fleet journal of x under the name an older mtls-cli gave it is not x-fleet's either
        Path fleetJournal = ws.root().resolve("rotations/x.fleet.jsonl");
        Path legacy = ws.root().resolve("rotations/x-fleet.jsonl");
        Files.copy(fleetJournal, legacy);

        String error = assertJournalError(FakeAwsCli.run(aws, "rotate", "--service", "x-fleet", "--workspace", root, "--rollback"),
                legacy, 1);
        assertTrue(error.contains("service x's fleet"), error);
        assertEquals(List.of(xV2), aws.lambda().function("uses-x").orElseThrow().layerArns(), "x's function stays");
    }

    @Test
    void aJournalIsRefusedForAnotherLayerWithTheOptionThatFitsIt() {
        fleet.rotate("--force").assertExit(0, "rotate");
        String v2 = newest();

        String error = assertJournalError(fleet.rotate("--rollback", "--layer-name", "other-{service}"), fleet.journal(), 1);

        assertTrue(error.contains("--layer-name mtls-service-1"), error);
        fleet.assertOn("app-1", v2);
        fleet.rotate("--rollback", "--layer-name", "mtls-{service}").assertExit(0, "the advice works");
        fleet.assertOn("app-1", fleet.v1);
    }

    @Test
    void aLastLineTornByACrashIsCutOffBeforeTheNextAppend() throws Exception {
        fleet.rotate("--force").assertExit(0, "rotate");
        Files.writeString(fleet.journal(), "{\"at\":\"2026-12-07T03:00:00Z\",\"by\":\"ops@host\",\"rota", StandardOpenOption.APPEND);

        fleet.rotate("--rollback").assertExit(0, "rollback over a torn last line");
        fleet.assertOn("app-1", fleet.v1);
        fleet.rotate("--dry-run").assertExit(0, "the journal reads after the rollback appended");
        fleet.rotate("--force").assertExit(0, "and a new rotation runs");

        byte[] bytes = Files.readAllBytes(fleet.journal());
        assertEquals('\n', bytes[bytes.length - 1]);
        ObjectMapper json = new ObjectMapper();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            assertTrue(json.readTree(line).has("event"), "every line is a whole journal line: " + line);
        }
        fleet.assertOn("app-1", newest());
    }

    @Test
    void aDamagedLineIsRefusedWithItsLineAndTheAdviceGivenWorks() throws Exception {
        fleet.rotate("--force").assertExit(0, "rotate");
        List<String> lines = new ArrayList<>(Files.readAllLines(fleet.journal()));
        lines.add(2, "{\"at\":\"2026-12-07T03:00:00Z\",\"event\":");
        Files.write(fleet.journal(), lines);
        // the last rotation is unfinished as far as anyone can tell: someone moved app-1 back
        aws.lambda().createFunction("late", "java21", List.of(fleet.v1), Map.of());

        for (String mode : List.of("--dry-run", "--rollback", "--force")) {
            String error = assertJournalError(fleet.rotate(mode), fleet.journal(), 3);
            assertTrue(error.contains("move it aside") && error.contains("run rotate again"), error);
        }

        Files.move(fleet.journal(), fleet.journal().resolveSibling("service-1.jsonl.damaged"));
        fleet.rotate().assertExit(0, "the advice: moved aside, rotate plans from what is deployed");
        assertEquals(List.of(newest()), aws.lambda().function("late").orElseThrow().layerArns());
    }

    @Test
    void aMoveLineWithoutAVersionIsNamedAndNotAdvisedToBeRunAgain() throws Exception {
        fleet.rotate("--force").assertExit(0, "rotate");
        List<String> lines = new ArrayList<>(Files.readAllLines(fleet.journal()));
        int moved = -1;
        for (int i = 0; i < lines.size() && moved < 0; i++) {
            if (lines.get(i).contains("\"function-moved\"")) {
                moved = i;
            }
        }
        lines.set(moved, lines.get(moved).replaceAll("\"from\":\"[^\"]*\"", "\"from\":\"garbage\""));
        Files.write(fleet.journal(), lines);

        String error = assertJournalError(fleet.rotate("--rollback"), fleet.journal(), moved + 1);

        assertTrue(error.contains("move it aside") && !error.contains("--rollback again"), error);
        fleet.assertOn("app-1", newest());
    }

    @Test
    void aDamagedLastLineThatEndsInANewlineIsCorruptionNotATornTail() throws Exception {
        fleet.rotate("--force").assertExit(0, "rotate");
        int count = Files.readAllLines(fleet.journal()).size();
        Files.writeString(fleet.journal(), "not json\n", StandardOpenOption.APPEND);

        assertJournalError(fleet.rotate("--rollback"), fleet.journal(), count + 1);
        fleet.assertOn("app-1", newest());
    }
}
