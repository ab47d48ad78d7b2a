package dev.mtlscli.cmd;

import dev.mtlscli.fakeaws.FakeAws;
import dev.mtlscli.testing.FakeAwsCli;
import dev.mtlscli.testing.Workspace;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The lists of the fleet commands (--regions, --accounts) and --role-name: an empty element
 * anywhere, an element named twice, or a role that IAM would not accept is one usage line
 * before any AWS call, in status and rotate alike.
 */
class FleetListsBadInputTest {
    private static final String A = "222222222222";

    @TempDir
    static Path temp;

    private static FakeAws aws;
    private static Workspace ws;

    @BeforeAll
    static void start() {
        FakeAwsCli.credentials();
        aws = FakeAws.start();
        ws = Workspace.create(temp.resolve("ws"), "ec-p256", "pkcs12", null);
    }

    @AfterAll
    static void stop() {
        aws.close();
    }

    static Stream<Arguments> badLists() {
        return Stream.of(
                Arguments.of(List.of("--regions", "us-east-1,,"), 2, "--regions 'us-east-1,,' has an empty element"),
                Arguments.of(List.of("--regions", ",us-east-1"), 2, "--regions ',us-east-1' has an empty element"),
                Arguments.of(List.of("--regions", "us-east-1,,eu-west-1"), 2, "has an empty element"),
                Arguments.of(List.of("--regions", "us-east-1,eu-west-1,us-east-1"), 2, "'us-east-1' is named twice in --regions"),
                Arguments.of(List.of("--regions", "us-east-1", "--regions", "us-east-1"), 2, "'us-east-1' is named twice in --regions"),
                Arguments.of(List.of("--accounts", A + ",", "--role-name", "r"), 2, "--accounts '" + A + ",' has an empty element"),
                Arguments.of(List.of("--accounts", "," + A, "--role-name", "r"), 2, "has an empty element"),
                Arguments.of(List.of("--accounts", A + "," + A, "--role-name", "r"), 2, "'" + A + "' is named twice in --accounts"),
                Arguments.of(List.of("--accounts", A, "--role-name", "ops//mtls-status"), 1, "invalid role name 'ops//mtls-status'"),
                Arguments.of(List.of("--accounts", A, "--role-name", "ops/"), 1, "invalid role name 'ops/'"),
                Arguments.of(List.of("--accounts", A, "--role-name", "/"), 1, "invalid role name '/'"),
                Arguments.of(List.of("--accounts", A, "--role-name", "ops/my role"), 1, "invalid role name"),
                Arguments.of(List.of("--accounts", A, "--role-name", "ops:x/role"), 1, "invalid role name"),
                Arguments.of(List.of("--accounts", A, "--role-name", "x".repeat(65)), 1, "invalid role name"),
                Arguments.of(List.of("--accounts", A, "--role-name", "p/".repeat(256) + "role"), 1, "invalid role name"));
    }

    @ParameterizedTest
    @MethodSource("badLists")
    void statusRefusesBeforeAnyCall(List<String> extra, int exit, String expected) {
        refusedBeforeAnyCall("status", extra, exit, expected);
    }

    @ParameterizedTest
    @MethodSource("badLists")
    void rotateRefusesBeforeAnyCall(List<String> extra, int exit, String expected) {
        List<String> args = new ArrayList<>(List.of("--workspace", ws.root().toString(), "--service", "service-1"));
        args.addAll(extra);
        refusedBeforeAnyCall("rotate", args, exit, expected);
    }

    private static void refusedBeforeAnyCall(String command, List<String> extra, int exit, String expected) {
        aws.clearRequests();
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(extra);
        args.addAll(List.of("--endpoint-url", aws.endpoint().toString()));
        if (!extra.contains("--regions")) {
            args.addAll(List.of("--region", aws.region()));
        }

        BadInputCli.assertOneLineFailure(BadInputCli.run(args.toArray(String[]::new)), exit, expected);

        assertEquals(List.of(), aws.requests(), "no AWS call may be made for bad input");
    }
}
