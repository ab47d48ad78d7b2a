package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume and rollback act on what Lambda holds, not only on what the journal says: a function
 * put back by hand is moved again, a journaled target that is not this layer's, does not exist,
 * or has a newer version since is refused, and a rollback leaves alone a function a newer
 * rotation moved.
 */
class RotateReadsWhatIsDeployedTest {
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

    /** A rotation to version 2 that stopped at app-4, with app-1 to app-3 moved. */
    private String stoppedRotation() {
        aws.lambda().failNextUpdate("app-4", "InvalidConfiguration", "simulated");
        assertEquals(1, fleet.rotate("--force", "--concurrency", "1").exitCode());
        String v2 = fleet.versions().get(1).layerVersionArn();
        fleet.assertOn("app-3", v2);
        fleet.assertOn("app-4", fleet.v1);
        return v2;
    }

    private void putBack(String function, String version) {
        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            lambda.updateFunctionConfiguration(b -> b.functionName(function).layers(fleet.expectedLayers(function, version)));
        }
        aws.lambda().completeUpdates();
    }

    private void editPublished(String arn) throws IOException {
        List<String> lines = Files.readAllLines(fleet.journal()).stream()
                .map(line -> line.contains("\"published\"") ? line.replaceAll("\"layerVersionArn\":\"[^\"]*\"",
                        "\"layerVersionArn\":\"" + arn + "\"") : line).toList();
        Files.write(fleet.journal(), lines);
    }

    private static String oneLine(Cli.Result result) {
        assertEquals(1, result.exitCode(), result.out() + result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().startsWith("mtls-cli: "), result.err());
        return result.errLines().get(0);
    }

    @Test
    void aFunctionPutBackByHandIsMovedAgainWhenTheRotationResumes() {
        String v2 = stoppedRotation();
        putBack("app-1", fleet.v1);

        Cli.Result resumed = fleet.rotate("--concurrency", "1").assertExit(0, "resume");

        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
        assertTrue(resumed.out().contains("already there"), resumed.out());
    }

    @Test
    void aJournaledTargetOfAnotherLayerOrThatDoesNotExistIsRefused() throws IOException {
        stoppedRotation();
        editPublished(fleet.otherA);

        String error = oneLine(fleet.rotate());
        assertTrue(error.contains(fleet.journal() + " line 3") && error.contains("not a version of layer"), error);

        String missing = fleet.v1.substring(0, fleet.v1.lastIndexOf(':') + 1) + "9";
        editPublished(missing);
        error = oneLine(fleet.rotate());
        assertTrue(error.contains(fleet.journal() + " line 3") && error.contains("does not exist"), error);
        assertEquals(List.of(), aws.lambda().layerVersion(missing).stream().toList());
        fleet.assertOn("app-4", fleet.v1);
        fleet.assertOn("mixed-2", fleet.v1);
    }

    @Test
    void aNewerVersionPublishedSinceStopsTheResumeAndTheAdviceWorks() {
        String v2 = stoppedRotation();
        String v3 = aws.lambda().publishLayerVersion(Fleet.LAYER, FakeAwsCli.layerContent(aws, Fleet.LAYER, 2)).layerVersionArn();

        String error = oneLine(fleet.rotate());

        assertTrue(error.contains("newer version (" + v3 + ")") && error.contains("rotate --rollback"), error);
        fleet.assertOn("app-4", fleet.v1);
        fleet.assertOn("app-1", v2);
        fleet.rotate("--rollback").assertExit(0, "the advice: roll back");
        fleet.rotate().assertExit(0, "then rotate plans from what is deployed");
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v3);
        }
    }

    @Test
    void aRollbackFromAStaleCopyLeavesAloneWhatANewerRotationMoved() {
        fleet.rotate("--force").assertExit(0, "first rotation");
        Path stale = copy(fleet.ws.root(), temp.resolve("stale-copy"));
        fleet.rotate("--force").assertExit(0, "second rotation, from the original");
        String v3 = fleet.versions().get(2).layerVersionArn();

        Cli.Result back = FakeAwsCli.run(aws, "rotate", "--service", "service-1", "--workspace", stale.toString(), "--rollback");

        assertEquals(3, back.exitCode(), back.out() + back.err());
        assertTrue(back.out().contains("6 left alone"), back.out());
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v3);
        }
    }

    private static Path copy(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
