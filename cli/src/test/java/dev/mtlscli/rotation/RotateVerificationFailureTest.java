package dev.mtlscli.rotation;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.fakeaws.FakeLambda;
import dev.mtlscli.testing.Cli;
import dev.mtlscli.testing.FakeAwsCli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.lambda.LambdaClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever makes a verification fail, the Invoke call itself included, the function goes back
 * and the rotation stops; the summary and the journal say where every function is, and a
 * rollback journals the direction it took and says when it cannot succeed.
 */
class RotateVerificationFailureTest {
    @TempDir
    Path temp;

    private FakeAws aws;
    private Fleet fleet;

    @BeforeEach
    void createFleet() {
        aws = FakeAws.start();
        fleet = Fleet.create(temp, aws);
        aws.clearRequests();
    }

    @AfterEach
    void stop() {
        aws.close();
    }

    private Cli.Result rotate(String... extra) {
        return fleet.rotate(extra);
    }

    private List<String> journal() throws IOException {
        return Files.readAllLines(fleet.journal());
    }

    private String v2() {
        return fleet.versions().get(1).layerVersionArn();
    }

    @Test
    void anInvokeThatIsNotAllowedMovesTheFunctionBackAndStops() throws IOException {
        aws.failNext("Invoke", 403, "AccessDeniedException",
                "User is not authorized to perform: lambda:InvokeFunction on resource: app-1");

        Cli.Result result = rotate("--force", "--verify-invoke", "--concurrency", "1");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        String line = result.err();
        assertTrue(line.contains("function app-1 failed its verification") && line.contains("lambda:InvokeFunction"), line);
        assertTrue(line.contains("moved back to " + fleet.v1), line);
        assertTrue(line.contains("0 function(s) on " + v2()) && line.contains("1 moved back (app-1)") && line.contains("5 not moved"), line);
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, fleet.v1);
        }
        String back = journal().stream().filter(l -> l.contains("\"function-rolled-back\"")).findFirst().orElseThrow();
        assertTrue(back.contains("\"from\":\"" + v2() + "\"") && back.contains("\"to\":\"" + fleet.v1 + "\""),
                "the journal records the direction taken: " + back);
    }

    @Test
    void aFunctionThatCannotBeMovedBackIsNamedWithWhereItIs() throws IOException {
        aws.lambda().onAnyInvoke((payload, function) -> {
            // the verification fails, and so will the move back
            aws.failNext("UpdateFunctionConfiguration", 403, "AccessDeniedException", "not authorized");
            return FakeLambda.InvokeResult.error("Unhandled", "PKIX path building failed");
        });

        Cli.Result result = rotate("--force", "--verify-invoke", "--concurrency", "1");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("could NOT be moved back") && result.err().contains("1 NOT moved back, check them (app-1)"),
                result.err());
        assertTrue(result.err().contains("its layers now: " + v2()), result.err());
        fleet.assertOn("app-1", v2());
        assertTrue(journal().stream().anyMatch(l -> l.contains("\"function-rollback-failed\"") && l.contains("\"layers\":\"" + v2())),
                String.join("\n", journal()));

        aws.lambda().onAnyInvoke((payload, function) -> FakeLambda.InvokeResult.success("{}"));
        rotate("--rollback").assertExit(0, "the rollback moves the function whose move back failed");
        fleet.assertOn("app-1", fleet.v1);
    }

    @Test
    void rollbackJournalsTheDirectionItTook() throws IOException {
        rotate("--force").assertExit(0, "rotate");
        String v2 = v2();
        rotate("--rollback").assertExit(0, "rollback");

        List<String> back = journal().stream().filter(l -> l.contains("\"function-rolled-back\"")).toList();
        assertEquals(Fleet.USERS.size(), back.size());
        for (String line : back) {
            assertTrue(line.contains("\"from\":\"" + v2 + "\"") && line.contains("\"to\":\"" + fleet.v1 + "\""), line);
        }
    }

    @Test
    void aRollbackToADeletedVersionSaysItCannotSucceed() {
        rotate("--force").assertExit(0, "rotate");
        String v2 = v2();
        try (LambdaClient lambda = FakeAwsCli.lambda(aws)) {
            lambda.deleteLayerVersion(b -> b.layerName(Fleet.LAYER).versionNumber(1L));
        }

        Cli.Result result = rotate("--rollback");

        assertEquals(1, result.exitCode(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        assertTrue(result.err().contains("no longer exists") && result.err().contains("Roll forward"), result.err());
        assertFalse(result.err().contains("run rotate --rollback again"), result.err());
        for (String user : Fleet.USERS) {
            fleet.assertOn(user, v2);
        }
    }
}
