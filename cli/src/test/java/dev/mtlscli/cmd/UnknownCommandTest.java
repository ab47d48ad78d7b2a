package dev.mtlscli.cmd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A command that does not exist is a usage error at every level, with --help or without, so a
 * script can tell a typo from success; the line names the nearest command.
 */
class UnknownCommandTest {

    static Stream<Arguments> typos() {
        return Stream.of(
                Arguments.of(List.of("certs", "frobnicate", "--help"), "unknown command 'frobnicate' under 'mtls-cli certs'", null),
                Arguments.of(List.of("certs", "inspekt", "--help"), "unknown command 'inspekt'", "did you mean 'inspect'?"),
                Arguments.of(List.of("certs", "inspekt"), "unknown command 'inspekt'", "did you mean 'inspect'?"),
                Arguments.of(List.of("frobnicate", "--help"), "unknown command 'frobnicate' under 'mtls-cli'", null),
                Arguments.of(List.of("stauts"), "unknown command 'stauts' under 'mtls-cli'", "did you mean 'status'?"),
                Arguments.of(List.of("--help", "stauts"), "unknown command 'stauts'", "did you mean 'status'?"),
                Arguments.of(List.of("layer", "publsh", "--help"), "unknown command 'publsh' under 'mtls-cli layer'",
                        "did you mean 'publish'?"),
                Arguments.of(List.of("help", "frobnicate"), "unknown command 'frobnicate' under 'mtls-cli'", null),
                Arguments.of(List.of("help", "certs", "inspekt"), "unknown command 'inspekt' under 'mtls-cli certs'",
                        "did you mean 'inspect'?"));
    }

    @ParameterizedTest
    @MethodSource("typos")
    void isAUsageErrorWithTheNearestCommand(List<String> args, String expected, String suggestion) {
        BadInputCli.Result result = BadInputCli.run(args.toArray(String[]::new));

        String line = BadInputCli.assertOneLineFailure(result, ExitCodes.USAGE, expected);
        if (suggestion != null) {
            assertTrue(line.contains(suggestion), line);
        }
        assertEquals("", result.out(), "no help on stdout for a typo");
    }

    @Test
    void theHelpOfCommandsThatExistStillWorks() {
        for (List<String> args : List.of(List.of("certs", "--help"), List.of("help", "certs"), List.of("help", "certs", "inspect"),
                List.of("layer", "publish", "--help"), List.of("--help"), List.of("help"))) {
            BadInputCli.Result result = BadInputCli.run(args.toArray(String[]::new));
            assertEquals(0, result.exitCode(), args + ": " + result.err());
            assertTrue(result.out().contains("Usage: mtls-cli"), args + ": " + result.out());
            assertEquals("", result.err(), args.toString());
        }
    }
}
